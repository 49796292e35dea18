"""Cached applicant counts for the list route's ``total``.

``COUNT(*)`` over a large ``applicants`` table is the most expensive part of a page request, and
the answer only changes when applicants change. Counts are cached in Redis under a generation
number that every committed change to ``applicants`` (ORM or ORM-enabled bulk statements, in any
process) increments, so a cached total is never stale; the TTL only bounds memory. Reading the
generation and the count is one round trip (a tiny Lua script), as it happens on every page request.
"""
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from .extensions import redis_store
from .models import Applicant

GENERATION_KEY = "senko:applicants:generation"
COUNT_PREFIX = "senko:applicants:count:"
TTL_SECONDS = 300
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
