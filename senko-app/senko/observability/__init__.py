"""Logs you can follow and errors to Sentry, wired into the app and its Celery tasks.

One request id follows a résumé: nginx makes it (``$request_id``, sent to uWSGI as
``X-Request-ID``), Flask takes it for the request's log lines and answers it on every response
(``senko_predict.logs.init_flask``), ``before_task_publish`` puts it into the headers of every
task sent meanwhile, ``task_prerun`` restores it in the worker (where tasks sent by that task carry
it on), and the predict client sends it to senko-predict. Every process logs JSON lines
(``senko_predict.logs``) and, when ``SENTRY_DSN`` is set, reports errors to Sentry with the Flask
and Celery integrations and the scrubber of ``senko_predict.errortracking``.
"""
from celery.signals import before_task_publish, setup_logging, task_postrun, task_prerun
from sentry_sdk.integrations.celery import CeleryIntegration

from senko_predict import errortracking, logs

HEADER = "senko_request_id"


def init_app(app) -> None:
    """JSON logs with the request id for ``app`` and its Celery tasks; Sentry when ``SENTRY_DSN`` is set."""
    logs.configure()
    logs.init_flask(app)
    # Celery keeps these logs as they are instead of installing its own text format.
    setup_logging.connect(_keep_json_logging, dispatch_uid="senko-json-logging", weak=False)
    before_task_publish.connect(_send_request_id, dispatch_uid="senko-request-id-out", weak=False)
    task_prerun.connect(_restore_request_id, dispatch_uid="senko-request-id-in", weak=False)
    task_postrun.connect(_forget_request_id, dispatch_uid="senko-request-id-done", weak=False)
    errortracking.init(app.config["SENTRY_DSN"], app.config["SENKO_SENTRY_ENVIRONMENT"], app.config["SENKO_RELEASE"],
                       integrations=(CeleryIntegration(monitor_beat_tasks=False),))


def _keep_json_logging(**_kwargs) -> None:
    logs.configure()


def _send_request_id(headers=None, **_kwargs) -> None:
    rid = logs.current_request_id()
    if rid and headers is not None:
        headers.setdefault(HEADER, rid)


def _restore_request_id(task=None, **_kwargs) -> None:
    rid = getattr(task.request, HEADER, None) if task is not None else None
    logs.bind_request_id(rid if isinstance(rid, str) else None)


def _forget_request_id(**_kwargs) -> None:
    logs.bind_request_id(None)
