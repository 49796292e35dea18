"""Audit entries of reads, written in batches instead of one INSERT and commit per GET.

A read of personal data (a list page, an applicant, a résumé download) is still recorded, with its
time, reader and address, but first pushed onto a Redis list; the entries go into ``audit_log``
in one multi-row INSERT when ``FLUSH_EVERY`` are waiting, at most every ``FLUSH_SECONDS`` by
whichever request comes first, and before ``GET /audit`` reads the trail. Changes are not batched:
their entries are committed with the change they report (``models.record_audit``).
An entry's ``created_at`` is the time of the read; its ``id`` the time of the flush.
"""
import json
import logging
from datetime import datetime

from flask import has_request_context, request
from sqlalchemy import insert

from .extensions import db, redis_store
from .models import AuditEntry
from .models.mixins import utcnow

log = logging.getLogger(__name__)

PENDING_KEY = "senko:audit:pending"
FLUSH_LOCK_KEY = "senko:audit:flush-turn"
FLUSH_EVERY = 100
FLUSH_SECONDS = 5
BATCH = 1000


def record_read(action: str, actor_id: int | None, target_type: str | None = None, target_id=None, **data) -> None:
    """Queue the audit entry of a read; flush the queue when it is long or its turn has come."""
    entry = json.dumps({
        "action": action, "actor_id": actor_id, "target_type": target_type,
        "target_id": None if target_id is None else str(target_id),
        "address": request.remote_addr if has_request_context() else None, "data": data or None,
        "created_at": utcnow().isoformat(),
    }, ensure_ascii=False)
    pipe = redis_store.client.pipeline(transaction=False)
    pipe.rpush(PENDING_KEY, entry)
    pipe.set(FLUSH_LOCK_KEY, 1, nx=True, ex=FLUSH_SECONDS)
    waiting, turn = pipe.execute()
    if waiting >= FLUSH_EVERY or turn:
        try:
            flush()
        except Exception:  # the read itself succeeded; the entries are back in the queue for the next flush
            log.exception("audit: flushing queued read entries failed")


def flush() -> int:
    """Write every queued read entry into ``audit_log`` (own connection and commit); returns how many."""
    client = redis_store.client
    written = 0
    while True:
        raw = client.lpop(PENDING_KEY, BATCH)
        if not raw:
            return written
        rows = [json.loads(item) for item in raw]
        for row in rows:
            row["created_at"] = datetime.fromisoformat(row["created_at"])
        try:
            with db.engine.begin() as conn:
                conn.execute(insert(AuditEntry.__table__), rows)
        except Exception:
            client.lpush(PENDING_KEY, *reversed(raw))
            raise
        written += len(rows)
        if len(raw) < BATCH:
            return written
