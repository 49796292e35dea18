"""Least privilege on the running stack: Redis users and protected mode, the database accounts, who each process runs as."""
import hashlib
import os
import socket
import subprocess

import pytest
import redis
from redis.exceptions import NoPermissionError
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

PROBE_TABLE = "least_privilege_probe"
DENIED = (1142, 1044)  # MySQL/MariaDB: command denied to user (table, database)


def redis_as(stack, role: str, database: int = 0) -> redis.Redis:
    """A client of the test stack's Redis as ``role`` (app, broker, admin)."""
    return redis.Redis.from_url(stack.redis_url(role, database), socket_timeout=5)


def test_redis_answers_noauth_without_a_password(stack):
    """A connection that has not authenticated can run nothing: not a PING, a read, a flush or a config change."""
    with socket.create_connection(("127.0.0.1", int(stack.env["SENKO_REDIS_PORT"])), timeout=5) as sock:
        for command in (b"PING", b"GET senko:revoked:x", b"FLUSHALL", b"CONFIG SET protected-mode no", b"AUTH default x"):
            sock.sendall(command + b"\r\n")
            reply = sock.recv(200)
            assert reply.startswith((b"-NOAUTH", b"-WRONGPASS")), (command, reply)


def test_protected_mode_is_on_and_the_default_user_locked(stack, repo_root):
    """redis.conf turns protected mode on, and the running server has it; the default user needs a password nobody has."""
    assert "protected-mode yes" in (repo_root / "senko-redis/redis.conf").read_text().splitlines()
    admin = redis_as(stack, "admin")
    assert admin.config_get("protected-mode") == {"protected-mode": "yes"}
    default = admin.acl_getuser("default")
    assert "nopass" not in default["flags"] and len(default["passwords"]) == 1
    known = {hashlib.sha256(stack.env[f"SENKO_REDIS_{role}_PASSWORD"].encode()).hexdigest() for role in ("APP", "BROKER", "ADMIN")}
    assert default["passwords"][0] not in known
    assert sorted(admin.acl_users()) == ["default", "senko-admin", "senko-app", "senko-broker"]


def test_app_user_may_not_run_dangerous_commands(stack):
    """senko-app uses its keys but cannot flush, list keys, read or change the config, debug, shut down or manage users."""
    app = redis_as(stack, "app")
    app.set("senko:probe", "1", ex=60)
    for command in (("FLUSHALL",), ("FLUSHDB",), ("KEYS", "*"), ("CONFIG", "GET", "*"), ("CONFIG", "SET", "protected-mode", "no"),
                    ("ACL", "LIST"), ("ACL", "SETUSER", "x", "on")):
        with pytest.raises(NoPermissionError):
            app.execute_command(*command)
    admin = redis_as(stack, "admin")
    for command in (("SHUTDOWN", "NOSAVE"), ("DEBUG", "SLEEP", "0"), ("MONITOR",), ("SAVE",)):  # asked, not run
        assert "no permissions" in admin.execute_command("ACL", "DRYRUN", "senko-app", *command).decode(), command
    with pytest.raises(NoPermissionError):
        app.set("celery-probe", "1")  # not one of its keys
    with pytest.raises(NoPermissionError):
        app.publish("probe", "1")  # no channels
    assert app.get("senko:probe") == b"1"


def test_broker_user_cannot_read_the_apps_keys(stack):
    """senko-broker reaches Celery's keys only: not a revocation or a rate limit, in any database."""
    app = redis_as(stack, "app")
    app.set("senko:revoked:probe", "access", ex=60)
    app.set("LIMITS:probe", "1", ex=60)
    for database in (0, 1):
        broker = redis_as(stack, "broker", database)
        for key in ("senko:revoked:probe", "LIMITS:probe"):
            with pytest.raises(NoPermissionError):
                broker.get(key)
        with pytest.raises(NoPermissionError):
            broker.flushdb()
    broker = redis_as(stack, "broker", 1)
    try:
        assert broker.set("unacked-probe", "1") and broker.get("unacked-probe") == b"1"
    finally:
        redis_as(stack, "admin", 1).delete("unacked-probe")


def test_transactions_survive_a_restart(stack, redis_admin):
    """What the app writes in MULTI/EXEC is still there after Redis restarts (the append-only file replays as the default user)."""
    app = redis_as(stack, "app")
    with app.pipeline(transaction=True) as pipe:
        pipe.set("senko:probe-multi", "kept", ex=600).incr("senko:probe-count").execute()
    stack.stop("redis")
    stack.start_redis()
    assert redis_as(stack, "app").get("senko:probe-multi") == b"kept"
    assert redis_as(stack, "app").get("senko:probe-count") == b"1"
    redis_admin.delete("senko:probe-multi", "senko:probe-count")


