"""Backups: the database, the résumé store and the model files in one archive, and the way back.

``create`` writes ``senko-backup-<UTC time>.tar.gz`` (mode 600: it holds personal data) with
``manifest.json`` first (created_at, the code's version, the Alembic revision, rows per table and
the sha256 of every other member), ``database.sql`` (``mariadb-dump --single-transaction``: one
consistent snapshot, no locks, with the migrator account), ``resumes/…`` and ``models/…``.

``restore`` verifies every checksum before it changes anything, refuses a stack that holds data
unless forced, loads the dump with the ``mariadb`` client (migrator account), puts the files back,
upgrades the schema when the backup is older than the code, and ends every session: revocations
live in Redis, not in the backup, so tokens issued before the restore are refused (401) and
people log in again with their (restored) passwords.
"""
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import zlib
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, inspect, pool, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from .counts import GENERATION_KEY
from .exceptions import Conflict, Invalid, Unavailable
from .extensions import db, redis_store
from .ingest.storage import resume_root
from .models import Applicant, MlModel, Source, User, record_audit

FORMAT = 1
MANIFEST = "manifest.json"
DUMP = "database.sql"
MEMBER = re.compile(r"database\.sql|resumes/[0-9a-f]{2}/[0-9a-f]{64}\.pdf|models/[A-Za-z0-9_][A-Za-z0-9_.-]*")
CHUNK = 1024 * 1024


def sha256_of(handle) -> str:
    """The sha256 of a readable binary stream, read in chunks."""
    digest = hashlib.sha256()
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def code_version() -> str:
    """The code's version: ``SENKO_VERSION`` when set (images), else ``git describe`` of the checkout."""
    if os.environ.get("SENKO_VERSION"):
        return os.environ["SENKO_VERSION"]
    try:
        return subprocess.run(["git", "describe", "--always", "--dirty", "--tags"], cwd=Path(__file__).parent,
                              capture_output=True, text=True, timeout=10, check=True).stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


@contextmanager
def client_options():
    """A private option file for the ``mariadb`` tools with the migrator account (never in argv); yields (path, db)."""
    url = make_url(current_app.config["SENKO_MIGRATE_DATABASE_URI"])
    quote = lambda value: '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'  # noqa: E731
    lines = ["[client]", f"user={quote(url.username)}", f"password={quote(url.password or '')}",
             f"host={quote(url.host or 'localhost')}", f"port={url.port or 3306}", "default-character-set=utf8mb4"]
    with tempfile.TemporaryDirectory(prefix="senko-backup-") as folder:
        path = Path(folder) / "client.cnf"
        path.touch(mode=0o600)
        path.write_text("\n".join(lines) + "\n")
        yield str(path), url.database


def run_client(argv: list[str], **kwargs) -> None:
    """Run a MariaDB tool; a missing tool or a failure is ``Unavailable`` with its message."""
    try:
        subprocess.run(argv, check=True, stderr=subprocess.PIPE, **kwargs)
    except FileNotFoundError as exc:
        raise Unavailable(f"{argv[0]} is not installed (Debian: mariadb-client)") from exc
    except subprocess.CalledProcessError as exc:
        raise Unavailable(f"{argv[0]} failed: {exc.stderr.decode(errors='replace').strip()[-500:]}") from exc


def table_counts() -> dict[str, int]:
    """Rows per table of Senko's schema (for the manifest and the restore report)."""
    return {table.name: db.session.scalar(select(func.count()).select_from(table)) for table in db.metadata.sorted_tables}


def revision() -> str | None:
    """The database's Alembic revision."""
    return db.session.scalar(text("SELECT version_num FROM alembic_version"))


def data_files() -> dict[str, Path]:
    """Archive member name → file, for every stored résumé and model file."""
    roots = {"resumes": resume_root(), "models": Path(current_app.config["SENKO_MODEL_DIR"])}
    files = {}
    for prefix, root in roots.items():
        for path in sorted(root.rglob("*")) if root.is_dir() else []:
            name = f"{prefix}/{path.relative_to(root).as_posix()}"
            if path.is_file() and not path.is_symlink() and MEMBER.fullmatch(name):
                files[name] = path
    return files


def create(output: str | None = None) -> dict:
    """Write a backup archive into ``output`` (default ``SENKO_BACKUP_DIR``); returns its path and manifest."""
    folder = Path(output or current_app.config["SENKO_BACKUP_DIR"])
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    now = datetime.now(UTC)
    target = folder / f"senko-backup-{now:%Y%m%dT%H%M%SZ}.tar.gz"
    with tempfile.TemporaryDirectory(prefix="senko-backup-", dir=folder) as work:
        dump = Path(work) / DUMP
        with client_options() as (options, database), open(dump, "wb") as out:
            run_client(["mariadb-dump", f"--defaults-extra-file={options}", "--single-transaction", "--skip-add-locks",
                        "--skip-lock-tables", "--hex-blob", "--no-tablespaces", database], stdout=out)
        files = {DUMP: dump, **data_files()}
        checksums = {}
        for name, path in files.items():
            with open(path, "rb") as handle:
                checksums[name] = sha256_of(handle)
        manifest = {"format": FORMAT, "created_at": now.isoformat(timespec="seconds").replace("+00:00", "Z"),
                    "version": code_version(), "alembic_revision": revision(), "counts": table_counts(),
                    "files": checksums}
        partial = Path(work) / "archive.partial"
        with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as raw, \
                tarfile.open(fileobj=raw, mode="w:gz") as tar:
            body = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(body), int(now.timestamp()), 0o600
            tar.addfile(info, fileobj=io.BytesIO(body))
            for name, path in files.items():
                tar.add(path, arcname=name, recursive=False)
        os.replace(partial, target)
    record_audit("backup.create", None, files=len(checksums))
    db.session.commit()
    return {"path": str(target), "manifest": manifest}


