"""The native stack runner (senko_stack) without starting anything: settings, the accounts SQL and Redis users, the order."""
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from senko_stack import START_ORDER, Stack
from senko_stack.cli import main
from senko_stack.config import read_env_file
from senko_stack.services import accounts_sql, redis_acl

ROOT = Path(__file__).resolve().parents[2]  # tests/stack/test_runner.py -> the repository
ACCOUNTS_SQL = ROOT / "senko-db/accounts.sql"
INIT_SCRIPT = ROOT / "senko-db/initdb/10-senko-accounts.sh"
REDIS_ENTRYPOINT = ROOT / "senko-redis/entrypoint.sh"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """No SENKO_* variable of the test session (conftest exports its stack's) leaks into these tests."""
    for key in list(os.environ):
        if key.startswith("SENKO_"):
            monkeypatch.delenv(key)


def test_environment_is_honoured_on_the_first_run(tmp_path, monkeypatch):
    """SENKO_* variables set when var/ is new end up in senko.env, the stack's settings and child_env."""
    monkeypatch.setenv("SENKO_API_PORT", "19999")
    monkeypatch.setenv("SENKO_DB_PORT", "13307")
    monkeypatch.setenv("SENKO_DB_PASSWORD", "chosen-by-me")
    monkeypatch.setenv("SENKO_DEMO", "1")
    stack = Stack.from_var(tmp_path / "var")
    written = read_env_file(tmp_path / "var/senko.env")
    assert written["SENKO_API_PORT"] == "19999" and written["SENKO_DB_PORT"] == "13307"
    assert written["SENKO_DB_PASSWORD"] == "chosen-by-me"
    assert written["SENKO_UI_PORT"] == "8080" and len(written["SENKO_JWT_SECRET"]) == 64
    assert "SENKO_DEMO" not in written  # a one-off switch: honoured now, never written down
    env = stack.child_env()
    assert env["SENKO_API_PORT"] == "19999" and env["SENKO_DEMO"] == "1"
    assert env["SENKO_DATABASE_URL"] == "mysql+mysqldb://senko:chosen-by-me@127.0.0.1:13307/senko?charset=utf8mb4"
    assert "PYTHONPATH" not in env or env["PYTHONPATH"] == os.environ.get("PYTHONPATH")


def test_env_file_is_private_and_reused(tmp_path, monkeypatch):
    """senko.env is mode 600 from the start; a second load keeps its secrets; an older file gets what it lacks."""
    var = tmp_path / "var"
    first = Stack.from_var(var, {"SENKO_REDIS_PORT": "16380"})
    path = var / "senko.env"
    assert path.stat().st_mode & 0o777 == 0o600
    second = Stack.from_var(var)
    for key in ("SENKO_JWT_SECRET", "SENKO_DB_PASSWORD", "SENKO_PREDICT_DB_PASSWORD", "SENKO_REDIS_PORT"):
        assert second.env[key] == first.env[key]
    assert second.env["SENKO_REDIS_PORT"] == "16380"

    # An env file from before senko-predict had its own account, left readable by others.
    path.write_text("".join(f"{k}={v}\n" for k, v in read_env_file(path).items() if k != "SENKO_PREDICT_DB_PASSWORD"))
    path.chmod(0o644)
    third = Stack.from_var(var)
    assert len(third.env["SENKO_PREDICT_DB_PASSWORD"]) == 24
    assert read_env_file(path)["SENKO_PREDICT_DB_PASSWORD"] == third.env["SENKO_PREDICT_DB_PASSWORD"]
    assert third.env["SENKO_JWT_SECRET"] == first.env["SENKO_JWT_SECRET"]
    assert path.stat().st_mode & 0o777 == 0o600

    # Later runs: the environment wins for that run, the file stays as it is.
    monkeypatch.setenv("SENKO_API_PORT", "29999")
    assert Stack.from_var(var).env["SENKO_API_PORT"] == "29999"
    assert read_env_file(path)["SENKO_API_PORT"] == "9999"


def test_a_bad_port_is_named(tmp_path, monkeypatch):
    """A port setting that is not a port number fails with its name, before anything starts."""
    monkeypatch.setenv("SENKO_UI_PORT", "80a")
    with pytest.raises(ValueError, match="SENKO_UI_PORT"):
        Stack.from_var(tmp_path / "var")


