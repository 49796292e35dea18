"""Fixtures: throwaway MariaDB and Redis on free loopback ports, the app, a client, users and tokens.

The services are real processes started by ``senko_stack`` (``stack/``, the same code and config
files ``make up`` uses) in a temporary folder, and stopped when the session ends, even on failure.
Every test starts from empty tables and an empty Redis.
"""
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from senko_stack import Stack, free_port

ROOT = Path(__file__).resolve().parent.parent

ADMIN_PASSWORD = "admin-password-123"
RECRUITER_PASSWORD = "recruiter-password-123"


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
        "SENKO_LOGIN_RATE_LIMIT": "5 per minute",
        # Fast retries so "senko-predict down" settles in seconds.
        "SENKO_SCORE_RETRIES": "2",
        "SENKO_SCORE_RETRY_BACKOFF": "1",
        "SENKO_WORKER_CONCURRENCY": "2",
        "SENKO_PREDICT_POLL_SECONDS": "0.5",
    }
    test_stack = Stack.from_var(var, overrides)
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


@pytest.fixture
def app(_app):
    """The app with empty tables, an empty Redis and no stored files for this test."""
    from senko.extensions import db, redis_store

    with _app.app_context():
        clean(db, redis_store)
    shutil.rmtree(Path(_app.config["SENKO_DATA_DIR"]) / "resumes", ignore_errors=True)
    try:
        yield _app
    finally:
        with _app.app_context():
            db.session.remove()


def clean(db, redis_store):
    """Empty every table (keeping the schema) and the Redis database."""
    from sqlalchemy import text

    with db.engine.begin() as conn:
        conn.execute(text("SET FOREIGN_KEY_CHECKS = 0"))
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(text(f"DELETE FROM `{table.name}`"))
        conn.execute(text("SET FOREIGN_KEY_CHECKS = 1"))
    redis_store.client.flushdb()


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
    users.create("admin@example.com", ADMIN_PASSWORD, "admin", "管理 者")
    tokens = users.login("admin@example.com", ADMIN_PASSWORD)
    return {**tokens, "headers": users.headers(tokens["access_token"])}


@pytest.fixture
def recruiter(users):
    """A recruiter's tokens and Authorization header."""
    users.create("recruiter@example.com", RECRUITER_PASSWORD, "recruiter", "採用 花子")
    tokens = users.login("recruiter@example.com", RECRUITER_PASSWORD)
    return {**tokens, "headers": users.headers(tokens["access_token"])}


# ---- contract: every response the test client sees must match api-reference.yml ----------------
SPEC_PATH = ROOT / "api-reference.yml"


@pytest.fixture(scope="session")
def openapi():
    """The parsed OpenAPI document (openapi-core)."""
    from openapi_core import OpenAPI

    return OpenAPI.from_file_path(str(SPEC_PATH))


def validate_against_spec(openapi, response) -> None:
    """Fail unless ``response`` (a werkzeug test response) is documented by the spec, status and body."""
    from openapi_core.contrib.werkzeug import WerkzeugOpenAPIResponse
    from openapi_core.testing import MockRequest

    # The request body was consumed by the app; only the route and method matter to find the operation.
    request = MockRequest("http://localhost:9999", response.request.method.lower(), response.request.path,
                          args=dict(response.request.args))
    openapi.validate_response(request, WerkzeugOpenAPIResponse(response))
