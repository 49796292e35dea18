"""The one conftest: real services, the app, a client, and factories for users, applicants and models.

The services are real processes started by ``senko_stack`` (``stack/``, the same code and config
files ``make up`` uses) in a temporary folder on free loopback ports, and stopped when the session
ends, even on failure. Every test starts from empty tables and an empty Redis. Tests reach shared
code only through these fixtures (pytest runs in ``importlib`` mode: no test imports another).
"""
import io
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from senko_stack import Stack, free_port

ROOT = Path(__file__).resolve().parent.parent
DONE = ("scored", "unscored", "failed")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository's root folder."""
    return ROOT


@pytest.fixture(scope="session")
def stack():
    """MariaDB + Redis started for this test session in a temporary folder on free ports."""
    var = Path(tempfile.mkdtemp(prefix="senko-test-"))
    overrides = {
        "SENKO_ENV": "production",
        "SENKO_DB_PORT": str(free_port()),
        "SENKO_REDIS_PORT": str(free_port()),
        "SENKO_API_PORT": str(free_port()),
        "SENKO_UI_PORT": str(free_port()),
        "SENKO_UWSGI_PORT": str(free_port()),
        "SENKO_PREDICT_PORT": str(free_port()),
        "SENKO_METRICS_PORT": str(free_port()),
        "SENKO_PREDICT_METRICS_PORT": str(free_port()),
        "SENKO_LOGIN_RATE_LIMIT": "5 per minute",
        # Fast retries so "senko-predict down" settles in seconds.
        "SENKO_SCORE_RETRIES": "2",
        "SENKO_SCORE_RETRY_BACKOFF": "1",
        "SENKO_WORKER_CONCURRENCY": "2",
        "SENKO_PREDICT_POLL_SECONDS": "0.5",
    }
    test_stack = Stack.from_var(var, overrides)
    # As root the services run as the unprivileged service user; what this process writes into the
    # shared data folder (résumés, models) must stay theirs to read and add to (a group-writable umask).
    umask = os.umask(0o002) if os.geteuid() == 0 else None
    try:
        test_stack.start_db()
        test_stack.start_redis()
        env = test_stack.child_env()
        for key, value in env.items():
            if key.startswith("SENKO_") and key != "SENKO_ENV":
                os.environ[key] = value
        os.environ["SENKO_ENV"] = "testing"
        test_stack.migrate()
        yield test_stack
    finally:
        for name in test_stack.SERVICES:
            test_stack.stop(name)
        if umask is not None:
            os.umask(umask)
        if not os.environ.get("SENKO_KEEP_TEST_VAR"):
            shutil.rmtree(var, ignore_errors=True)


@pytest.fixture(scope="session")
def worker(stack):
    """A real Celery worker (2 processes) on the test Redis and MariaDB, for the whole session."""
    stack.start_worker()
    try:
        yield stack
    finally:
        stack.stop("worker")


@pytest.fixture(scope="session")
def predict_service(stack):
    """senko-predict under uWSGI (2 workers) on the test stack's loopback port."""
    stack.start_predict()
    try:
        yield stack.child_env()["SENKO_PREDICT_URL"]
    finally:
        stack.stop("predict")


@pytest.fixture(scope="session")
def live(stack):
    """senko-app under uWSGI behind nginx (API and UI ports), started with the same config files as `make up`."""
    try:
        stack.start_app()
        stack.start_web()
        yield f"http://127.0.0.1:{stack.env['SENKO_API_PORT']}"
    finally:
        stack.stop("nginx")
        stack.stop("uwsgi")


@pytest.fixture(scope="session")
def _app(stack):
    from senko import create_app

    return create_app()


@pytest.fixture(scope="session")
def redis_admin(stack):
    """Redis as the stack's admin user (senko-admin): the app's own user may not flush or read other keys."""
    import redis

    client = redis.Redis.from_url(stack.redis_url("admin", 0))
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def app(_app, redis_admin):
    """The app with empty tables, an empty Redis and no stored files for this test."""
    from senko.extensions import db

    with _app.app_context():
        clean(db, redis_admin)
    shutil.rmtree(Path(_app.config["SENKO_DATA_DIR"]) / "resumes", ignore_errors=True)
    try:
        yield _app
    finally:
        with _app.app_context():
            db.session.remove()


