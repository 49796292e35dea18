"""Shared by the benchmarks: the running native stack's settings, an app, a bench user's token."""
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from senko_stack import Stack

ROOT = Path(__file__).resolve().parent.parent

BENCH_EMAIL = "bench@example.com"
BENCH_PASSWORD = "bench-password-not-secret"
PORTS = ("SENKO_DB_PORT", "SENKO_REDIS_PORT", "SENKO_API_PORT", "SENKO_UI_PORT", "SENKO_UWSGI_PORT",
         "SENKO_PREDICT_PORT", "SENKO_METRICS_PORT", "SENKO_PREDICT_METRICS_PORT")
# senko-db/my.cnf sizes InnoDB for a small install (256 MB). A bench of 100 k-1 M applicants with their
# nouns and indexes needs its working set in memory, or bulk inserts wait on random I/O (list_scale:
# ~100 k rows in 4 min past 700 k, against 33 s at the start). Production at that scale sizes it too.
BENCH_BUFFER_POOL_BYTES = 2 * 1024 ** 3


def stack(var: str | None = None) -> Stack:
    """The stack `make up` started, with its environment exported for the app."""
    running = Stack.from_var(Path(var or ROOT / "var"))
    os.environ.update({k: v for k, v in running.child_env().items() if k.startswith("SENKO_")})
    return running


def own_stack(prefix: str = "senko-bench-", settings: dict | None = None) -> Stack:
    """A fresh MariaDB (with a bench-sized buffer pool) + Redis on free loopback ports in a temporary
    folder, migrated, its settings exported for the app (like the tests' stack). ``drop`` removes it."""
    from senko_stack import free_port

    var = Path(tempfile.mkdtemp(prefix=prefix))
    own = Stack.from_var(var, {**(settings or {}), **{key: str(free_port()) for key in PORTS}})
    os.umask(0o002)
    own.start_db()
    subprocess.run(["mariadb", f"--socket={own.run / 'mariadb' / 'mysql.sock'}", "-uroot", "-e",
                    f"SET GLOBAL innodb_buffer_pool_size = {BENCH_BUFFER_POOL_BYTES}"], check=True)
    own.start_redis()
    os.environ.update({k: v for k, v in own.child_env().items() if k.startswith("SENKO_")})
    own.migrate()
    return own


def drop(own: Stack) -> None:
    """Stop every service of a stack made by ``own_stack`` and delete its folder."""
    for name in own.SERVICES:
        own.stop(name)
    shutil.rmtree(own.var, ignore_errors=True)


def app():
    """senko-app bound to the running stack's database and Redis."""
    from senko import create_app

    return create_app()


def token(flask_app, role: str = "admin") -> str:
    """An access token for the bench user (created once)."""
    from flask_jwt_extended import create_access_token

    from senko.auth.accounts import create_user
    from senko.models import User

    with flask_app.app_context():
        user = User.by_email(BENCH_EMAIL) or create_user(BENCH_EMAIL, "Bench", BENCH_PASSWORD, role)
        return create_access_token(identity=str(user.id))


def percentile(values: list[float], pct: float) -> float:
    """The pct-th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]
