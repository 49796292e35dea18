"""Request ids on every response, the Sentry scrubber, Sentry off without a DSN, app errors to a local Sentry, alerts."""
import json
import time

import pytest
import sentry_sdk

from senko_predict.errortracking import scrub_event

PERSONAL = ("桜井 花子", "sakurai.hanako@example.jp", "090-4321-8765", "ペンギン飼育係",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl")


def test_every_response_carries_a_request_id(client):
    """Made when absent, kept when it looks like nginx's, replaced when it does not; errors carry it too."""
    made = client.get("/healthy").headers["X-Request-ID"]
    assert len(made) == 32
    assert client.get("/healthy", headers={"X-Request-ID": "0123456789abcdef"}).headers["X-Request-ID"] == "0123456789abcdef"
    assert client.get("/healthy", headers={"X-Request-ID": "bad id\" injected"}).headers["X-Request-ID"] != "bad id\" injected"
    assert "X-Request-ID" in client.get("/user/list").headers  # a 401


def test_scrubber_removes_personal_data():
    """Request bodies, users, task arguments, SQL parameters, e-mails, phones, tokens and Japanese text go."""
    event = {
        "request": {"method": "POST", "url": "http://x/applicant?email=a@b.jp", "data": {"name": PERSONAL[0]},
                    "headers": {"Authorization": f"Bearer {PERSONAL[4]}", "X-Request-ID": "abc", "Cookie": "s=1"}},
        "user": {"email": PERSONAL[1]},
        "extra": {"celery-job": {"task_name": "senko.tasks.x", "args": [PERSONAL[0]], "kwargs": {}}},
        "exception": {"values": [{"type": "IntegrityError", "value": f"Duplicate [SQL: INSERT] [parameters: ('{PERSONAL[0]}',)] "
                                                                     f"{PERSONAL[1]} {PERSONAL[2]} {PERSONAL[3]} {PERSONAL[4]}"}]},
        "breadcrumbs": {"values": [{"category": "log", "message": f"call {PERSONAL[2]}", "data": {"body": PERSONAL[0]}}]},
        "logentry": {"message": "%s", "params": [PERSONAL[1]]},
    }
    scrubbed = scrub_event(event)
    text = json.dumps(scrubbed, ensure_ascii=False)
    assert [value for value in PERSONAL if value in text] == []
    assert scrubbed["request"] == {"method": "POST", "url": "http://x/applicant", "headers": {"X-Request-ID": "abc"}}
    assert scrubbed["extra"]["celery-job"] == {"task_name": "senko.tasks.x"}
    assert scrubbed["exception"]["values"][0]["type"] == "IntegrityError"


def test_sentry_is_off_without_a_dsn(_app):
    """No SENTRY_DSN: no client (nothing is sent anywhere)."""
    assert _app.config["SENTRY_DSN"] == ""
    assert not sentry_sdk.get_client().is_active()


@pytest.fixture
def sentry_app(app, receiver, monkeypatch):
    """An app reporting to a local Sentry receiver; the client is closed afterwards."""
    from senko import create_app

    sentry = receiver()
    monkeypatch.setenv("SENKO_RELEASE", "test-release")
    try:
        yield create_app({"SENTRY_DSN": sentry.dsn}), sentry
    finally:
        sentry_sdk.get_client().close(timeout=2)
        sentry_sdk.get_global_scope().set_client(None)


def test_an_app_error_reaches_sentry_without_personal_data(sentry_app, monkeypatch, users):
    """A view whose dependency breaks (500) is reported with release, environment and request id; no body, token or name."""
    from senko import health

    flask_app, sentry = sentry_app
    users.create("ops@example.com", users.ADMIN_PASSWORD, "admin")
    token = users.login("ops@example.com", users.ADMIN_PASSWORD)["access_token"]

    def broken():
        raise RuntimeError(f"boom for {PERSONAL[0]} <{PERSONAL[1]}> {PERSONAL[2]} {PERSONAL[3]}")

    monkeypatch.setattr(health, "dependencies", broken)
    response = flask_app.test_client().get("/ready", headers={"Authorization": f"Bearer {token}"},
                                           json={"name": PERSONAL[0], "resume": PERSONAL[3]})
    assert response.status_code == 500
    sentry_sdk.get_client().flush(timeout=5)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and "RuntimeError" not in sentry.text():
        time.sleep(0.1)
    text = sentry.text()
    assert "RuntimeError" in text and "test-release" in text and response.headers["X-Request-ID"] in text
    assert [value for value in (*PERSONAL, token) if value in text] == []


def test_alerts_are_queued_after_the_commit_only(app, monkeypatch):
    """A training failure queues one alert after its commit, without personal data; a rollback queues none; no URL, none."""
    from senko import queue
    from senko.extensions import db
    from senko.models import record_event

    sent = []
    monkeypatch.setattr(queue, "send", lambda name, *args, **_kw: sent.append((name, *args)))
    with app.app_context():
        record_event("model_training_failed", "x", reason="Not enough decisions")
        db.session.commit()
        assert sent == []  # no webhook configured
        app.config["SENKO_ALERT_WEBHOOK_URL"] = "http://127.0.0.1:9/hook"
        try:
            record_event("failed", f"{PERSONAL[0]}さんの書類", reason="no_text")  # not an alert kind
            record_event("model_training_failed", "x", reason="Not enough decisions")
            assert sent == []  # not before the commit
            db.session.commit()
            record_event("model_training_failed", "x", reason="rolled back")
            db.session.flush()
            db.session.rollback()
        finally:
            app.config["SENKO_ALERT_WEBHOOK_URL"] = ""
    assert sent == [(queue.SEND_ALERT, "Senko: model training failed: Not enough decisions")]


def test_webhook_retries_then_delivers_and_a_down_one_gives_up(app, receiver):
    """Failing twice then up: delivered on the third try; down: False after the bounded retries, no exception."""
    from senko import alerts

    flaky = receiver(fail_first=2)
    with app.app_context():
        app.config.update(SENKO_ALERT_WEBHOOK_URL=flaky.url, SENKO_ALERT_RETRY_BACKOFF=0, SENKO_ALERT_RETRIES=3)
        try:
            assert alerts.post_with_retries("Senko: test") is True
            assert len(flaky.requests) == 3 and json.loads(flaky.requests[-1][1]) == {"text": "Senko: test"}
            flaky.close()
            assert alerts.post_with_retries("Senko: test") is False
        finally:
            app.config.update(SENKO_ALERT_WEBHOOK_URL="", SENKO_ALERT_RETRY_BACKOFF=5, SENKO_ALERT_RETRIES=5)


def test_queue_backlog_alerts_once_per_interval(app, receiver):
    """Past the threshold the queue's length goes to the chat, then not again within the interval."""
    from senko import alerts

    chat = receiver()
    with app.app_context():
        app.config.update(SENKO_ALERT_WEBHOOK_URL=chat.url, SENKO_ALERT_QUEUE_THRESHOLD=-1)
        try:
            celery_app = app.extensions["celery"]
            length = alerts.check_backlog(celery_app)
            assert length is not None and length >= 0
            assert alerts.check_backlog(celery_app) is None
            assert json.loads(chat.requests[0][1])["text"].startswith(f"Senko: {length} tasks are waiting")
        finally:
            app.config.update(SENKO_ALERT_WEBHOOK_URL="", SENKO_ALERT_QUEUE_THRESHOLD=500)