def clean(db, redis_admin):
    """Empty every table (keeping the schema; DELETE: the runtime account may not TRUNCATE) and the Redis database."""
    from sqlalchemy import text

    with db.engine.begin() as conn:
        conn.execute(text("SET FOREIGN_KEY_CHECKS = 0"))
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(text(f"DELETE FROM `{table.name}`"))
        conn.execute(text("SET FOREIGN_KEY_CHECKS = 1"))
    redis_admin.flushdb()


@pytest.fixture
def client(app, openapi):
    """A Flask test client whose every response is validated against api-reference.yml."""
    from flask.testing import FlaskClient

    class ContractClient(FlaskClient):
        def open(self, *args, **kwargs):
            response = super().open(*args, **kwargs)
            if response.request.method != "OPTIONS" and not getattr(self, "skip_contract", False):
                validate_against_spec(openapi, response)
            return response

    app.test_client_class = ContractClient
    try:
        yield app.test_client()
    finally:
        app.test_client_class = None


@pytest.fixture
def runner(app):
    """A Flask CLI runner."""
    return app.test_cli_runner()


class Users:
    """Creates users straight in the database and logs them in through the API."""

    ADMIN_PASSWORD = "admin-password-123"
    RECRUITER_PASSWORD = "recruiter-password-123"

    def __init__(self, app, client):
        self.app = app
        self.client = client

    def create(self, email: str, password: str, role: str = "recruiter", name: str = "テスト 太郎"):
        from senko.auth.accounts import create_user

        with self.app.app_context():
            return create_user(email, name, password, role).id

    def login(self, email: str, password: str) -> dict:
        response = self.client.post("/user/login", json={"email": email, "password": password})
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def headers(self, token: str) -> dict:
        return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def users(app, client):
    """Helper to create and log in users."""
    return Users(app, client)


@pytest.fixture
def admin(users):
    """An admin's tokens and Authorization header."""
    users.create("admin@example.com", users.ADMIN_PASSWORD, "admin", "管理 者")
    tokens = users.login("admin@example.com", users.ADMIN_PASSWORD)
    return {**tokens, "headers": users.headers(tokens["access_token"])}


@pytest.fixture
def recruiter(users):
    """A recruiter's tokens and Authorization header."""
    users.create("recruiter@example.com", users.RECRUITER_PASSWORD, "recruiter", "採用 花子")
    tokens = users.login("recruiter@example.com", users.RECRUITER_PASSWORD)
    return {**tokens, "headers": users.headers(tokens["access_token"])}


# ---- contract: every response the test client sees must match api-reference.yml ----------------
SPEC_PATH = ROOT / "api-reference.yml"


@pytest.fixture(scope="session")
def spec_path() -> Path:
    """The OpenAPI document API users open in Swagger editor."""
    return SPEC_PATH


@pytest.fixture(scope="session")
def openapi():
    """The parsed OpenAPI document (openapi-core)."""
    from openapi_core import OpenAPI

    return OpenAPI.from_file_path(str(SPEC_PATH))


@pytest.fixture(scope="session")
def validate_response(openapi):
    """``validate_response(response)`` fails unless a werkzeug test response is what the spec documents."""
    return lambda response: validate_against_spec(openapi, response)


def validate_against_spec(openapi, response) -> None:
    """Fail unless ``response`` (a werkzeug test response) is documented by the spec, status and body."""
    from openapi_core.contrib.werkzeug import WerkzeugOpenAPIResponse
    from openapi_core.testing import MockRequest

    # The request body was consumed by the app; only the route and method matter to find the operation.
    request = MockRequest("http://localhost:9999", response.request.method.lower(), response.request.path,
                          args=dict(response.request.args))
    openapi.validate_response(request, WerkzeugOpenAPIResponse(response))


