"""Audit entries of reads, written in batches instead of one INSERT and commit per GET.

A read of personal data (a list page, an applicant, a résumé download) is still recorded, with its
time, reader and address, but first pushed onto a Redis list; the entries go into ``audit_log``
in one multi-row INSERT when ``FLUSH_EVERY`` are waiting, at most every ``FLUSH_SECONDS`` by
whichever request comes first, and before ``GET /audit`` reads the trail. Changes are not batched:
their entries are committed with the change they report (``models.record_audit``).
An entry's ``created_at`` is the time of the read; its ``id`` the time of the flush.

No entry is lost to a flusher that dies: a flush moves a batch from the queue into a batch list of
its own in one step (``CLAIM``), registered with the time it was claimed, and deletes it only after
the INSERT committed. A failed INSERT puts the batch back at the head of the queue; a batch whose
flusher died (claimed more than ``STALE_SECONDS`` ago) is put back by the next flush. So an entry
is written at least once: a flusher killed between its commit and the cleanup writes it twice.
"""
import json
import logging
import time
import uuid
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
IN_FLIGHT_KEY = "senko:audit:in-flight"  # sorted set: batch list → when it was claimed
BATCH_PREFIX = "senko:audit:batch:"
STALE_SECONDS = 300  # a flush takes well under a second; a batch this old lost its flusher
# KEYS: queue, new batch list, in-flight set; ARGV: batch size, now → the batch's entries (oldest first)
CLAIM = """
local items = redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
if #items == 0 then return items end
redis.call('LTRIM', KEYS[1], #items, -1)
redis.call('RPUSH', KEYS[2], unpack(items))
redis.call('ZADD', KEYS[3], ARGV[2], KEYS[2])
return items
"""
# KEYS: batch list, queue, in-flight set → how many entries went back to the head of the queue, in order
RELEASE = """
local items = redis.call('LRANGE', KEYS[1], 0, -1)
for i = #items, 1, -1 do redis.call('LPUSH', KEYS[2], items[i]) end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[3], KEYS[1])
return #items
"""


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
    claim, release = client.register_script(CLAIM), client.register_script(RELEASE)
    for stale in client.zrangebyscore(IN_FLIGHT_KEY, "-inf", time.time() - STALE_SECONDS):
        log.warning("audit: a flusher died holding %d read entries; queued again", client.llen(stale))
        release(keys=[stale, PENDING_KEY, IN_FLIGHT_KEY])
    written = 0
    while True:
        batch = f"{BATCH_PREFIX}{uuid.uuid4().hex}"
        raw = claim(keys=[PENDING_KEY, batch, IN_FLIGHT_KEY], args=[BATCH, time.time()])
        if not raw:
            return written
        try:
            rows = [json.loads(item) for item in raw]
            for row in rows:
                row["created_at"] = datetime.fromisoformat(row["created_at"])
            with db.engine.begin() as conn:
                conn.execute(insert(AuditEntry.__table__), rows)
        except BaseException:
            release(keys=[batch, PENDING_KEY, IN_FLIGHT_KEY])
            raise
        with client.pipeline(transaction=True) as pipe:
            pipe.delete(batch).zrem(IN_FLIGHT_KEY, batch).execute()
        written += len(rows)
        if len(raw) < BATCH:
            return written