def test_accounts_sql_renders_every_placeholder(tmp_path):
    """accounts.sql filled in natively has no placeholder left: a migrator (DDL), a runtime account (DML only), senko_predict."""
    env = Stack.from_var(tmp_path / "var", {"SENKO_DB_PASSWORD": "it's\\odd", "SENKO_PREDICT_DB_PASSWORD": "p"}).env
    sql = accounts_sql(env, "127.0.0.1")
    assert "{{" not in sql and "}}" not in sql
    assert sql.count("GRANT SELECT, CREATE ON `senko`.`ml_models` TO 'senko_predict'@'127.0.0.1';") == 1
    assert sql.count("GRANT SELECT, INSERT, UPDATE, DELETE ON `senko`.* TO 'senko'@'127.0.0.1';") == 1
    assert ("GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, DROP, INDEX, REFERENCES\n"
            "    ON `senko`.* TO 'senko_migrator'@'127.0.0.1';") in sql
    assert len(re.findall(r"^GRANT ", sql, re.M)) == 3 and "ALL PRIVILEGES ON" not in sql
    # An older, wider grant (the runtime account once had everything) is taken away on every start.
    assert sql.count("REVOKE ALL PRIVILEGES, GRANT OPTION FROM") == 3
    assert f"IDENTIFIED BY '{env['SENKO_MIGRATE_DB_PASSWORD']}';" in sql
    assert "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci" in sql
    assert "IDENTIFIED BY 'it''s\\\\odd';" in sql
    with pytest.raises(ValueError, match="DB_NAME"):
        accounts_sql({**env, "SENKO_DB_NAME": "senko`; DROP"}, "localhost")


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_compose_init_script_runs_the_same_sql(tmp_path):
    """senko-db's init script fills in the same file the native path does (hosts '%'), and the image carries it."""
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "mysql").write_text("#!/bin/sh\ncat\n")  # prints the SQL it would have run
    (fake / "mysql").chmod(0o755)
    env = {"PATH": f"{fake}:{os.environ['PATH']}", "SENKO_ACCOUNTS_SQL": str(ACCOUNTS_SQL), "MYSQL_DATABASE": "senko",
           "MYSQL_USER": "senko", "MYSQL_PASSWORD": "a&b'c", "MYSQL_ROOT_PASSWORD": "root",
           "SENKO_PREDICT_DB_PASSWORD": "pp", "SENKO_MIGRATE_DB_PASSWORD": "m\\'m"}
    ran = subprocess.run(["bash", str(INIT_SCRIPT)], env=env, capture_output=True, text=True, check=True).stdout
    native = accounts_sql({"SENKO_DB_NAME": "senko", "SENKO_DB_USER": "senko", "SENKO_DB_PASSWORD": "a&b'c",
                           "SENKO_PREDICT_DB_PASSWORD": "pp", "SENKO_MIGRATE_DB_PASSWORD": "m\\'m"}, "%")
    assert ran.strip() == native.strip()
    dockerfile = (ROOT / "senko-db/Dockerfile").read_text()
    assert "COPY accounts.sql /usr/local/share/senko/accounts.sql" in dockerfile
    assert "COPY initdb/ /docker-entrypoint-initdb.d/" in dockerfile
    assert os.access(INIT_SCRIPT, os.X_OK)  # the image runs executable *.sh (it would source the others)


def test_redis_acl_renders_hashed_users(tmp_path):
    """users.acl filled in natively: the default user's password random, three users with the SHA-256 of theirs, no comment."""
    env = Stack.from_var(tmp_path / "var").env
    acl = redis_acl(env)
    assert "{{" not in acl and "#{" not in acl
    lines = acl.splitlines()
    assert re.fullmatch(r"user default on resetpass #[0-9a-f]{64} ~\* &\* \+@all", lines[0])
    assert lines[0] != redis_acl(env).splitlines()[0]  # a new one every time: nobody holds it
    assert [line.split()[1] for line in lines] == ["default", "senko-admin", "senko-app", "senko-broker"]
    for role in ("app", "broker", "admin"):
        password = env[f"SENKO_REDIS_{role.upper()}_PASSWORD"]
        assert len(password) == 32 and password not in acl
        assert f"#{hashlib.sha256(password.encode()).hexdigest()}" in acl
    assert "~senko:* ~LIMITS:* resetchannels +@all -@dangerous" in acl


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="needs sha256sum")
def test_compose_redis_entrypoint_renders_the_same_acl(tmp_path):
    """senko-redis's entrypoint fills in the same users.acl the native path does, then runs its command."""
    target = tmp_path / "users.acl"
    passwords = {"SENKO_REDIS_APP_PASSWORD": "a&b/c'd", "SENKO_REDIS_BROKER_PASSWORD": "b\\x", "SENKO_REDIS_ADMIN_PASSWORD": "ad"}
    env = {"PATH": os.environ["PATH"], "SENKO_REDIS_ACL_TEMPLATE": str(ROOT / "senko-redis/users.acl"),
           "SENKO_REDIS_ACLFILE": str(target), **passwords}
    ran = subprocess.run(["sh", str(REDIS_ENTRYPOINT), "env"], env=env, capture_output=True, text=True, check=True)
    rendered, native = target.read_text().splitlines(), redis_acl(passwords).splitlines()
    assert rendered[1:] == native[1:] and len(rendered) == len(native) == 4
    assert re.fullmatch(r"user default on resetpass #[0-9a-f]{64} ~\* &\* \+@all", rendered[0])
    assert target.stat().st_mode & 0o777 == 0o600
    assert "PASSWORD" not in ran.stdout  # the server does not inherit them
    assert os.access(REDIS_ENTRYPOINT, os.X_OK)
    dockerfile = (ROOT / "senko-redis/Dockerfile").read_text()
    assert "COPY users.acl /usr/local/etc/redis/users.acl.template" in dockerfile
    assert '"--aclfile", "/usr/local/etc/redis/users.acl"' in dockerfile


