"""Operations on the real stack: one request id from nginx to senko-predict, no personal data in any log,
errors of the worker and of senko-predict to a (local) Sentry, alerts to a (local) chat webhook with retries."""
import json
import time
from pathlib import Path

import pytest
import requests

from senko.demo import resumes

NAME, FURIGANA = "桜井 花子", "さくらい はなこ"
EMAIL, PHONE = "sakurai.hanako.ops@example.jp", "090-4321-8765"
RESUME_WORDS = "ペンギン飼育係"
PERSONAL = (NAME, "桜井", "花子", FURIGANA, EMAIL, PHONE, RESUME_WORDS)


@pytest.fixture(scope="module")
def observed(stack, receiver_class, worker, predict_service, live):
    """The worker and senko-predict restarted with SENTRY_DSN and an alert webhook (failing twice) pointing at local receivers."""
    sentry, chat = receiver_class(), receiver_class(fail_first=2)
    settings = {"SENTRY_DSN": sentry.dsn, "SENKO_ALERT_WEBHOOK_URL": chat.url, "SENKO_ALERT_RETRY_BACKOFF": "1",
                "SENKO_RELEASE": "ops-test-release"}
    stack.stop("worker")
    stack.stop("predict")
    stack.env.update(settings)
    try:
        stack.start_worker()
        stack.start_predict()
        yield sentry, chat
    finally:
        stack.stop("worker")
        stack.stop("predict")
        for key in settings:
            stack.env.pop(key, None)
        stack.start_worker()
        stack.start_predict()
        sentry.close()
        chat.close()


def log_text(stack, name: str) -> str:
    path = Path(stack.log) / name
    return path.read_text(errors="replace") if path.exists() else ""


def json_lines(text: str) -> list[dict]:
    lines = []
    for line in text.splitlines():
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict):
            lines.append(value)
    return lines


def test_one_request_id_follows_a_resume_and_no_log_holds_personal_data(observed, stack, live, predict_service, users, make_model,
                                                                        wait_for):
    """Upload through nginx: X-Request-ID answered; the same id in nginx's JSON access log, the app's, the worker's
    and senko-predict's JSON lines; the name, e-mail, phone, résumé text and token appear in none of them."""
    version = make_model(activate=True)
    wait_for(lambda: requests.get(f"{predict_service}/ready", timeout=5).json().get("model_version") == version,
             "senko-predict to serve the model")
    time.sleep(1.5)  # each of its workers polls the registry every 0.5 s
    users.create("ops@example.com", users.RECRUITER_PASSWORD)
    token = requests.post(f"{live}/user/login", json={"email": "ops@example.com", "password": users.RECRUITER_PASSWORD},
                          timeout=10).json()["access_token"]
    pdf = resumes.render_pdf([f"氏名 {NAME}", f"メール {EMAIL}", f"電話 {PHONE}", f"職歴 {RESUME_WORDS}として五年勤務",
                              "Python 設計 経験"])
    response = requests.post(f"{live}/applicant", headers={"Authorization": f"Bearer {token}",
                                                             "X-Request-ID": "client-chosen-id-1234"},
                             data={"name": NAME, "furigana": FURIGANA, "email": EMAIL, "phone": PHONE},
                             files={"resume": ("履歴書.pdf", pdf, "application/pdf")}, timeout=30)
    assert response.status_code == 202, response.text
    rid = response.headers["X-Request-ID"]
    assert len(rid) == 32 and rid != "client-chosen-id-1234"  # nginx's $request_id, not the client's
    applicant_id = response.json()["id"]

    def scored():
        body = requests.get(f"{live}/applicant/{applicant_id}", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        return body.json()["applicant"]["status"] in ("scored", "unscored", "failed") and body
    final = wait_for(scored, "the résumé to be scored", timeout=90)
    assert final.json()["applicant"]["status"] == "scored"
    assert final.headers["X-Request-ID"] != rid  # every request its own id

    logs = {name: wait_for(lambda name=name: rid in log_text(stack, name) and log_text(stack, name), f"{rid} in {name}")
            for name in ("nginx-access.log", "uwsgi.log", "worker.log", "predict.log")}
    access = [line for line in json_lines(logs["nginx-access.log"]) if line.get("request_id") == rid]
    assert access and access[0]["path"] == "/applicant" and access[0]["status"] == 202
    for name in ("uwsgi.log", "worker.log", "predict.log"):
        assert any(line.get("request_id") == rid for line in json_lines(logs[name])), name
    worker_lines = [line["message"] for line in json_lines(logs["worker.log"]) if line.get("request_id") == rid]
    assert any(f"applicant {applicant_id}:" in message for message in worker_lines), worker_lines

    everything = "\n".join(log_text(stack, path.name) for path in Path(stack.log).glob("*.log"))
    leaked = [value for value in (*PERSONAL, token) if value in everything]
    assert leaked == []


def test_nginx_error_pages_carry_the_request_id(observed, live, stack, wait_for):
    """nginx's own JSON errors answer X-Request-ID too, and the access log has the same id."""
    response = requests.request("TRACE", f"{live}/healthy", timeout=10)
    assert response.status_code == 405
    rid = response.headers["X-Request-ID"]
    wait_for(lambda: rid in log_text(stack, "nginx-access.log"), "the 405 in the access log")


def test_a_worker_error_reaches_sentry_scrubbed(observed, app):
    """A task that raises on a broken input is reported by the worker: envelope with the error, release and environment."""
    from senko import queue

    sentry, _chat = observed
    with app.app_context():
        queue.send(queue.RECOVER_STUCK, "not-a-number")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and "TypeError" not in sentry.text():
        time.sleep(0.3)
    text = sentry.text()
    assert "TypeError" in text and "senko.tasks.maintenance.recover_stuck" in text
    assert "ops-test-release" in text and '"environment":"production"' in text.replace(" ", "")
    assert [value for value in PERSONAL if value in text] == []


def test_a_predict_error_reaches_sentry_scrubbed(observed, app, make_model, stack, wait_for):
    """senko-predict refusing a tampered model file is an error it reports to Sentry (no personal data)."""
    from senko.extensions import db
    from senko.models import MlModel

    sentry, _chat = observed
    version = make_model(activate=False)
    with app.app_context():
        model = db.session.scalar(db.select(MlModel).where(MlModel.version == version))
        (Path(app.config["SENKO_MODEL_DIR"]) / model.filename).write_bytes(b"tampered")
        model.status = "active"  # straight in the registry: no rescore queued for a model nobody can load
        db.session.commit()
    wait_for(lambda: "refused model" in sentry.text() and version in sentry.text(), "the refusal at the Sentry receiver",
             timeout=30)
    assert [value for value in PERSONAL if value in sentry.text()] == []


def test_alerts_reach_the_chat_after_retries_and_a_down_webhook_never_fails_the_work(observed, app, wait_for):
    """A failed training alerts the chat (its webhook failing twice first); with the webhook gone, training still records its outcome."""
    from senko import queue
    from senko.extensions import db
    from senko.models import Event

    _sentry, chat = observed
    with app.app_context():
        queue.train_model(None, None, False)
    wait_for(lambda: len(chat.requests) >= 3, "the training alert, refused twice then delivered", timeout=60)
    assert json.loads(chat.requests[-1][1])["text"].startswith("Senko: model training failed")

    chat.close()  # the webhook is down now
    with app.app_context():
        queue.train_model(None, None, False)

    def recorded():
        with app.app_context():
            return db.session.scalar(db.select(db.func.count()).select_from(Event)
                                     .where(Event.kind == "model_training_failed")) == 2
    wait_for(recorded, "the second training's outcome", timeout=60)