def read_verified(archive: str) -> dict:
    """The archive's manifest, after checking that its members are exactly the manifest's, each with its sha256.

    Anything else (an unreadable archive, a missing, extra or changed member) raises ``Invalid`` naming it.
    """
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = {member.name: member for member in tar.getmembers()}
            if MANIFEST not in members:
                raise Invalid(f"{archive} is not a Senko backup: no {MANIFEST}")
            manifest = json.load(tar.extractfile(members.pop(MANIFEST)))
            expected = manifest.get("files") or {}
            if manifest.get("format") != FORMAT or DUMP not in expected:
                raise Invalid(f"{archive}: unknown backup format")
            if set(members) != set(expected):
                odd = sorted(set(members) ^ set(expected))
                raise Invalid(f"Backup archive is damaged: members differ from the manifest ({', '.join(odd[:5])})")
            for name, member in members.items():
                if not member.isfile() or not MEMBER.fullmatch(name):
                    raise Invalid(f"Backup archive refused: unexpected member {name}")
                if sha256_of(tar.extractfile(member)) != expected[name]:
                    raise Invalid(f"Backup archive is damaged: checksum mismatch for {name}")
    except (tarfile.TarError, EOFError, zlib.error, OSError, ValueError) as exc:
        raise Invalid(f"{archive} is not a readable backup archive: {exc}") from exc
    return manifest


def holds_data() -> bool:
    """True when the stack holds anything beyond the first admin ``flask boot`` creates."""
    try:
        if not inspect(db.engine).has_table("users"):
            return False
        return any(db.session.scalar(select(func.count()).select_from(model)) for model in (Applicant, MlModel, Source)) \
            or db.session.scalar(select(func.count()).select_from(User)) > 1
    finally:
        db.session.rollback()


def drop_all_tables() -> None:
    """Drop every table of the database with the migrator account (the dump recreates Senko's)."""
    engine = create_engine(current_app.config["SENKO_MIGRATE_DATABASE_URI"], poolclass=pool.NullPool)
    try:
        with engine.begin() as connection:
            connection.execute(text("SET FOREIGN_KEY_CHECKS = 0"))
            for name in inspect(connection).get_table_names():
                connection.execute(text(f"DROP TABLE `{name}`"))
            connection.execute(text("SET FOREIGN_KEY_CHECKS = 1"))
    finally:
        engine.dispose()


def put_files(tar: tarfile.TarFile, names: list[str]) -> None:
    """Write the archive's résumés and models into the data folders; files the backup does not have go."""
    roots = {"resumes": resume_root(), "models": Path(current_app.config["SENKO_MODEL_DIR"])}
    for name, path in data_files().items():
        if name not in names:
            path.unlink()
    for name in names:
        prefix, _, rest = name.partition("/")
        target = roots[prefix] / rest
        target.parent.mkdir(parents=True, exist_ok=True)
        with tar.extractfile(name) as source, open(target, "wb") as out:
            shutil.copyfileobj(source, out, CHUNK)


def restore(archive: str, force: bool = False) -> dict:
    """Restore ``archive`` into this stack; returns the manifest's and the restored row counts."""
    manifest = read_verified(archive)
    if holds_data() and not force:
        raise Conflict("The database holds applicants, models, sources or users: restore into an empty stack, "
                       "or pass --force to replace everything")
    db.session.remove()
    drop_all_tables()
    with tarfile.open(archive, "r:gz") as tar:
        with client_options() as (options, database):
            dump = Path(options).with_name(DUMP)  # the client reads a real file: the dump, unpacked privately
            with tar.extractfile(DUMP) as source, open(dump, "wb") as out:
                shutil.copyfileobj(source, out, CHUNK)
            with open(dump, "rb") as handle:
                run_client(["mariadb", f"--defaults-extra-file={options}", database], stdin=handle)
        put_files(tar, [name for name in manifest["files"] if name != DUMP])
    try:
        upgrade()  # no-op when the backup's revision is the code's head
        db.session.execute(update(User).values(token_generation=func.coalesce(User.token_generation, 0) + 1))
        record_audit("backup.restore", None, backup_created_at=manifest["created_at"])
        db.session.commit()
        counts = table_counts()
    except SQLAlchemyError:
        db.session.rollback()
        raise
    redis_store.client.incr(GENERATION_KEY)  # cached list totals belong to the data that was replaced
    return {"manifest": manifest, "counts": counts}
