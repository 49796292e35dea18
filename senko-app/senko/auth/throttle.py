"""Login throttling keyed on (client address, account), with growing delays.

A stranger guessing a user's password from one address slows down only that address for that
account: the user, from anywhere else, logs in as usual (no account lock-out anyone can trigger).
The first ``SENKO_LOGIN_FREE_FAILURES`` failures cost nothing; each further one blocks the pair
for twice as long as the one before (``SENKO_LOGIN_DELAY_SECONDS``, doubling, at most
``SENKO_LOGIN_DELAY_MAX_SECONDS``). A success clears the count. The counts live in Redis.
"""
import hashlib

from flask import current_app

from ..extensions import redis_store

FAILURES_PREFIX = "senko:login-failures:"
BLOCK_PREFIX = "senko:login-block:"


def _key(address: str | None, account: str) -> str:
    # Hashed: the store holds no e-mail addresses.
    return hashlib.sha256(f"{address or '-'}\0{account.strip().lower()}".encode()).hexdigest()[:32]


def delay_after(failures: int, free: int, base: float, cap: float) -> int:
    """Seconds to block after ``failures`` consecutive failures: none for the first ``free``, then doubling."""
    if failures <= free:
        return 0
    return int(min(base * 2 ** (failures - free - 1), cap))


def retry_after(address: str | None, account: str) -> int:
    """Seconds this address must wait before trying this account again (0: go ahead)."""
    ttl = redis_store.client.ttl(BLOCK_PREFIX + _key(address, account))
    return max(int(ttl), 0) if ttl and ttl > 0 else 0


def record_failure(address: str | None, account: str) -> int:
    """Count a failed attempt and block the pair when it is past the free ones; returns the block in seconds."""
    config = current_app.config
    key = _key(address, account)
    window = int(config["SENKO_LOGIN_DELAY_MAX_SECONDS"]) * 2
    pipe = redis_store.client.pipeline()
    pipe.incr(FAILURES_PREFIX + key)
    pipe.expire(FAILURES_PREFIX + key, window)
    failures = pipe.execute()[0]
    delay = delay_after(failures, config["SENKO_LOGIN_FREE_FAILURES"], config["SENKO_LOGIN_DELAY_SECONDS"],
                        config["SENKO_LOGIN_DELAY_MAX_SECONDS"])
    if delay:
        redis_store.client.set(BLOCK_PREFIX + key, failures, ex=delay)
    return delay


def record_success(address: str | None, account: str) -> None:
    """Forget the failures of this address on this account."""
    key = _key(address, account)
    redis_store.client.delete(FAILURES_PREFIX + key, BLOCK_PREFIX + key)