def denied(engine, statement: str) -> bool:
    """True when the database refuses ``statement`` to the engine's account for lack of privilege."""
    try:
        with engine.begin() as conn:
            conn.execute(text(statement))
    except DBAPIError as exc:
        return exc.orig.args[0] in DENIED
    return False


def test_runtime_database_account_cannot_change_the_schema(stack):
    """The app's runtime account (SENKO_DATABASE_URL) reads and writes rows but may not CREATE, ALTER, DROP or TRUNCATE."""
    runtime = create_engine(stack.child_env()["SENKO_DATABASE_URL"])
    migrator = create_engine(stack.migrate_database_url())
    try:
        with migrator.begin() as conn:  # the migrator may
            conn.execute(text(f"CREATE TABLE {PROBE_TABLE} (id INT PRIMARY KEY)"))
        for statement in (f"CREATE TABLE {PROBE_TABLE}_2 (id INT)", f"ALTER TABLE {PROBE_TABLE} ADD COLUMN extra INT",
                          f"CREATE INDEX probe_index ON {PROBE_TABLE} (id)", f"TRUNCATE TABLE {PROBE_TABLE}",
                          f"DROP TABLE {PROBE_TABLE}", f"GRANT SELECT ON {PROBE_TABLE} TO 'senko_predict'@'%'"):
            assert denied(runtime, statement), statement
        with runtime.begin() as conn:  # rows are its business
            conn.execute(text(f"INSERT INTO {PROBE_TABLE} (id) VALUES (1)"))
            conn.execute(text(f"DELETE FROM {PROBE_TABLE}"))
    finally:
        with migrator.begin() as conn:
            conn.execute(text(f"DROP TABLE IF EXISTS {PROBE_TABLE}"))
            conn.execute(text(f"DROP TABLE IF EXISTS {PROBE_TABLE}_2"))
        runtime.dispose()
        migrator.dispose()


def processes_of(pid: int) -> list[dict]:
    """Every process in the process group of ``pid`` (one service), as ``ps`` shows it."""
    out = subprocess.run(["ps", "-e", "-o", "pid=,pgid=,ruser=,euser=,rgroup=,supgid=,comm="], capture_output=True,
                         text=True, check=True).stdout
    rows = [dict(zip(("pid", "pgid", "ruser", "euser", "rgroup", "supgid", "comm"), line.split(None, 6), strict=False))
            for line in out.splitlines()]
    return [row for row in rows if row["pgid"] == str(pid)]


@pytest.mark.skipif(os.geteuid() != 0, reason="the stack drops privileges only when started as root")
def test_services_run_as_unprivileged_users(stack, live, predict_service, worker):
    """Started as root: nginx's workers, uWSGI (senko-app, senko-predict) and Celery run as senko; MariaDB as mysql, Redis as redis."""
    expected = {"uwsgi": "senko", "predict": "senko", "worker": "senko", "mariadb": "mysql", "redis": "redis"}
    for service, user in expected.items():
        rows = processes_of(stack.pid(service))
        assert rows, service
        for row in rows:
            assert (row["ruser"], row["euser"], row["rgroup"]) == (user, user, user), (service, row)
            assert "0" not in row["supgid"].split(","), (service, row)  # root's groups dropped too
    assert len([row for row in processes_of(stack.pid("uwsgi")) if row["comm"] == "uwsgi"]) >= 2  # master and workers
    nginx = processes_of(stack.pid("nginx"))
    master = [row for row in nginx if row["pid"] == str(stack.pid("nginx"))]
    workers = [row for row in nginx if row["pid"] != str(stack.pid("nginx"))]
    assert master[0]["euser"] == "root"  # reads the config and binds, serves nothing
    assert workers and all((row["ruser"], row["euser"]) == ("senko", "senko") for row in workers)


@pytest.mark.skipif(os.geteuid() != 0, reason="the stack drops privileges only when started as root")
def test_each_service_owns_only_its_folders(stack, predict_service):
    """Redis's user file is its own (600); MariaDB's and Redis's data are theirs alone; the shared data folder is senko's."""
    import pwd

    def owner(path):
        st = path.stat()
        return pwd.getpwuid(st.st_uid).pw_name, st.st_mode & 0o7777

    assert owner(stack.run / "redis-users.acl") == ("redis", 0o600)
    assert owner(stack.var / "mysql") == ("mysql", 0o700)
    assert owner(stack.var / "redis") == ("redis", 0o700)
    assert owner(stack.var / "data") == ("senko", 0o2770)
    assert owner(stack.var / "senko.env") == ("root", 0o600)
