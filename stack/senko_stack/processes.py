"""Process supervision without a supervisor: ports, pid files, spawn and stop.

Each service runs in its own session (process group) with its output in ``log/<name>.log`` and its
pid in ``run/<name>.pid``; stopping signals the whole group, so uWSGI's and Celery's workers go too.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Mapping
from pathlib import Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    """True when something accepts connections on ``host:port``."""
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def log_tail(log: Path | None, lines: int = 20) -> str:
    """The last ``lines`` lines of ``log`` (empty when there is none)."""
    if not log or not log.exists():
        return ""
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def wait_for(check: Callable[[], bool], what: str, timeout: float = 60.0, log: Path | None = None,
             alive: Callable[[], bool] | None = None) -> None:
    """Poll ``check()`` until it is true, or fail naming ``what`` and the tail of ``log``.

    ``alive()`` (optional) says whether the process is still running: a crash fails at once.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        if alive is not None and not alive():
            problem = f"{what} exited while starting"
            break
        time.sleep(0.1)
    else:
        problem = f"{what} did not become ready within {timeout:.0f}s"
    raise RuntimeError(f"{problem}\n{log_tail(log)}")


def is_zombie(pid: int) -> bool:
    """True for a process that exited but was not reaped yet (reaps it when it is our child)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    if state == "Z":
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        return True
    return False


def pid_file(run: Path, name: str) -> Path:
    """Where the pid of service ``name`` is recorded."""
    return run / f"{name}.pid"


def read_pid(run: Path, name: str) -> int | None:
    """The pid of service ``name`` if its pid file names a live process (a stale file is removed)."""
    path = pid_file(run, name)
    if not path.exists():
        return None
    try:
        pid = int(path.read_text().strip())
        os.kill(pid, 0)
        if is_zombie(pid):
            raise ProcessLookupError
    except (ValueError, ProcessLookupError):
        path.unlink(missing_ok=True)
        return None
    except PermissionError:  # alive, but somebody else's: still ours to report
        pass
    return pid


def spawn(run: Path, log: Path, name: str, argv: list[str], cwd: Path, env: Mapping[str, str],
          user: Mapping | None = None) -> int:
    """Start ``argv`` in its own session unless ``name`` runs already; log to ``log/<name>.log``, record its pid.

    ``user``: ``Popen`` arguments (``user``, ``group``, ``extra_groups``) of the account to run it as.
    """
    existing = read_pid(run, name)
    if existing:
        return existing
    run.mkdir(parents=True, exist_ok=True)
    log.mkdir(parents=True, exist_ok=True)
    with open(log / f"{name}.log", "ab") as logfile:
        proc = subprocess.Popen(
            argv, cwd=cwd, env=dict(env), stdout=logfile, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True, **(user or {}),
        )
    pid_file(run, name).write_text(str(proc.pid))
    return proc.pid


def _gone(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)  # reap it when it is our child, or it stays a zombie
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return is_zombie(pid)


def stop(run: Path, name: str, timeout: float = 20.0) -> bool:
    """Stop service ``name`` (SIGTERM to its group, SIGKILL after ``timeout``); False when it was not running."""
    pid = read_pid(run, name)
    if not pid:
        return False
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + timeout
    while not _gone(pid):
        if time.monotonic() > deadline:
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            break
        time.sleep(0.1)
    pid_file(run, name).unlink(missing_ok=True)
    return True


def require_port_free(run: Path, name: str, port: int, where: str) -> None:
    """Refuse to start ``name`` on a port somebody else holds (a clear message instead of a hang)."""
    if not read_pid(run, name) and port_open(port):
        raise RuntimeError(f"port {port} for {name} is taken by another process; set another port in {where}")
