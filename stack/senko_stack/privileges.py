"""Who the services run as, and the folders they may use.

Started as root (``make up`` on a fresh machine), the stack runs nothing of Senko as root: senko-app,
senko-predict, the Celery worker and beat and every ``flask`` command run as an unprivileged
system user (``SENKO_SERVICE_USER``, default ``senko``, created when missing); nginx's workers too
(its master stays root and only reads the config); MariaDB and Redis as their Debian users
(``mysql``, ``redis``). Each folder a service writes to is made its own. Started by anybody else,
everything runs as that user and nothing here changes a thing.

The services must reach the code, the venv and its Python (every folder on the way must be
enterable by the service user); ``check_reachable`` sees to it, or says how, before anything starts.
"""
from __future__ import annotations

import errno
import functools
import grp
import operator
import os
import pwd
import shutil
import struct
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

DEFAULT_SERVICE_USER = "senko"
# The system users of Debian's mariadb-server and redis-server; the service user where they are missing.
DB_USER = "mysql"
REDIS_USER = "redis"
SHARED_FOLDER_MODE = 0o2770  # setgid: whatever anybody creates inside belongs to the service group
# POSIX ACLs as the kernel stores them (linux/posix_acl_xattr.h): tags, and the id of unnamed entries.
ACL_ATTRIBUTE = "system.posix_acl_access"
ACL_USER_OBJ, ACL_USER, ACL_GROUP_OBJ, ACL_GROUP, ACL_MASK, ACL_OTHER = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20
ACL_NO_ID = 0xFFFFFFFF


class Account(NamedTuple):
    """A system user a service runs as (uid, primary gid and every group it belongs to)."""

    name: str
    uid: int
    gid: int
    group: str
    groups: tuple[int, ...]

    @classmethod
    def of(cls, name: str) -> Account:
        """The account of the existing system user ``name``."""
        entry = pwd.getpwnam(name)
        return cls(entry.pw_name, entry.pw_uid, entry.pw_gid, grp.getgrgid(entry.pw_gid).gr_name,
                   tuple(os.getgrouplist(entry.pw_name, entry.pw_gid)))

    def popen(self) -> dict:
        """``subprocess.Popen`` arguments that start a process as this account (root's groups dropped)."""
        return {"user": self.uid, "group": self.gid, "extra_groups": list(self.groups)}


def user_exists(name: str) -> bool:
    """True when the system has a user called ``name``."""
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def service_account(env) -> Account | None:
    """The unprivileged user Senko's processes run as, created when missing; None when not started as
    root (everything runs as the caller) or when ``SENKO_SERVICE_USER=root`` asks for the old way."""
    name = env.get("SENKO_SERVICE_USER") or DEFAULT_SERVICE_USER
    if os.geteuid() != 0 or name == "root":
        return None
    if not user_exists(name):
        useradd = shutil.which("useradd") or "/usr/sbin/useradd"
        subprocess.run([useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
                       check=True, capture_output=True)
    return Account.of(name)


def daemon_account(name: str, service: Account | None) -> Account | None:
    """MariaDB's or Redis's own system user when it exists (else the service user); None when not root."""
    if service is None:
        return None
    return Account.of(name) if user_exists(name) else service


# ---- the way to the code ----------------------------------------------------------------------
def can_enter(folder: Path, account: Account) -> bool:
    """Whether ``account`` may enter ``folder``, as the kernel decides (mode bits and ACLs)."""
    test = shutil.which("test") or "/usr/bin/test"
    return subprocess.run([test, "-x", str(folder)], **account.popen()).returncode == 0


def first_blocked(path: Path, account: Account) -> Path | None:
    """The first folder from ``/`` down to ``path`` (itself included) that ``account`` cannot enter."""
    path = Path(path).absolute()
    for folder in (*reversed(path.parents), path):
        if not can_enter(folder, account):
            return folder
    return None


def grant_enter(folder: Path, account: Account) -> None:
    """Let ``account``, and nobody else, enter ``folder``: the POSIX ACL entry ``setfacl -m u:<name>:x``
    adds (written as the kernel's ``system.posix_acl_access`` attribute; ``setfacl`` need not be installed)."""
    try:
        raw = os.getxattr(folder, ACL_ATTRIBUTE)
    except OSError as exc:
        if exc.errno != errno.ENODATA:
            raise
        raw = b""
    if raw:
        entries = {(tag, ident): perm for tag, perm, ident in struct.iter_unpack("<HHI", raw[4:])}
    else:  # no ACL yet: the one the mode bits stand for
        mode = folder.stat().st_mode
        entries = {(ACL_USER_OBJ, ACL_NO_ID): mode >> 6 & 7, (ACL_GROUP_OBJ, ACL_NO_ID): mode >> 3 & 7,
                   (ACL_OTHER, ACL_NO_ID): mode & 7}
    entries[(ACL_USER, account.uid)] = entries.get((ACL_USER, account.uid), 0) | 1
    # The mask bounds named entries: the union of the group class, as setfacl recalculates it.
    entries[(ACL_MASK, ACL_NO_ID)] = functools.reduce(
        operator.or_, (perm for (tag, _), perm in entries.items() if tag in (ACL_USER, ACL_GROUP_OBJ, ACL_GROUP)))
    packed = b"".join(struct.pack("<HHI", tag, perm, ident) for (tag, ident), perm in sorted(entries.items()))
    os.setxattr(folder, ACL_ATTRIBUTE, struct.pack("<I", 2) + packed)


def code_paths(code: Path) -> tuple[Path, ...]:
    """What the services read: the checkout, this virtualenv and the Python it was made from."""
    return code, Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).resolve().parent


