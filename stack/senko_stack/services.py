"""One function per service of the native stack, and ``START_ORDER``: the order they start in.

Every function takes the ``Stack`` and starts its service with the same config file compose uses
(``senko-db/my.cnf``, ``senko-redis/redis.conf``, the ``uwsgi.ini`` files, the nginx template),
bound to 127.0.0.1, then waits until it answers. Starting a running service does nothing. Started
as root, each service runs as its unprivileged user and gets the folders it writes to (``privileges``).
"""
from __future__ import annotations

import getpass
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from . import exporters, privileges
from .accounts import accounts_sql, redis_acl
from .config import APP_DIR, PREDICT_DIR, ROOT, cors_origins, port, predict_database_url
from .processes import port_open, wait_for

if TYPE_CHECKING:
    from .stack import Stack

__all__ = ["START_ORDER", "STOP_ORDER", "accounts_sql", "redis_acl"]
MY_CNF = ROOT / "senko-db/my.cnf"
# The host parts of the native accounts: TCP on loopback, and the socket.
NATIVE_DB_HOSTS = ("127.0.0.1", "localhost")
CELERY_APP = "senko.worker:celery"
# senko-predict loads model files: it gets no Redis password, JWT key or sources key.
NOT_FOR_PREDICT = ("SENKO_REDIS_URL", "SENKO_CELERY_BROKER_URL", "SENKO_RATELIMIT_STORAGE_URL", "SENKO_JWT_SECRET",
                   "SENKO_SOURCES_KEY")


# ---- MariaDB ------------------------------------------------------------------------------------
def start_db(stack: Stack) -> None:
    """Start MariaDB with ``senko-db/my.cnf`` on 127.0.0.1 (a new data folder on first use), then apply
    ``senko-db/accounts.sql``: the database and the accounts, with the passwords of ``var/senko.env``."""
    db_port = port(stack.env, "SENKO_DB_PORT")
    stack.require_port_free("mariadb", db_port)
    user = stack.daemon_account(privileges.DB_USER)
    datadir = privileges.own(stack.var / "mysql", user, 0o700 if user else None, tree=True)
    rundir = privileges.own(stack.run / "mariadb", user, 0o755 if user else None)
    sock = rundir / "mysql.sock"
    error_log = privileges.own_file(stack.log / "mariadb-error.log", user)
    # mariadbd refuses root unless told: only with SENKO_SERVICE_USER=root does it run as root.
    as_root = ["--user=root"] if user is None and os.geteuid() == 0 else []
    if not (datadir / "mysql").exists():
        with open(stack.log / "mariadb-install.log", "ab") as log:
            subprocess.run(
                ["mariadb-install-db", f"--defaults-file={MY_CNF}", f"--datadir={datadir}",
                 *([f"--user={user.name}"] if user else as_root), "--auth-root-authentication-method=socket",
                 "--skip-test-db"],
                check=True, stdout=log, stderr=subprocess.STDOUT,
            )
    # Started as its own user (mysql) when root: mariadbd itself never runs as root.
    stack.spawn("mariadb", [
        "mariadbd", f"--defaults-file={MY_CNF}", f"--datadir={datadir}", f"--port={db_port}",
        "--bind-address=127.0.0.1", f"--socket={sock}", f"--pid-file={rundir / 'mariadbd.pid'}",
        f"--log-error={error_log}", "--innodb-buffer-pool-size=128M", *as_root,
    ], user=user)
    wait_for(lambda: sock.exists() and port_open(db_port), "MariaDB", 90, error_log,
             alive=lambda: stack.pid("mariadb") is not None)
    sql = "\n".join(accounts_sql(stack.env, host) for host in NATIVE_DB_HOSTS)
    # On stdin, not in argv: the passwords stay out of the process list.
    subprocess.run(["mariadb", f"--socket={sock}", "-uroot"], input=sql, text=True, check=True)