# ---- factories and waiting: applicants, résumés, labelled data -----------------------------------
@pytest.fixture(scope="session")
def upload():
    """``upload(client, headers, pdf, filename="履歴書.pdf", **fields)``: POST /applicant as multipart with a résumé."""

    def _upload(client, headers, pdf: bytes, filename: str = "履歴書.pdf", **fields):
        data = {"name": "山田 太郎", **fields, "resume": (io.BytesIO(pdf), filename)}
        return client.post("/applicant", headers=headers, data=data, content_type="multipart/form-data")

    return _upload


@pytest.fixture(scope="session")
def wait_for():
    """``wait_for(predicate, what, timeout=60, interval=0.2)``: poll until ``predicate()`` is truthy; returns it."""

    def _wait_for(predicate, what: str, timeout: float = 60.0, interval: float = 0.2):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(interval)
        raise AssertionError(f"timed out waiting for {what}")

    return _wait_for


@pytest.fixture(scope="session")
def wait_done():
    """``wait_done(client, headers, applicant_id, timeout=90)``: poll until the applicant leaves queued/processing."""

    def _wait_done(client, headers, applicant_id: int, timeout: float = 90.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            applicant = client.get(f"/applicant/{applicant_id}", headers=headers).get_json()["applicant"]
            if applicant["status"] in DONE:
                return applicant
            time.sleep(0.2)
        raise AssertionError(f"applicant {applicant_id} still {applicant['status']} after {timeout}s")

    return _wait_done


@pytest.fixture
def make_applicant(app):
    """``make_applicant(pdf=None, status=None, **fields) -> id``: an applicant straight in MySQL.

    With ``pdf`` the résumé is stored and attached (status ``queued``) but not sent to a worker;
    ``status`` then forces a stage (tests of the pipeline's own guards).
    """
    from senko.extensions import db
    from senko.ingest.storage import save_resume
    from senko.models import Applicant

    def _make(pdf: bytes | None = None, status: str | None = None, **fields) -> int:
        with app.app_context():
            applicant = Applicant(**{"name": "山田 太郎", **fields})
            if pdf is not None:
                applicant.attach_resume(save_resume(pdf), "r.pdf", len(pdf))
            if status is not None:
                applicant.status = status
            db.session.add(applicant)
            db.session.commit()
            return applicant.id

    return _make


@pytest.fixture
def seed_labelled(app):
    """``seed_labelled(app, count, decided=None, start=0) -> ids``: generated applicants with stored nouns.

    The first ``decided`` get their hidden-rule label (training data for the model tests).
    """
    from senko.demo.resumes import make_profile
    from senko.extensions import db
    from senko.ingest.nouns import extract_nouns, load_stopwords, name_parts
    from senko.ingest.pipeline import store_nouns
    from senko.models import Applicant
    from senko.models.mixins import utcnow

    stopwords = load_stopwords()

    def _seed(flask_app, count: int, decided: int | None = None, start: int = 0) -> list[int]:
        decided = count if decided is None else decided
        ids = []
        with flask_app.app_context():
            for offset in range(count):
                profile = make_profile(start + offset)
                applicant = Applicant(name=profile.name, furigana=profile.furigana, status="unscored",
                                      processed_sha256="0" * 64)
                if offset < decided:
                    applicant.decision, applicant.decided_at = profile.label, utcnow()
                db.session.add(applicant)
                db.session.flush()
                nouns = extract_nouns("\n".join(profile.lines()), stopwords, name_parts(profile.name, profile.furigana))
                store_nouns(applicant.id, nouns.counts)
                ids.append(applicant.id)
            db.session.commit()
        return ids

    return _seed


# ---- the browser -------------------------------------------------------------------------------
@pytest.fixture
def browser(tmp_path):
    """Headless Debian Chromium driven by Debian's chromedriver (no browser download), in Japanese."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, chromedriver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and chromedriver):
        pytest.fail("chromium and chromium-driver must be installed (make deps installs them)")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,1600", "--lang=ja"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(chromedriver), options=options)
    try:
        yield driver
    finally:
        driver.quit()


class BrowserPage:
    """What every browser test shares: the UI's address, what the page reports (CSP violations,
    uncaught errors and rejections, recorded from the next load on), logging in through the form,
    the viewport's width and axe-core's serious violations."""

    AXE = ROOT / "tests" / "system" / "vendor" / "axe.min.js"
    WATCH = """
