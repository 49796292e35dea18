"""``Stack``: one native Senko stack (a ``var`` folder, its settings), as ``make up`` and the tests use it.

A thin class: the settings come from ``config``, the process bookkeeping from ``processes``, each
service from ``services``, who runs it from ``privileges``.
"""
from __future__ import annotations

import functools
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from . import config, privileges, processes, services


class Stack:
    """The native Senko stack rooted at ``var``: data, ``run/`` (pid files, sockets) and ``log/``."""

    SERVICES = services.STOP_ORDER

    def __init__(self, var: Path, env: dict):
        self.var = Path(var)
        self.env = env
        self.run = self.var / "run"
        self.log = self.var / "log"
        self.data_shared = False  # the data folders were handed to the service user (services.share_data)
        for folder in (self.run, self.log):
            folder.mkdir(parents=True, exist_ok=True)

    @classmethod
    def from_var(cls, var: Path, overrides: Mapping[str, str] | None = None) -> Stack:
        """The stack of ``var``, its settings loaded by ``config.load`` (``var/senko.env`` made on first use)."""
        return cls(var, config.load(Path(var), overrides))

    # ---- settings ------------------------------------------------------------------------------
    def child_env(self) -> dict:
        """The environment every Senko process of this stack gets."""
        return config.child_env(self.var, self.env)

    def migrate_env(self) -> dict:
        """``child_env`` plus the migrator account's URL (``SENKO_MIGRATE_DATABASE_URL``)."""
        return config.migrate_env(self.var, self.env)

    def predict_database_url(self) -> str:
        """senko-predict's own account: SELECT on the model registry only."""
        return config.predict_database_url(self.env)

    def migrate_database_url(self) -> str:
        """The migrator account: DDL and DML on Senko's database."""
        return config.migrate_database_url(self.env)

    def redis_url(self, role: str = "admin", database: int = 0) -> str:
        """Redis as ``role`` (app, broker or admin: the stack's own user, for its checks and the tests)."""
        return config.redis_url(self.env, role, database)

    # ---- who runs what ---------------------------------------------------------------------------
    @functools.cached_property
    def account(self) -> privileges.Account | None:
        """The unprivileged user the services run as when the stack is started as root (None otherwise);
        the first use checks that it can reach the code and the venv."""
        account = privileges.service_account(self.env)
        privileges.check_reachable(account, self.var, privileges.code_paths(config.ROOT))
        return account

    def daemon_account(self, name: str) -> privileges.Account | None:
        """MariaDB's or Redis's own system user (``mysql``, ``redis``) when started as root."""
        return privileges.daemon_account(name, self.account)

    def popen_user(self) -> dict:
        """``subprocess`` arguments running a command as the service user (none when not root)."""
        return self.account.popen() if self.account else {}

    @property
    def python(self) -> str:
        """The interpreter of the project's virtualenv (this one when run from it)."""
        return sys.executable

    def bin(self, name: str) -> str:
        """A console script installed next to the interpreter (uwsgi, celery, flask)."""
        return str(Path(self.python).parent / name)

    # ---- processes -----------------------------------------------------------------------------
    def pid(self, name: str) -> int | None:
        """The pid of service ``name`` if its pid file names a live process."""
        return processes.read_pid(self.run, name)

    def spawn(self, name: str, argv: list[str], cwd: Path | None = None, env: dict | None = None,
              user: privileges.Account | None = None) -> int:
        """Start ``argv`` as service ``name`` (see ``processes.spawn``) with the stack's environment, as ``user``."""
        return processes.spawn(self.run, self.log, name, argv, cwd or config.ROOT, env or self.child_env(),
                               user.popen() if user else None)

    def stop(self, name: str, timeout: float = 20.0) -> bool:
        """Stop service ``name`` started by this stack; False when it was not running."""
        return processes.stop(self.run, name, timeout)

    def require_port_free(self, name: str, port: int) -> None:
        """Refuse to start ``name`` on a port another process holds."""
        processes.require_port_free(self.run, name, port, f"{self.var}/{config.ENV_FILE}")

    # ---- services (one line each: the work is in services.py) ------------------------------------
    def start_db(self) -> None:
        """MariaDB, with the database and accounts of ``senko-db/accounts.sql``."""
        services.start_db(self)

    def start_redis(self) -> None:
        """Redis."""
        services.start_redis(self)

    def flask(self, *args: str, capture: bool = False) -> subprocess.CompletedProcess:
        """Run a ``flask`` command of senko-app with the stack's environment."""
        return services.flask(self, *args, capture=capture)

    def migrate(self) -> None:
        """Apply the migrations (``flask db upgrade``)."""
        services.migrate(self)

    def boot(self) -> str:
        """``flask boot``: wait for the database and Redis, migrate, create the first admin."""
        return services.boot(self)

    def start_app(self) -> None:
        """senko-app under uWSGI."""
        services.start_app(self)

    def start_predict(self) -> None:
        """senko-predict under uWSGI."""
        services.start_predict(self)

    def start_worker(self, concurrency: int | None = None, name: str = "worker") -> None:
        """A Celery worker named ``name``."""
        services.start_worker(self, concurrency, name)

    def start_beat(self) -> None:
        """Celery beat."""
        services.start_beat(self)

    def start_web(self) -> None:
        """nginx."""
        services.start_web(self)

    # ---- the whole stack -----------------------------------------------------------------------
    def up(self) -> dict:
        """Start everything in ``START_ORDER`` (idempotent); returns what each step reported."""
        report = {step.name: step.start(self) for step in services.START_ORDER}
        if self.env.get("SENKO_DEMO") == "1":
            report[services.DEMO_STEP.name] = services.DEMO_STEP.start(self)
        return report

    def down(self) -> list[str]:
        """Stop every service this stack started, in reverse start order; the data stays."""
        return [name for name in self.SERVICES if self.stop(name)]

    def status(self) -> dict:
        """Which services run, with their pids (None: stopped)."""
        return {name: self.pid(name) for name in self.SERVICES}
