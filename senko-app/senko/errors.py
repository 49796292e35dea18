"""One JSON error shape for the whole API: ``{"message": ..., "code": ...}`` with the right status.

``message`` is English text for a person; ``code`` is a stable snake_case word for programs (the UI
translates by it): the status's word from ``CODE_OF_STATUS`` unless the error names a more specific
one (a domain error class's ``code``, ``ApiError(code=...)``, the token callbacks).

Domain errors (``senko.exceptions``) are mapped to statuses in one table, ``STATUS_OF``; the HTTP
edge (``senko.resources``) may also raise ``ApiError`` for what only HTTP knows about.
"""
import logging

import redis
from flask import jsonify
from pydantic import ValidationError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from .exceptions import (
    Conflict,
    Invalid,
    Malformed,
    NotFound,
    SenkoError,
    TooLarge,
    Unavailable,
    Unsupported,
)

log = logging.getLogger(__name__)

DEFAULT_MESSAGES = {
    400: "Bad request",
    401: "Missing or invalid credentials",
    403: "You do not have permission to do this",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Invalid content",
    429: "Too many requests",
    500: "Internal error",
    503: "A service Senko depends on is unavailable, try again shortly",
}

# The stable machine-readable word of each status, used when the error names no more specific one.
CODE_OF_STATUS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    414: "uri_too_long",
    415: "unsupported",
    422: "invalid",
    429: "rate_limited",
    500: "internal",
    503: "unavailable",
}

# The HTTP status of each domain error class (the most specific class in an error's MRO wins).
STATUS_OF: dict[type[SenkoError], int] = {
    Malformed: 400,
    NotFound: 404,
    Conflict: 409,
    TooLarge: 413,
    Unsupported: 415,
    Invalid: 422,
    Unavailable: 503,
}


def status_of(exc: SenkoError) -> int:
    """The HTTP status for a domain error (422 for a SenkoError subclass without its own entry)."""
    for cls in type(exc).__mro__:
        if cls in STATUS_OF:
            return STATUS_OF[cls]
    return 422


class ApiError(Exception):
    """Raise anywhere in a request to answer with ``{"message": message, "code": code}`` and ``status``."""

    def __init__(self, status: int, message: str | None = None, headers: dict | None = None, code: str | None = None):
        super().__init__(message)
        self.status = status
        self.message = message or DEFAULT_MESSAGES.get(status, "Error")
        self.headers = headers or {}
        self.code = code


def code_of(exc: SenkoError) -> str:
    """The machine-readable code of a domain error: its class's ``code``, else its status's word."""
    return exc.code or CODE_OF_STATUS.get(status_of(exc), "error")


def error_response(status: int, message: str | None = None, headers: dict | None = None, code: str | None = None):
    """Build the one JSON error response every failure path uses."""
    response = jsonify(message=message or DEFAULT_MESSAGES.get(status, "Error"),
                       code=code or CODE_OF_STATUS.get(status, "error"))
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def describe_validation_error(exc: ValidationError) -> str:
    """Turn a pydantic error into one readable sentence naming the fields."""
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ())) or "body"
        if err.get("type") == "extra_forbidden":
            parts.append(f"{where}: unknown field")
        else:
            parts.append(f"{where}: {err.get('msg')}")
    return "; ".join(parts)


def init_app(app):
    """Register the error handlers on ``app``."""

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        return error_response(exc.status, exc.message, exc.headers, exc.code)

    @app.errorhandler(SenkoError)
    def _domain_error(exc: SenkoError):
        return error_response(status_of(exc), exc.message, code=code_of(exc))

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        status = exc.code or 500
        message = DEFAULT_MESSAGES.get(status) or exc.description
        if status == 429:
            message = f"Too many requests: limit {exc.description}" if exc.description else message
        headers = {}
        if status == 405 and exc.response is None:
            allowed = getattr(exc, "valid_methods", None)
            if allowed:
                headers["Allow"] = ", ".join(allowed)
        return error_response(status, message, headers)

    @app.errorhandler(ValidationError)
    def _validation_error(exc: ValidationError):
        return error_response(422, describe_validation_error(exc))

    @app.errorhandler(redis.exceptions.ConnectionError)
    @app.errorhandler(redis.exceptions.TimeoutError)
    def _redis_down(exc):
        log.warning("redis unavailable: %s", exc)
        return error_response(503, "Session store (Redis) is unavailable, try again shortly")

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def _db_down(exc):
        # Not the exception's text: it carries the statement's parameters (a name, an e-mail address).
        log.warning("database unavailable: %s: %s", type(exc).__name__, exc.orig)
        return error_response(503, "Database is unavailable, try again shortly")

    @app.errorhandler(Exception)
    def _unexpected(exc):
        log.exception("unhandled error")
        return error_response(500)
