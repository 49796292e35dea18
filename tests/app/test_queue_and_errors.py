"""Tasks are sent by name, domain errors map to one status each, and the CLI reports them in one place."""
import pytest

from senko import errors, exceptions, queue
from senko.scoring.client import NoModel, PredictUnavailable


def test_every_task_name_the_domain_sends_is_registered(app):
    """Each name in senko.queue is a task the Celery app knows (a typo would queue work nobody runs)."""
    registered = set(app.extensions["celery"].tasks)
    assert set(queue.TASK_NAMES) <= registered
    assert {name for name in registered if name.startswith("senko.")} == set(queue.TASK_NAMES)


def test_the_beat_schedule_names_registered_tasks(app):
    """Every periodic job runs a task that exists."""
    celery = app.extensions["celery"]
    assert {entry["task"] for entry in celery.conf.beat_schedule.values()} <= set(celery.tasks)


def test_send_carries_the_time_limits_and_a_dead_broker_is_unavailable(app, monkeypatch):
    """process_resume sends the configured limits with the message; a broker error becomes Unavailable."""
    from kombu.exceptions import OperationalError

    sent = {}
    celery = app.extensions["celery"]

    def fake_send(name, args=(), **options):
        sent.update(name=name, args=args, **options)
        return type("Result", (), {"id": "task-1"})()

    with app.app_context():
        monkeypatch.setattr(celery, "send_task", fake_send)
        assert queue.process_resume(5) == "task-1"
        assert sent == {"name": queue.PROCESS_RESUME, "args": (5,), "soft_time_limit": app.config["SENKO_PDF_SOFT_TIME_LIMIT"],
                        "time_limit": app.config["SENKO_PDF_TIME_LIMIT"]}

        def broken(*_args, **_kwargs):
            raise OperationalError("connection refused")

        monkeypatch.setattr(celery, "send_task", broken)
        with pytest.raises(exceptions.Unavailable):
            queue.rescore_all("v1")


@pytest.mark.parametrize(("cls", "status"), [
    (exceptions.Malformed, 400), (exceptions.NotFound, 404), (exceptions.Conflict, 409),
    (exceptions.IllegalTransition, 409), (exceptions.TooLarge, 413), (exceptions.Unsupported, 415),
    (exceptions.Invalid, 422), (exceptions.Unavailable, 503), (exceptions.SenkoError, 422),
])
def test_each_domain_error_has_one_status(cls, status):
    """The one table in senko.errors gives each class its status (a subclass inherits its parent's)."""
    assert errors.status_of(cls("x")) == status


@pytest.mark.parametrize(("cls", "code"), [
    (exceptions.Malformed, "bad_request"), (exceptions.NotFound, "not_found"), (exceptions.Conflict, "conflict"),
    (exceptions.IllegalTransition, "illegal_transition"), (exceptions.TooLarge, "too_large"),
    (exceptions.Unsupported, "unsupported"), (exceptions.Invalid, "invalid"), (exceptions.Unavailable, "unavailable"),
    (NoModel, "no_model"), (PredictUnavailable, "predict_unavailable"),
])
def test_each_domain_error_has_a_stable_code(cls, code):
    """The error JSON's ``code``: a class's own word where it has one, else its status's word."""
    assert errors.code_of(cls("x")) == code


def test_a_domain_error_from_a_service_becomes_the_json_error(client, recruiter):
    """NotFound raised by the applicant service reaches the client as 404 {"message"} (the contract client checks the shape)."""
    response = client.delete("/applicant/999999", headers=recruiter["headers"])
    assert response.status_code == 404
    assert response.get_json() == {"message": "Applicant 999999 not found", "code": "not_found"}


def test_the_cli_reports_domain_errors_once(runner):
    """A command that raises a SenkoError prints 'Error: <message>' and exits 1, without a traceback."""
    result = runner.invoke(args=["models", "activate", "v404"])
    assert result.exit_code == 1
    assert "Error: Model v404 not found" in result.output and "Traceback" not in result.output
    rollback = runner.invoke(args=["models", "rollback"])
    assert rollback.exit_code == 1 and "no earlier active model" in rollback.output