# ---- Redis --------------------------------------------------------------------------------------
def start_redis(stack: Stack) -> None:
    """Start Redis with ``senko-redis/redis.conf`` (AOF on, protected mode) on 127.0.0.1, data in
    ``var/redis``, its users from ``senko-redis/users.acl`` (rendered into ``var/run``, mode 600)."""
    redis_port = port(stack.env, "SENKO_REDIS_PORT")
    stack.require_port_free("redis", redis_port)
    user = stack.daemon_account(privileges.REDIS_USER)
    data = privileges.own(stack.var / "redis", user, 0o700 if user else None, tree=True)
    # A file, not --user arguments: the passwords (hashed, even) stay out of the process list.
    aclfile = privileges.write_private(stack.run / "redis-users.acl", redis_acl(stack.env), user)
    stack.spawn("redis", [
        "redis-server", str(ROOT / "senko-redis/redis.conf"), "--bind", "127.0.0.1", "--port", str(redis_port),
        "--dir", str(data), "--aclfile", str(aclfile),
    ], user=user)
    wait_for(lambda: port_open(redis_port), "Redis", 30, stack.log / "redis.log",
             alive=lambda: stack.pid("redis") is not None)


# ---- senko-app ----------------------------------------------------------------------------------
def share_data(stack: Stack) -> dict:
    """The environment of senko-app's processes, after making sure (once per ``Stack``) they may use
    the data folders."""
    env = stack.child_env()
    if not stack.data_shared:
        for key in ("SENKO_DATA_DIR", "SENKO_MODEL_DIR"):
            privileges.share(Path(env[key]), stack.account, stack.var)
        stack.data_shared = True
    return env


def flask(stack: Stack, *args: str, capture: bool = False, migrator: bool = False) -> subprocess.CompletedProcess:
    """Run a ``flask`` command of senko-app as the service user with the stack's environment (fails on a
    non-zero exit); ``migrator``: with the migrator account's URL (the schema)."""
    env = share_data(stack)
    if migrator:
        env["SENKO_MIGRATE_DATABASE_URL"] = stack.migrate_database_url()
    return subprocess.run([stack.bin("flask"), *args], cwd=APP_DIR, env=env, check=True, capture_output=capture,
                          text=True, **stack.popen_user())


def migrate(stack: Stack) -> None:
    """Apply the Alembic migrations (``flask db upgrade``) with the migrator account."""
    flask(stack, "db", "upgrade", migrator=True)


def boot(stack: Stack) -> str:
    """``flask boot``: wait for MariaDB and Redis, migrate (the migrator account), create the first admin.

    The same command compose's entrypoint runs. Returns what it printed (a generated admin password,
    once); its log lines go to the terminal as they come.
    """
    env = share_data(stack) | {"SENKO_MIGRATE_DATABASE_URL": stack.migrate_database_url()}
    return subprocess.run([stack.bin("flask"), "boot"], cwd=APP_DIR, env=env, check=True, stdout=subprocess.PIPE,
                          text=True, **stack.popen_user()).stdout


def start_app(stack: Stack) -> None:
    """Start senko-app under uWSGI (``senko-app/uwsgi.ini``) on SENKO_UWSGI_PORT, as the service user."""
    uwsgi_port = port(stack.env, "SENKO_UWSGI_PORT")
    stack.require_port_free("uwsgi", uwsgi_port)
    stack.spawn("uwsgi", [stack.bin("uwsgi"), "--ini", str(APP_DIR / "uwsgi.ini")], cwd=APP_DIR,
                env=share_data(stack) | exporters.multiproc_env(stack, "uwsgi"),
                user=stack.account)
    wait_for(lambda: port_open(uwsgi_port), "uWSGI (senko-app)", 60, stack.log / "uwsgi.log",
             alive=lambda: stack.pid("uwsgi") is not None)


