"""Errors to Sentry, optional and scrubbed, for senko-predict and senko-app alike.

``init`` does nothing without a DSN (no client, no thread, no network). With one, sentry-sdk
reports unhandled errors and ``ERROR`` log records, tagged with the release (the git version) and
the environment name. Personal data never leaves: the SDK's own PII collection stays at its default,
off, with local variables and request bodies off too (no user, no cookies), and ``scrub_event`` removes what could still
carry it — request bodies, query strings and headers, Celery task arguments, breadcrumb data —
and replaces e-mail addresses, phone numbers, tokens and Japanese text (names, résumé text) in
every message that is left.
"""
import logging
import os
import re
import subprocess
from pathlib import Path

import sentry_sdk
from sentry_sdk.integrations.flask import FlaskIntegration
from sentry_sdk.integrations.logging import LoggingIntegration

from .logs import current_request_id

REPO = Path(__file__).resolve().parents[2]
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w-])(?:\+\d{1,3}[ -]?)?\(?0?\d{1,4}\)?[ -]\d{1,4}[ -]\d{3,4}(?![\w-])|(?<!\d)0\d{9,10}(?!\d)")
TOKEN = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]*|(?i:bearer)\s+\S+|[A-Za-z0-9_\-]{32,}|gAAAAA[\w=-]+")
# Kana, kanji and full-width forms: Senko's names and résumés are Japanese, its own messages are not.
JAPANESE = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")
SQL_PARAMETERS = re.compile(r"\[parameters: .*?\](?=\s*(?:\(|$|\n))", re.S)
# Parts of an event that hold only what the SDK or Senko put there (versions, ids, code), kept as is.
KEPT = {"tags", "contexts", "sdk", "modules", "stacktrace", "event_id", "timestamp", "start_timestamp", "release",
        "environment", "platform", "server_name", "level", "logger", "type", "module", "mechanism", "fingerprint"}
SAFE_HEADERS = {"content-type", "content-length", "x-request-id", "host"}


def scrub_text(text: str) -> str:
    """``text`` with SQL parameters, e-mail addresses, tokens, phone numbers and Japanese text replaced."""
    text = SQL_PARAMETERS.sub("[parameters: removed]", text)
    text = EMAIL.sub("[email]", text)
    text = TOKEN.sub("[token]", text)
    text = PHONE.sub("[phone]", text)
    return JAPANESE.sub("[text]", text)


def _scrub(value, key: str = ""):
    if key in KEPT:
        return value
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {k: _scrub(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(item) for item in value]
    return value


def _scrub_request(request: dict) -> dict:
    url = str(request.get("url") or "").split("?", 1)[0]
    headers = {k: v for k, v in (request.get("headers") or {}).items() if str(k).lower() in SAFE_HEADERS}
    return {"method": request.get("method"), "url": url, "headers": headers}


def scrub_event(event: dict, _hint=None) -> dict:
    """``before_send``: the event without request bodies, users, task arguments or personal data in any text."""
    if "request" in event:
        event["request"] = _scrub_request(event["request"])
    event.pop("user", None)
    extra = event.get("extra") or {}
    if isinstance(extra.get("celery-job"), dict):  # the task's name stays, its arguments go
        extra["celery-job"] = {"task_name": extra["celery-job"].get("task_name")}
    breadcrumbs = event.get("breadcrumbs")
    if isinstance(breadcrumbs, dict):
        breadcrumbs["values"] = [scrub_breadcrumb(crumb) for crumb in breadcrumbs.get("values") or []]
    return _scrub(event)


def scrub_breadcrumb(crumb: dict, _hint=None) -> dict:
    """``before_breadcrumb``: keep what happened (category, message, status), drop its data."""
    data = crumb.get("data") or {}
    kept = {k: data[k] for k in ("method", "status_code", "reason") if k in data}
    if "url" in data:
        kept["url"] = str(data["url"]).split("?", 1)[0]
    crumb["data"] = kept
    return _scrub(crumb)


def _tag_request_id(event: dict, hint):
    event = scrub_event(event, hint)
    rid = current_request_id()
    if rid:
        event.setdefault("tags", {})["request_id"] = rid
    return event


def git_version(repo: Path = REPO) -> str:
    """``SENKO_RELEASE`` when set, else ``git describe --always --dirty`` of the checkout (``unknown`` without git)."""
    if os.environ.get("SENKO_RELEASE"):
        return os.environ["SENKO_RELEASE"]
    try:
        result = subprocess.run(["git", "-c", f"safe.directory={repo}", "-C", str(repo), "describe", "--always", "--dirty"],
                                capture_output=True, text=True, timeout=5, check=True)
        return result.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def init(dsn: str, environment: str, release: str = "", integrations: tuple = ()) -> bool:
    """Start reporting to Sentry when ``dsn`` is set; returns whether it started."""
    if not dsn:
        return False
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or git_version(),
        integrations=[LoggingIntegration(level=logging.INFO, event_level=logging.ERROR), FlaskIntegration(), *integrations],
        include_local_variables=False,
        max_request_body_size="never",
        before_send=_tag_request_id,
        before_breadcrumb=scrub_breadcrumb,
        traces_sample_rate=None,
        auto_enabling_integrations=False,
    )
    return True
