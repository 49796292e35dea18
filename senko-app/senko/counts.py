"""Cached applicant counts for the list route's ``total``.

``COUNT(*)`` over a large ``applicants`` table is the most expensive part of a page request, and
the answer only changes when applicants change. Counts are cached in Redis under a generation
number that every committed change to ``applicants`` (ORM or ORM-enabled bulk statements, in any
process) increments, so a cached total is never stale; the TTL only bounds memory. Reading the
generation and the count is one round trip (a tiny Lua script), as it happens on every page request.
"""
import time

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from .extensions import redis_store
from .models import Applicant

GENERATION_KEY = "senko:applicants:generation"
COUNT_PREFIX = "senko:applicants:count:"
TTL_SECONDS = 300
# The last count of each filter whatever its generation, with how long it took ("count:ms").
LAST_PREFIX = "senko:applicants:count-last:"
LAST_TTL_SECONDS = 3600
REFRESH_PREFIX = "senko:applicants:count-refresh:"
# KEYS[1] = generation key; ARGV[1] = count key prefix, ARGV[2] = filter key → {generation, count or false}
READ_SCRIPT = """
local generation = redis.call('GET', KEYS[1]) or '0'
return {generation, redis.call('GET', ARGV[1] .. generation .. ':' .. ARGV[2])}
"""


def cached_count(filter_key: str, compute) -> int:
    """The count for ``filter_key`` under the current generation, computing it with ``compute()`` on a miss."""
    read = current_app.extensions["senko_count_script"]
    generation, cached = read(keys=[GENERATION_KEY], args=[COUNT_PREFIX, filter_key])
    if cached is not None:
        return int(cached)
    value = compute()
    redis_store.client.set(f"{COUNT_PREFIX}{generation.decode()}:{filter_key}", value, ex=TTL_SECONDS)
    return value


def estimated_count(filter_key: str, compute, exact_under_ms: float = 50.0, refresh_seconds: int = 10) -> tuple[int, bool]:
    """``(count, is_estimate)`` for ``filter_key``, never a ``COUNT(*)`` on every page.

    The current generation's cached count is exact. On a miss, a count that last took under
    ``exact_under_ms`` is simply computed again (exact). A slow one (a large table, a common keyword)
    is recomputed at most once per ``refresh_seconds`` per filter, by whichever request takes the
    turn; the others answer with the last count, marked as an estimate.
    """
    read = current_app.extensions["senko_count_script"]
    generation, cached = read(keys=[GENERATION_KEY], args=[COUNT_PREFIX, filter_key])
    if cached is not None:
        return int(cached), False
    client = redis_store.client
    last = client.get(f"{LAST_PREFIX}{filter_key}")
    if last is not None:
        value, elapsed_ms = (int(float(x)) for x in last.decode().split(":"))
        if elapsed_ms >= exact_under_ms and not client.set(f"{REFRESH_PREFIX}{filter_key}", 1, nx=True, ex=refresh_seconds):
            return value, True
    started = time.perf_counter()
    value = compute()
    elapsed_ms = int((time.perf_counter() - started) * 1000)
    pipe = client.pipeline(transaction=False)
    pipe.set(f"{COUNT_PREFIX}{generation.decode()}:{filter_key}", value, ex=TTL_SECONDS)
    pipe.set(f"{LAST_PREFIX}{filter_key}", f"{value}:{elapsed_ms}", ex=LAST_TTL_SECONDS)
    pipe.execute()
    return value, False


def _touches_applicants(objects) -> bool:
    return any(isinstance(obj, Applicant) for obj in objects)


def _after_flush(session, _context):
    if _touches_applicants(session.new) or _touches_applicants(session.dirty) or _touches_applicants(session.deleted):
        session.info["senko_applicants_changed"] = True


def _do_orm_execute(state):
    if (state.is_insert or state.is_update or state.is_delete) and state.bind_mapper is not None \
            and state.bind_mapper.class_ is Applicant:
        state.session.info["senko_applicants_changed"] = True


def _after_commit(session):
    if session.info.pop("senko_applicants_changed", False):
        redis_store.client.incr(GENERATION_KEY)


def _after_rollback(session):
    session.info.pop("senko_applicants_changed", None)


def init_app(app):
    """Register the read script on the app's Redis client and watch every session for committed
    changes to applicants (the session events once per process). Needs ``redis_store.init_app`` first."""
    app.extensions["senko_count_script"] = app.extensions["senko_redis"].register_script(READ_SCRIPT)
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _do_orm_execute)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", lambda session, _tx: _after_rollback(session))