# ---- senko-predict ------------------------------------------------------------------------------
def start_predict(stack: Stack) -> None:
    """Start senko-predict under uWSGI (plain HTTP on loopback: only senko-app talks to it), connected
    with its own read-only database account."""
    predict_port = port(stack.env, "SENKO_PREDICT_PORT")
    stack.require_port_free("predict", predict_port)
    env = {key: value for key, value in share_data(stack).items() if key not in NOT_FOR_PREDICT}
    env["SENKO_DATABASE_URL"] = predict_database_url(stack.env)
    env |= exporters.multiproc_env(stack, "predict")
    stack.spawn("predict", [stack.bin("uwsgi"), "--ini", str(PREDICT_DIR / "uwsgi.ini")], cwd=PREDICT_DIR, env=env,
                user=stack.account)
    wait_for(lambda: port_open(predict_port), "senko-predict", 60, stack.log / "predict.log",
             alive=lambda: stack.pid("predict") is not None)


# ---- Celery -------------------------------------------------------------------------------------
def start_worker(stack: Stack, concurrency: int | None = None, name: str = "worker") -> None:
    """Start a Celery worker (prefork) of senko-app; waits until it is ready to take tasks."""
    log = stack.log / f"{name}.log"
    offset = log.stat().st_size if log.exists() else 0
    concurrency = concurrency or int(stack.env.get("SENKO_WORKER_CONCURRENCY", "2"))
    if stack.pid(name):
        return
    stack.spawn(name, [stack.bin("celery"), "-A", CELERY_APP, "worker", "--loglevel=INFO", f"--concurrency={concurrency}",
                       f"--hostname={name}@%h", "--without-gossip", "--without-mingle"], cwd=APP_DIR,
                env=share_data(stack) | exporters.multiproc_env(stack, name), user=stack.account)
    wait_for(lambda: log.exists() and b" ready." in log.read_bytes()[offset:], "Celery worker", 90, log,
             alive=lambda: stack.pid(name) is not None)


def start_beat(stack: Stack) -> None:
    """Start Celery beat (the periodic jobs of ``senko.tasks.schedule``); its state in ``run/celery``."""
    state = privileges.own(stack.run / "celery", stack.account, 0o700 if stack.account else None)
    stack.spawn("beat", [stack.bin("celery"), "-A", CELERY_APP, "beat", "--loglevel=INFO",
                         f"--schedule={state / 'celerybeat-schedule'}", f"--pidfile={state / 'celerybeat.pid'}"],
                cwd=APP_DIR, env=share_data(stack), user=stack.account)


# ---- nginx --------------------------------------------------------------------------------------
def render_ui_config(stack: Stack) -> Path:
    """The UI's ``config.js`` with this stack's API port, written into the run folder (nginx serves it)."""
    source = (ROOT / "senko-web/static/config.js").read_text()
    rendered, count = re.subn(r"apiPort: \d+", f"apiPort: {port(stack.env, 'SENKO_API_PORT')}", source)
    if count != 1:
        raise RuntimeError("senko-web/static/config.js has no 'apiPort: <number>' line to fill in")
    target = stack.run / "config.js"
    target.write_text(rendered)
    return target


def render_nginx(stack: Stack) -> Path:
    """Render the shared nginx template (and the native wrapper around it) into the run folder."""
    values = {
        "SENKO_API_PORT": f"127.0.0.1:{stack.env['SENKO_API_PORT']}",
        "SENKO_UI_PORT": f"127.0.0.1:{stack.env['SENKO_UI_PORT']}",
        "SENKO_APP_UPSTREAM": f"127.0.0.1:{stack.env['SENKO_UWSGI_PORT']}",
        "SENKO_STATIC_ROOT": str(ROOT / "senko-web/static"),
        "SENKO_API_SPEC": str(ROOT / "api-reference.yml"),
        "SENKO_UI_CONFIG": str(render_ui_config(stack)),
        # The UI's CSP may connect to the API here; nginx's own errors allow the app's CORS origins only.
        "SENKO_API_ORIGINS": f"http://localhost:{stack.env['SENKO_API_PORT']} http://127.0.0.1:{stack.env['SENKO_API_PORT']}",
        "SENKO_CORS_ORIGINS": cors_origins(stack.env),
        "SENKO_MAX_BODY": stack.env.get("SENKO_MAX_BODY", "60m"),
        "SENKO_MAX_RESUME_BODY": stack.env.get("SENKO_MAX_RESUME_BODY", "11m"),
        "SENKO_RUN": str(stack.run),
        # Started as root: the master reads the config and binds, the workers run as the service user.
        "SENKO_NGINX_USER": f"{stack.account.name} {stack.account.group}" if stack.account else getpass.getuser(),
        "SENKO_LOG": str(stack.log),
        "SENKO_ACCESS_LOG": str(stack.log / "nginx-access.log"),
    }

    def render(template: Path) -> str:
        text = template.read_text()
        for key, value in values.items():
            text = text.replace("${" + key + "}", value)
        return text

    (stack.run / "senko.conf").write_text(render(ROOT / "senko-web/templates/senko.conf.template"))
    main = stack.run / "nginx.conf"
    main.write_text(render(ROOT / "senko-web/nginx-native.conf.template"))
    return main


