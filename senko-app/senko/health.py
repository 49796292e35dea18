"""Health of the parts that have no HTTP face: the dependencies, the Celery workers, the queue and beat.

senko-app's ``/ready`` and ``flask health ...`` (compose's health checks, ``make status``) read them
here. Beat proves it is alive by a heartbeat in Redis (``senko.tasks.heartbeat``), written on its
ticks with the last run of each periodic job.
"""
import json
import time

import redis
from flask import current_app
from sqlalchemy import text

from .extensions import db, redis_store

HEARTBEAT_KEY = "senko:beat:heartbeat"
HEARTBEAT_TTL = 24 * 3600
# kombu's Redis transport keeps one list per priority step beside the queue's own (separator \x06\x16).
PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")


def dependencies() -> dict[str, str]:
    """``{"database": "ok" | "error: <type>", "redis": ...}``."""
    checks = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # any failure means not ready; the reason is reported
        db.session.rollback()
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        redis_store.client.ping()
        checks["redis"] = "ok"
    except Exception as exc:
        checks["redis"] = f"error: {type(exc).__name__}"
    return checks


def ping_workers(timeout: float = 2.0) -> list[str]:
    """The names of the Celery workers that answered a ping within ``timeout`` seconds."""
    replies = current_app.extensions["celery"].control.ping(timeout=timeout) or []
    return sorted(name for reply in replies for name in reply)


def queue_depth() -> int:
    """Messages waiting in Celery's queue (all priority steps), read with the broker's account."""
    config = current_app.extensions["celery"].conf
    client = redis.Redis.from_url(config.broker_url, socket_timeout=5)
    try:
        queue = config.task_default_queue or "celery"
        return sum(client.llen(queue + suffix) for suffix in PRIORITY_SUFFIXES)
    finally:
        client.close()


def write_heartbeat(last_runs: dict[str, str | None]) -> None:
    """Record that beat is alive now, with the last run (ISO time) of each periodic job."""
    body = json.dumps({"at": time.time(), "last_runs": last_runs})
    redis_store.client.set(HEARTBEAT_KEY, body, ex=HEARTBEAT_TTL)


def beat() -> dict | None:
    """``{"age": seconds since beat's last heartbeat, "last_runs": {...}, "stale": bool}``, None if never seen."""
    raw = redis_store.client.get(HEARTBEAT_KEY)
    if raw is None:
        return None
    heartbeat = json.loads(raw)
    age = max(0.0, time.time() - heartbeat["at"])
    return {"age": round(age, 1), "last_runs": heartbeat.get("last_runs", {}),
            "stale": age > current_app.config["SENKO_BEAT_STALE_SECONDS"]}


def status(ping_timeout: float = 2.0) -> dict:
    """Everything ``make status`` shows beyond the processes: dependencies, workers, queue depth, beat."""
    report = {"dependencies": dependencies(), "workers": [], "queue_depth": None, "beat": None}
    try:
        report["workers"] = ping_workers(ping_timeout)
        report["queue_depth"] = queue_depth()
    except Exception as exc:  # the broker is down: say so instead of failing the whole report
        report["broker"] = f"error: {type(exc).__name__}"
    try:
        report["beat"] = beat()
    except Exception as exc:
        report["beat_error"] = f"error: {type(exc).__name__}"
    return report