window.__problems = [];
addEventListener('securitypolicyviolation',
                 (e) => __problems.push(`CSP ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
addEventListener('error', (e) => __problems.push(`error ${e.message} ${e.filename || (e.target && e.target.src) || ''}`), true);
addEventListener('unhandledrejection', (e) => __problems.push(`rejection ${e.reason && (e.reason.stack || e.reason.message || e.reason)}`));
"""

    def __init__(self, browser, ui: str):
        self.browser, self.ui = browser, ui

    def watch(self) -> None:
        """Record CSP violations and uncaught errors from the next page load on."""
        self.browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": self.WATCH})

    def problems(self) -> list:
        """What the page reported since it loaded (``watch`` first)."""
        return self.browser.execute_script("return window.__problems || []")

    def login(self, wait, email: str, password: str, path: str = "/") -> None:
        """Open the UI at ``path`` and sign in through the login form."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as EC

        self.browser.get(f"{self.ui}{path}")
        wait.until(EC.visibility_of_element_located((By.ID, "login-email"))).send_keys(email)
        self.browser.find_element(By.ID, "login-password").send_keys(password)
        self.browser.find_element(By.CSS_SELECTOR, "#login-form button").click()
        wait.until(lambda d: email in d.find_element(By.ID, "user-email").text or d.find_element(By.ID, "login-error").text)
        assert self.browser.find_element(By.ID, "login-error").text == ""

    def set_width(self, width: int) -> None:
        """The viewport's width (a window cannot be made 390 px wide: the phone width is emulated)."""
        if width < 500:
            self.browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                         {"width": width, "height": 844, "deviceScaleFactor": 1, "mobile": True})
        else:
            self.browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
            self.browser.set_window_size(width, 900)

    def serious_axe(self, selector: str | None = None) -> list:
        """axe-core's serious and critical violations inside ``selector`` (the whole document without one)."""
        self.browser.execute_script(self.AXE.read_text())
        result = self.browser.execute_async_script("""
            const [selector, done] = arguments;
            axe.run(selector ? document.querySelector(selector) : document, { resultTypes: ['violations'] }).then((r) =>
                done(r.violations.map((v) =>
                    ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }))));""",
            selector)
        return [v for v in result if v["impact"] in ("serious", "critical")]


@pytest.fixture
def page(browser, stack) -> BrowserPage:
    """``BrowserPage`` helpers for ``browser`` on the test stack's UI."""
    return BrowserPage(browser, f"http://127.0.0.1:{stack.env['SENKO_UI_PORT']}")


@pytest.fixture
def make_model(app, seed_labelled):
    """``make_model(algorithm=None, activate=False, labelled=120) -> version``: a trained model in the registry.

    Seeds ``labelled`` decided applicants first (once per test), so a test that needs a model asks for one.
    """
    from senko.extensions import db
    from senko.models import Applicant
    from senko.training import governance, registry

    def _make(algorithm: str | None = None, activate: bool = False, labelled: int = 120) -> str:
        with app.app_context():
            empty = not db.session.scalar(db.select(db.func.count()).select_from(Applicant))
        if empty:  # seeded in its own context: a session opened before would not see the rows (repeatable read)
            seed_labelled(app, labelled, decided=labelled * 5 // 6)
        with app.app_context():
            model = registry.train(algorithm)
            if activate:  # a first activation needs the model card acknowledged (training.governance)
                governance.acknowledge(model, registry.read_verified, None, "test fixture")
                registry.activate(model)
            return model.version

    return _make


# ---- job boards ----------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def job_board_server():
    """The demo job board (25 applications, 10 a page: 3 pages) served on a free loopback port for the session."""
    from senko.demo.jobboard import create_board, make_applications, serve

    server = serve(create_board(make_applications(25), page_size=10))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def job_board(job_board_server):
    """The session's job board, reset before and after the test: ``.url``, ``.port``, ``.app`` (knobs on ``.app.board``).

    It listens on 127.0.0.1: a fetcher reaches it only with ``f"127.0.0.1:{job_board.port}"`` in its allow list.
    """
    job_board_server.app.board.reset()
    try:
        yield job_board_server
    finally:
        job_board_server.app.board.reset()


# ---- IMAP (dovecot) ----------------------------------------------------------------------------
DOVECOT_CONF = """\
protocols = imap
listen = 127.0.0.1
base_dir = {var}/run
state_dir = {var}/state
log_path = {var}/dovecot.log
ssl = required
ssl_cert = <{var}/cert.pem
ssl_key = <{var}/key.pem
auth_mechanisms = plain login
auth_failure_delay = 0
mail_location = maildir:{var}/mail/%u
mail_max_userip_connections = 100
first_valid_uid = 1
default_internal_user = {internal}
default_internal_group = {internal_group}
default_login_user = {login}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {var}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={var}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {port}
  }}
}}
service anvil {{
  chroot =
  # No auth penalty (dovecot's documented switch): a wrong-password test must not slow the logins after it.
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service auth-worker {{
  user = {worker}
}}
"""


class ImapServer:
    """A running dovecot: where it listens, its one user, and helpers to put mails in and look at them."""

    def __init__(self, host: str, port: int, user: str, password: str):
        self.host, self.port, self.user, self.password = host, port, user, password

    def connect(self):
        """A logged-in imaplib client (the certificate is self-signed: not verified)."""
        import imaplib
        import ssl

        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        client = imaplib.IMAP4_SSL(self.host, self.port, ssl_context=context, timeout=30)
        client.login(self.user, self.password)
        return client

    def append(self, *messages: bytes, folder: str = '"INBOX"') -> None:
        """APPEND raw mails (unseen) to ``folder`` (an IMAP argument: quoted, modified UTF-7)."""
        client = self.connect()
        try:
            for raw in messages:
                typ, data = client.append(folder, None, None, raw)
                assert typ == "OK", data
        finally:
            client.logout()

    def clear(self) -> None:
        """Delete every folder but INBOX and every mail in INBOX."""
        import re

        client = self.connect()
        try:
            for line in client.list()[1]:
                name = re.search(rb'\) (?:"[^"]*"|NIL) (.+)$', line).group(1).decode()
                if name.strip('"').upper() != "INBOX":
                    client.delete(name)
            if int(client.select('"INBOX"')[1][0]):
                client.store("1:*", "+FLAGS.SILENT", r"(\Deleted)")
                client.expunge()
        finally:
            client.logout()


@pytest.fixture(scope="session")
def imap_server():
    """Debian's dovecot serving IMAPS (self-signed) on a free loopback port with one passwd-file user.

    Yields an ``ImapServer`` (``host``, ``port``, ``user``, ``password``, ``connect()``, ``append(raw)``,
    ``clear()``); stopped at the end of the session, even on failure. Skips, saying why, only when
    dovecot is not installed or does not start.
    """
    import grp
    import pwd
    import subprocess

    search_path = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])
    dovecot, openssl = shutil.which("dovecot", path=search_path), shutil.which("openssl", path=search_path)
    if not (dovecot and openssl):
        pytest.skip("dovecot (Debian's dovecot-imapd) and openssl are needed for the IMAP tests: run `make deps`")
    var = Path(tempfile.mkdtemp(prefix="senko-imap-"))
    var.chmod(0o755)  # dovecot's unprivileged processes must reach their sockets and the mail folder
    port, user, password = free_port(), "recruit", "imap-test-password"
    if os.geteuid() == 0:  # dovecot refuses root for mail: mail belongs to nobody, its services to its own users
        uid, gid = pwd.getpwnam("nobody").pw_uid, grp.getgrnam("nogroup").gr_gid
        names = {name for name in ("dovecot", "dovenull") if _user_exists(pwd, name)}
        internal, internal_group = ("dovecot", "dovecot") if "dovecot" in names else ("nobody", "nogroup")
        login = "dovenull" if "dovenull" in names else "nobody"
        worker = "root"
    else:  # every service runs as this user
        uid, gid = os.getuid(), os.getgid()
        internal = login = worker = pwd.getpwuid(uid).pw_name
        internal_group = grp.getgrgid(gid).gr_name
    process = None
    try:
        for folder in ("run", "state", "mail"):
            (var / folder).mkdir()
        os.chown(var / "mail", uid, gid)
        (var / "users").write_text(f"{user}:{{PLAIN}}{password}\n")
        subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                        "-keyout", str(var / "key.pem"), "-out", str(var / "cert.pem"), "-days", "2",
                        "-subj", "/CN=localhost"], check=True, capture_output=True, timeout=60)
        for name in ("users", "key.pem", "cert.pem"):
            (var / name).chmod(0o644)
        (var / "dovecot.conf").write_text(DOVECOT_CONF.format(var=var, port=port, uid=uid, gid=gid, internal=internal,
                                                              internal_group=internal_group, login=login, worker=worker))
        process = subprocess.Popen([dovecot, "-F", "-c", str(var / "dovecot.conf")], stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT)
        server = ImapServer("127.0.0.1", port, user, password)
        why = _wait_for_imap(server, process, var)
        if why:
            pytest.skip(f"dovecot did not start, so the IMAP tests cannot run: {why}")
        yield server
    finally:
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if not os.environ.get("SENKO_KEEP_TEST_VAR"):
            shutil.rmtree(var, ignore_errors=True)


def _user_exists(pwd, name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def _wait_for_imap(server: ImapServer, process, var: Path, timeout: float = 20.0) -> str | None:
    """None once a login works; otherwise why not (dovecot's own output and log)."""
    deadline, error = time.monotonic() + timeout, "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = f"exited with status {process.returncode}"
            break
        try:
            server.connect().logout()
            return None
        except Exception as exc:  # not listening yet, or a broken config: retry until the deadline
            error = f"{type(exc).__name__}: {exc}"
            time.sleep(0.2)
    output = process.stdout.read().decode(errors="replace") if process.poll() is not None else ""
    log = (var / "dovecot.log").read_text(errors="replace") if (var / "dovecot.log").exists() else ""
    return f"{error}; {(output + log).strip()[-800:] or 'no output'}"


class Receiver:
    """A small local HTTP server standing in for Sentry's ingest endpoint or a chat webhook.

    It keeps every request (path and body, gzip undone); the first ``fail_first`` answer 500.
    """

    def __init__(self, fail_first: int = 0):
        import gzip
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        receiver = self
        self.requests: list[tuple[str, bytes]] = []
        self.fail_first = fail_first
        self.lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                with receiver.lock:
                    failing = receiver.fail_first > 0
                    receiver.fail_first -= 1 if failing else 0
                    receiver.requests.append((self.path, body))
                self.send_response(500 if failing else 200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.dsn = f"http://public@127.0.0.1:{self.port}/1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def text(self) -> str:
        """Every body received so far, as one text."""
        with self.lock:
            return "\n".join(body.decode(errors="replace") for _, body in self.requests)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    """Make local HTTP receivers (``receiver(fail_first=2)``); all are shut down after the test."""
    made = []

    def _make(fail_first: int = 0) -> Receiver:
        made.append(Receiver(fail_first))
        return made[-1]

    try:
        yield _make
    finally:
        for item in made:
            item.close()


@pytest.fixture(scope="session")
def receiver_class():
    """The ``Receiver`` class itself, for fixtures that keep one for a whole module (close it yourself)."""
    return Receiver