def start_web(stack: Stack) -> None:
    """Start nginx: the API on SENKO_API_PORT, the UI on SENKO_UI_PORT (config checked first)."""
    api, ui = port(stack.env, "SENKO_API_PORT"), port(stack.env, "SENKO_UI_PORT")
    stack.require_port_free("nginx", api)
    stack.require_port_free("nginx", ui)
    conf = render_nginx(stack)
    with open(stack.log / "nginx-error.log", "ab") as errors:
        subprocess.run(["nginx", "-t", "-q", "-c", str(conf), "-p", str(stack.run)], check=True,
                       stdout=subprocess.DEVNULL, stderr=errors)
    stack.spawn("nginx", ["nginx", "-c", str(conf), "-p", str(stack.run)])
    wait_for(lambda: port_open(api) and port_open(ui), "nginx", 30, stack.log / "nginx-error.log")


# ---- the demo (SENKO_DEMO=1) --------------------------------------------------------------------
def demo_board_url(stack: Stack) -> str:
    """Where the demo job board listens (loopback, SENKO_DEMO_BOARD_PORT, default 9200)."""
    return f"http://127.0.0.1:{stack.env.get('SENKO_DEMO_BOARD_PORT', '9200')}"


def start_demo(stack: Stack) -> dict:
    """Demo data, a demo job board and a source fetching from it (its first run starts at once)."""
    board_port = port({"SENKO_DEMO_BOARD_PORT": stack.env.get("SENKO_DEMO_BOARD_PORT", "9200")}, "SENKO_DEMO_BOARD_PORT")
    stack.require_port_free("jobboard", board_port)
    stack.spawn("jobboard", [stack.bin("flask"), "demo", "board", "--port", str(board_port)], cwd=APP_DIR,
                user=stack.account)
    wait_for(lambda: port_open(board_port), "demo job board", 30, stack.log / "jobboard.log",
             alive=lambda: stack.pid("jobboard") is not None)
    loaded = stack.flask("demo", "load", "--if-empty", capture=True).stdout
    source = stack.flask("demo", "source", "--url", demo_board_url(stack), capture=True).stdout
    return {"demo": loaded.strip(), "source": source.strip()}


# ---- the order ----------------------------------------------------------------------------------
class Step(NamedTuple):
    """One entry of the start order."""

    name: str  # the pid-file name of the process it leaves running (or of the one-shot command)
    start: Callable[[Stack], object]
    runs: bool = True  # False: a command that finishes (boot), nothing to stop


# Written once: `up` walks it forwards; the processes, reversed, are the stop order (Stack.SERVICES).
START_ORDER: tuple[Step, ...] = (
    Step("mariadb", start_db),
    Step("redis", start_redis),
    Step("boot", boot, runs=False),
    Step("predict", start_predict),
    Step("predict-metrics", exporters.start_predict_metrics),
    Step("worker", start_worker),
    Step("beat", start_beat),
    Step("uwsgi", start_app),
    Step("metrics", exporters.start_app_metrics),
    Step("nginx", start_web),
)
# With SENKO_DEMO=1, after START_ORDER: the demo data, the demo job board (a process) and its source.
DEMO_STEP = Step("jobboard", start_demo)
STOP_ORDER: tuple[str, ...] = (DEMO_STEP.name, *(step.name for step in reversed(START_ORDER) if step.runs))
