"""Alerts to chat: a short message, without personal data, to a Slack-compatible incoming webhook.

Optional (``SENKO_ALERT_WEBHOOK_URL``; unset, nothing is queued or sent). What alerts is an
**event**: when a transaction that recorded one of ``ALERT_KINDS`` (``record_event``) commits,
the ``after_commit`` hook queues ``senko.tasks.alerts.send_alert`` with the message, so the work
never waits for the webhook, and a rollback sends nothing. The task retries with backoff; a webhook
that stays down costs a warning in the log, never the run. A new failure (the Excel import of
issue 11: kind ``import_failed``) alerts by recording its event, nothing more.

The queue backlog is watched from Celery beat (``watch_backlog``, a thread started with beat: a
check queued behind the backlog would come too late): past ``SENKO_ALERT_QUEUE_THRESHOLD`` tasks
waiting, one alert at most every ``SENKO_ALERT_QUEUE_EVERY_MINUTES``.
"""
import logging
import threading
import time

import requests
from flask import current_app, has_app_context
from kombu.exceptions import ChannelError
from sqlalchemy import event
from sqlalchemy.orm import Session

from senko_predict.errortracking import scrub_text

from . import queue
from .exceptions import Unavailable
from .extensions import redis_store
from .models import Event

log = logging.getLogger(__name__)
PENDING = "senko_alerts"
BACKLOG_KEY = "senko:alerts:queue-backlog"


def _source_failed(data: dict) -> str:
    return f"Senko: a job-board run failed (source {data.get('source_id')}, run {data.get('run_id')}: {data.get('reason')})"


def _model_trained(data: dict) -> str:
    return f"Senko: model {data.get('version')} trained (ROC AUC {data.get('roc_auc')})"


def _training_failed(data: dict) -> str:
    return f"Senko: model training failed: {data.get('reason')}"


def _import_failed(data: dict) -> str:
    return f"Senko: an import failed (import {data.get('import_id')}: {data.get('reason')})"


# Event kind → its message, built from ids and reasons only (never the event's own text, which may name a person).
ALERT_KINDS = {
    "source_failed": _source_failed,
    "model_trained": _model_trained,
    "model_training_failed": _training_failed,
    "import_failed": _import_failed,
}


def message_for(kind: str, data: dict | None) -> str:
    """The chat message for an event of ``kind`` (scrubbed once more, to be sure)."""
    return scrub_text(ALERT_KINDS[kind](data or {}))[:500]


def init_app(app) -> None:
    """Hook the session's commits (once per process); nothing else happens without a webhook URL."""
    if not event.contains(Session, "after_flush", _collect):
        event.listen(Session, "after_flush", _collect)
        event.listen(Session, "after_commit", _send_collected)
        event.listen(Session, "after_soft_rollback", _forget)


def _enabled() -> bool:
    return has_app_context() and bool(current_app.config.get("SENKO_ALERT_WEBHOOK_URL"))


def _collect(session, _flush_context) -> None:
    if not _enabled():
        return
    for obj in session.new:
        if isinstance(obj, Event) and obj.kind in ALERT_KINDS:
            session.info.setdefault(PENDING, []).append(message_for(obj.kind, obj.data))


def _forget(session, _previous_transaction) -> None:
    session.info.pop(PENDING, None)


def _send_collected(session) -> None:
    for text in session.info.pop(PENDING, []):
        try:
            queue.send(queue.SEND_ALERT, text)
        except Unavailable:
            log.warning("alert not queued: the task queue is unavailable")


def post(text: str, url: str | None = None, timeout: float = 5.0) -> None:
    """POST ``{"text": text}`` to the webhook; raises ``requests.RequestException`` unless it answers 2xx."""
    response = requests.post(url or current_app.config["SENKO_ALERT_WEBHOOK_URL"], json={"text": text}, timeout=timeout)
    response.raise_for_status()


def queue_length(celery_app, name: str = "celery") -> int:
    """Tasks waiting in the broker's queue ``name`` (read as the broker's own Redis user)."""
    with celery_app.connection_for_read() as connection:
        try:
            return connection.default_channel.queue_declare(queue=name, passive=True).message_count
        except ChannelError:  # no such queue yet: nothing waits
            return 0


def check_backlog(celery_app) -> int | None:
    """Alert when the queue holds more than the threshold, once per interval; returns the length it alerted on."""
    config = current_app.config
    length = queue_length(celery_app)
    if length <= config["SENKO_ALERT_QUEUE_THRESHOLD"]:
        return None
    quiet = max(config["SENKO_ALERT_QUEUE_EVERY_MINUTES"], 1) * 60
    if not redis_store.client.set(BACKLOG_KEY, str(length), nx=True, ex=quiet):
        return None
    post_with_retries(f"Senko: {length} tasks are waiting in the queue (threshold {config['SENKO_ALERT_QUEUE_THRESHOLD']})")
    return length


def post_with_retries(text: str) -> bool:
    """Post now, retrying with doubling waits (``SENKO_ALERT_RETRIES``, ``SENKO_ALERT_RETRY_BACKOFF``); False if it never got through."""
    config = current_app.config
    for attempt in range(config["SENKO_ALERT_RETRIES"] + 1):
        try:
            post(text)
            return True
        except requests.RequestException as exc:
            log.warning("alert webhook failed (attempt %d): %s", attempt + 1, type(exc).__name__)
            if attempt < config["SENKO_ALERT_RETRIES"]:
                time.sleep(config["SENKO_ALERT_RETRY_BACKOFF"] * 2 ** attempt)
    return False


def watch_backlog(app, celery_app, stop: threading.Event | None = None) -> threading.Thread | None:
    """Start the backlog watch in a daemon thread (Celery beat does, at start); None without a webhook URL."""
    if not app.config["SENKO_ALERT_WEBHOOK_URL"]:
        return None
    stop = stop or threading.Event()

    def loop():
        while not stop.wait(app.config["SENKO_ALERT_QUEUE_CHECK_SECONDS"]):
            with app.app_context():
                try:
                    check_backlog(celery_app)
                except Exception:  # the watch outlives any one failed check (broker or Redis away, webhook down)
                    log.warning("queue backlog check failed", exc_info=True)

    thread = threading.Thread(target=loop, name="senko-backlog-watch", daemon=True)
    thread.start()
    return thread