def check_reachable(account: Account | None, var: Path, paths: tuple[Path, ...]) -> None:
    """Make sure ``account`` reaches ``paths`` (``code_paths``) and ``var``.

    ``var`` belongs to the stack: when it is closed (a temporary folder is mode 700) it is opened for
    entering (o+x, no listing). Another folder on the way (pyenv's Python under a private /root, a
    checkout in a home folder) gets an ACL entry letting the service user alone enter it, and a notice
    says so; where ACLs are not supported, the error names the folder and the ways out.
    """
    if account is None:
        return
    var = Path(var).absolute()
    for path in (*paths, var):
        tried = set()
        while (blocked := first_blocked(path, account)) is not None:
            if blocked in tried:
                raise RuntimeError(f"{account.name} still cannot enter {blocked} after it was let in")
            tried.add(blocked)
            if blocked == var:
                var.chmod(var.stat().st_mode | 0o001)
                continue
            try:
                grant_enter(blocked, account)
            except OSError as exc:
                raise RuntimeError(
                    f"started as root, the services run as the unprivileged user {account.name!r}, which cannot enter "
                    f"{blocked} on the way to {path} (and an ACL could not let it: {exc.strerror}). Let it in "
                    f"(`chmod o+x {blocked}`), move the checkout where it can (e.g. under /srv or /opt), or set "
                    "SENKO_SERVICE_USER=root to run the services as root (not recommended).") from None
            print(f"senko-stack: let {account.name} enter {blocked} (ACL u:{account.name}:x; "
                  f"`setfacl -x u:{account.name} {blocked}` undoes it)", file=sys.stderr)


# ---- folders ------------------------------------------------------------------------------------
def own(path: Path, account: Account | None, mode: int | None = None, tree: bool = False) -> Path:
    """Create the folder ``path`` when missing and give it (with ``tree``: everything inside too) to
    ``account``; ``mode`` for the folder itself. Without an account only the folder is made."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    if account is None:
        return path
    entries = [path]
    if tree:
        for folder, dirs, files in os.walk(path):
            entries += [Path(folder) / name for name in (*dirs, *files)]
    for entry in entries:
        st = os.lstat(entry)
        if (st.st_uid, st.st_gid) != (account.uid, account.gid):
            os.lchown(entry, account.uid, account.gid)
    if mode is not None and path.stat().st_mode & 0o7777 != mode:
        path.chmod(mode)
    return path


def own_file(path: Path, account: Account | None, mode: int = 0o640) -> Path:
    """Create the file ``path`` when missing (a log another user writes to) and give it to ``account``."""
    path = Path(path)
    path.touch(exist_ok=True)
    if account is not None:
        os.chown(path, account.uid, account.gid)
        path.chmod(mode)
    return path


def share(path: Path, account: Account | None, var: Path) -> Path:
    """The data folder senko-app, its worker and senko-predict share (résumés, models): the service
    user's, setgid with group access, so files a root ``flask`` command writes stay usable by them.
    Only a folder inside ``var`` (or a new one) is taken over; one of yours elsewhere is left as it is."""
    path = Path(path).absolute()
    inside = Path(var).absolute() in (path, *path.parents)
    if not inside and path.exists():
        return path
    own(path, account, SHARED_FOLDER_MODE if account else None, tree=True)
    if account is not None:
        for folder, dirs, _files in os.walk(path):
            for name in dirs:
                sub = Path(folder) / name
                if not sub.is_symlink() and sub.stat().st_mode & 0o2070 != 0o2070:
                    sub.chmod(sub.stat().st_mode | 0o2070)
    return path


def write_private(path: Path, text: str, account: Account | None) -> Path:
    """Replace ``path`` with ``text``, readable by its owner only (``account``, else the caller)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)
    with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
        handle.write(text)
    if account is not None:
        os.chown(tmp, account.uid, account.gid)
    os.replace(tmp, path)
    return path
