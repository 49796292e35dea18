"""The user state every authenticated request checks (active, role, token generation), cached in Redis.

A protected request reads it in the same Redis round trip as the revocation check (``tokens``), so
an authenticated GET touches MySQL only for its own data. The cache never outlives a change: every
committed change to a ``User`` (password, deactivation, role, "log out everywhere", deletion; the
API, the CLI or a job alike) writes the new state after its commit, and an ORM bulk update of
users (a restore) bumps an epoch and drops every cached state. A miss reads the row and stores it
only if no writer did meanwhile (``SET NX``) and no bulk invalidation happened since it started
(``WATCH`` on the epoch), so a slow reader never puts an old state back.

``current_user`` is a ``SessionUser``: ``id``, ``role``, ``active`` and ``token_generation`` from the
cache; anything else (``email``, ``to_dict()``...) and ``record`` (the ``User`` row, for changes)
load the row on first use.
"""
import redis
from flask import g
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db, redis_store
from ..models import User

STATE_PREFIX = "senko:user-state:"
STATE_TTL_SECONDS = 3600
EPOCH_KEY = "senko:user-state-epoch"  # bumped by every bulk invalidation
GONE = "-"
_CHANGES = "senko_user_states"
_ALL = "senko_user_states_all"


class SessionUser:
    """The caller as the cached state describes them; the ``User`` row is loaded only when needed."""

    def __init__(self, user_id: int, active: bool, token_generation: int, role: str, record: User | None = None):
        self.id, self.active, self.token_generation, self.role = user_id, active, token_generation, role
        self._record = record

    @property
    def record(self) -> User:
        """The caller's ``User`` row (one query, the first time it is asked for)."""
        if self._record is None:
            self._record = db.session.get(User, self.id)
        return self._record

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.record, name)


def state_key(user_id: int) -> str:
    """The Redis key of a user's cached state."""
    return f"{STATE_PREFIX}{user_id}"


def encode(user: User | None) -> str:
    """``"active:generation:role"``, or ``GONE`` for a user that no longer exists."""
    if user is None:
        return GONE
    return f"{int(bool(user.active))}:{user.token_generation or 0}:{user.role}"


def decode(user_id: int, raw: bytes | str) -> SessionUser | None:
    """The ``SessionUser`` of a cached state (None for ``GONE``)."""
    text = raw.decode() if isinstance(raw, bytes) else raw
    if text == GONE:
        return None
    active, generation, role = text.split(":", 2)
    return SessionUser(user_id, active == "1", int(generation), role)


def load(user_id: int, cached: bytes | None = None) -> SessionUser | None:
    """The caller's state: ``cached`` (read with the revocation check) or Redis, else the row (then cached)."""
    if cached is None:
        cached = redis_store.client.get(state_key(user_id))
    if cached is not None:
        return decode(user_id, cached)
    with redis_store.client.pipeline() as pipe:
        pipe.watch(EPOCH_KEY)  # a bulk invalidation between the read and the SET voids the SET (the row may be old)
        user = db.session.get(User, user_id)
        pipe.multi()
        pipe.set(state_key(user_id), encode(user), nx=True, ex=STATE_TTL_SECONDS)
        try:
            pipe.execute()
        except redis.WatchError:
            pass  # not cached this time; the next request reads the row again
    if user is None:
        return None
    return SessionUser(user.id, bool(user.active), user.token_generation or 0, user.role, record=user)


def prefetched(user_id: int) -> bytes | None:
    """The state the revocation check fetched for this request, if it was this user's."""
    found = g.get("senko_user_state")
    return found[1] if found and found[0] == user_id else None


# ---- invalidation: after every committed change to users ----------------------------------------
def _after_flush(session, _context):
    # Encoded now, while the objects hold the flushed values (after the commit they are expired).
    # A new user's key is dropped instead: its defaults are the database's to fill in.
    changed = session.info.setdefault(_CHANGES, {})
    for obj in session.new:
        if isinstance(obj, User) and obj.id is not None:
            changed[obj.id] = None
    for obj in session.dirty:
        if isinstance(obj, User) and obj.id is not None and not (obj.id in changed and changed[obj.id] is None):
            changed[obj.id] = encode(obj)
    for obj in session.deleted:
        if isinstance(obj, User) and obj.id is not None:
            changed[obj.id] = GONE


def _do_orm_execute(state):
    if (state.is_update or state.is_delete) and state.bind_mapper is not None and state.bind_mapper.class_ is User:
        state.session.info[_ALL] = True


def _after_commit(session):
    changed = session.info.pop(_CHANGES, None) or {}
    everything = session.info.pop(_ALL, False)
    if not changed and not everything:
        return
    client = redis_store.client
    if everything:
        client.incr(EPOCH_KEY)  # first: a reader that read the old rows must not put them back (``load``)
        for key in client.scan_iter(match=f"{STATE_PREFIX}*", count=1000):
            client.delete(key)
    pipe = client.pipeline(transaction=False)
    for user_id, state in changed.items():
        if state is None:
            pipe.delete(state_key(user_id))
        else:
            pipe.set(state_key(user_id), state, ex=STATE_TTL_SECONDS)
    pipe.execute()


def _after_rollback(session):
    session.info.pop(_CHANGES, None)
    session.info.pop(_ALL, None)


def init_app(_app) -> None:
    """Watch every session for committed changes to users (the listeners once per process)."""
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _do_orm_execute)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", lambda session, _tx: _after_rollback(session))