def test_children_get_their_own_accounts_only(tmp_path, monkeypatch):
    """No raw password reaches a service: URLs for the runtime DB account and the app/broker Redis users; the migrator's for boot only."""
    monkeypatch.setenv("SENKO_DB_PASSWORD", "from-the-environment")
    stack = Stack.from_var(tmp_path / "var")
    env, e = stack.child_env(), stack.env
    assert not [key for key in env if key.endswith("_PASSWORD") and key != "SENKO_ADMIN_PASSWORD"]
    assert "SENKO_MIGRATE_DATABASE_URL" not in env
    assert env["SENKO_DATABASE_URL"].startswith("mysql+mysqldb://senko:from-the-environment@127.0.0.1:")
    assert env["SENKO_REDIS_URL"] == f"redis://senko-app:{e['SENKO_REDIS_APP_PASSWORD']}@127.0.0.1:6380/0"
    assert env["SENKO_CELERY_BROKER_URL"] == f"redis://senko-broker:{e['SENKO_REDIS_BROKER_PASSWORD']}@127.0.0.1:6380/1"
    assert stack.migrate_env()["SENKO_MIGRATE_DATABASE_URL"].startswith(
        f"mysql+mysqldb://senko_migrator:{e['SENKO_MIGRATE_DB_PASSWORD']}@127.0.0.1:3307/senko")
    written = read_env_file(tmp_path / "var/senko.env")
    for key in ("SENKO_MIGRATE_DB_PASSWORD", "SENKO_REDIS_APP_PASSWORD", "SENKO_REDIS_BROKER_PASSWORD", "SENKO_REDIS_ADMIN_PASSWORD"):
        assert written[key] == e[key]


@pytest.mark.skipif(os.geteuid() != 0, reason="only root starts services as another user")
def test_a_closed_folder_on_the_way_is_opened_for_the_service_user_only():
    """A private folder above the code gets an ACL entry for the service user alone; a closed var/ gets o+x."""
    from senko_stack import privileges

    nobody = privileges.Account.of("nobody")
    top = Path(tempfile.mkdtemp(prefix="senko-reach-"))  # mode 700, like /root or a temporary var/
    try:
        code, var = top / "home/checkout", Path(tempfile.mkdtemp(prefix="senko-reach-var-"))
        code.mkdir(parents=True)
        (top / "home").chmod(0o700)
        assert privileges.first_blocked(code, nobody) == top
        privileges.check_reachable(nobody, var, (code,))
        assert privileges.first_blocked(code, nobody) is None and privileges.first_blocked(var, nobody) is None
        assert top.stat().st_mode & 0o777 == 0o710  # the ACL's mask shows in the group bits; others still ---
        assert var.stat().st_mode & 0o777 == 0o701
        assert subprocess.run(["ls", str(top)], **nobody.popen(), capture_output=True).returncode != 0  # enter, not list
    finally:
        shutil.rmtree(top, ignore_errors=True)
        shutil.rmtree(var, ignore_errors=True)


def test_start_order_has_every_service_once():
    """START_ORDER names each service once, boot after the database and Redis; SERVICES is it reversed (demo board first)."""
    names = [step.name for step in START_ORDER]
    assert len(names) == len(set(names))
    assert names == ["mariadb", "redis", "boot", "predict", "predict-metrics", "worker", "beat", "uwsgi", "metrics", "nginx"]
    stop_order = Stack.SERVICES
    assert stop_order == ("jobboard", *(name for name in reversed(names) if name != "boot"))
    assert all(callable(step.start) for step in START_ORDER)


def test_down_and_status_on_a_missing_var_create_nothing(tmp_path, capsys):
    """`down` and `status` only read pid files: a var/ that does not exist stays absent."""
    var = tmp_path / "var"
    assert main(["status", "--var", str(var)]) == 0
    assert main(["down", "--var", str(var)]) == 0
    assert not var.exists()
    out = capsys.readouterr().out
    assert "mariadb    stopped" in out and "nothing was running" in out


def test_no_pythonpath_and_no_sys_path_edits():
    """The runner sets no PYTHONPATH and edits no sys.path: the packages are installed."""
    for source in (ROOT / "stack/senko_stack").glob("*.py"):
        text = source.read_text()
        assert not re.search(r"sys\.path\.(insert|append)|PYTHONPATH", text), source.name
