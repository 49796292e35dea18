"""JSON log lines carrying the request id, for senko-predict and senko-app alike.

nginx makes the request id (``$request_id``) and hands it to senko-app as ``X-Request-ID``;
senko-app puts it into every Celery task it queues and onto its calls to senko-predict, so one
id follows a résumé from upload to score. Each process keeps the id of what it is working on in a
context variable; ``RequestIdFilter`` writes it onto every log record and ``configure`` makes the
root logger print one JSON object per line (python-json-logger). Log lines hold ids, statuses and
timings, never personal data: a name, an e-mail address, résumé text or a token stays out.
"""
import contextvars
import logging
import re
import sys
import uuid

from pythonjsonlogger.json import JsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
# What a request id may look like when it comes from outside (nginx sends 32 hex digits): anything
# else is replaced, so a client cannot write into the logs through it.
VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s"
RENAMED = {"asctime": "time", "levelname": "level", "name": "logger"}

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("senko_request_id", default=None)


def current_request_id() -> str | None:
    """The request id of the work this thread or task is doing, if any."""
    return _request_id.get()


def bind_request_id(value: str | None) -> contextvars.Token:
    """Make ``value`` the current request id; returns the token ``unbind_request_id`` takes."""
    return _request_id.set(value)


def unbind_request_id(token: contextvars.Token) -> None:
    """Restore the request id that was current before ``bind_request_id``."""
    _request_id.reset(token)


def accept_request_id(value: str | None) -> str:
    """``value`` when it looks like a request id (nginx's), otherwise a new one (tests, direct calls)."""
    if value and VALID_REQUEST_ID.match(value):
        return value
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (or None) to every record that passes the handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


def formatter() -> logging.Formatter:
    """The JSON formatter: time, level, logger, message, request_id (and the traceback, if any)."""
    return JsonFormatter(FIELDS, rename_fields=RENAMED, json_ensure_ascii=False)


def configure(level: int = logging.INFO) -> None:
    """Print the root logger's records as JSON lines on stderr (idempotent: one handler, replaced).

    Handlers someone else put on the root logger (``logging.basicConfig``, a test runner's capture)
    are kept only when they are not plain stream handlers, so nothing is printed twice.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "senko_json", False) or type(handler) is logging.StreamHandler:
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.senko_json = True
    handler.setFormatter(formatter())
    handler.addFilter(RequestIdFilter())
    root.addHandler(handler)
    root.setLevel(level)


def init_flask(app) -> None:
    """Take (or make) each request's id, keep it for the request's logs and answer it as ``X-Request-ID``."""
    from flask import g, request

    @app.before_request
    def _bind_request_id():
        g.request_id = accept_request_id(request.headers.get(REQUEST_ID_HEADER))
        g.request_id_token = bind_request_id(g.request_id)

    @app.after_request
    def _answer_request_id(response):
        # A hook registered earlier may have answered before ours ran (a rate limit): make the id then.
        if "request_id" not in g:
            g.request_id = accept_request_id(request.headers.get(REQUEST_ID_HEADER))
        response.headers[REQUEST_ID_HEADER] = g.request_id
        return response

    @app.teardown_request
    def _unbind_request_id(_exc=None):
        token = g.pop("request_id_token", None)
        if token is not None:
            try:
                unbind_request_id(token)
            except ValueError:  # reset from another context (a streamed response): just clear it
                bind_request_id(None)
