"""JWT callbacks and token revocation.

Logout stores the token's ``jti`` in Redis with a TTL equal to the token's remaining lifetime, and
every protected request checks it. An access token also names the refresh token it belongs to
(``pair``): revoking the refresh token ends every access token minted from it. When Redis is
unreachable the check raises, and the error handler answers 503: revocation fails closed.

Every token carries the user's ``gen`` (token generation) at issue time; the user lookup refuses a
token of an older generation or of a deactivated user, so a password change, a deactivation or
"log out everywhere" ends every session at once.
"""
import time

from flask import g, has_request_context
from flask_jwt_extended import create_access_token, create_refresh_token, decode_token

from ..errors import error_response
from ..extensions import jwt, redis_store
from ..models import User
from . import sessions

REVOKED_PREFIX = "senko:revoked:"
WRONG_TYPE_MESSAGES = {
    "Only non-refresh tokens are allowed": "This route needs an access token, not a refresh token",
    "Only refresh tokens are allowed": "This route needs a refresh token, not an access token",
}


def issue_tokens(user: User) -> dict:
    """A new session for ``user``: a refresh token and an access token paired with it."""
    refresh = create_refresh_token(identity=str(user.id), additional_claims={"gen": user.token_generation})
    return {"access_token": access_token_for(user, decode_token(refresh)["jti"]), "refresh_token": refresh}


def access_token_for(user: User, refresh_jti: str) -> str:
    """An access token of the session whose refresh token has the id ``refresh_jti``."""
    return create_access_token(identity=str(user.id), additional_claims={"gen": user.token_generation, "pair": refresh_jti})


def revoke(jwt_payload: dict) -> None:
    """Mark the token described by ``jwt_payload`` as revoked until it would have expired anyway."""
    ttl = max(int(jwt_payload["exp"] - time.time()), 1)
    redis_store.client.set(REVOKED_PREFIX + jwt_payload["jti"], jwt_payload.get("type", "access"), ex=ttl)


def revoke_pair(access_payload: dict, refresh_ttl: int) -> None:
    """Revoke an access token and the refresh token it was issued with (``refresh_ttl``: the refresh lifetime)."""
    revoke(access_payload)
    pair = access_payload.get("pair")
    if pair:
        redis_store.client.set(REVOKED_PREFIX + pair, "refresh", ex=max(refresh_ttl, 1))


def is_revoked(jwt_payload: dict) -> bool:
    """True when the token's jti, or the refresh token it belongs to, is in the revocation store.

    A token without a jti cannot be revoked, so it never passes. One Redis round trip.
    """
    jti = jwt_payload.get("jti")
    if not jti or "exp" not in jwt_payload:
        return True
    keys = [REVOKED_PREFIX + jti]
    if jwt_payload.get("pair"):
        keys.append(REVOKED_PREFIX + str(jwt_payload["pair"]))
    user_id = _user_id(jwt_payload)
    if user_id is None:
        return bool(redis_store.client.exists(*keys))
    # The same round trip fetches the user's cached state for the user lookup that follows.
    pipe = redis_store.client.pipeline(transaction=False)
    pipe.exists(*keys)
    pipe.get(sessions.state_key(user_id))
    revoked, state = pipe.execute()
    if has_request_context():
        g.senko_user_state = (user_id, state)
    return bool(revoked)


def _user_id(jwt_payload: dict) -> int | None:
    try:
        return int(jwt_payload["sub"])
    except (KeyError, TypeError, ValueError):
        return None


def current_session(user: User | sessions.SessionUser | None, jwt_payload: dict) -> User | sessions.SessionUser | None:
    """The token's user while its session is valid: the user is active and the token's generation current."""
    if user is None or not user.active or jwt_payload.get("gen", 0) != user.token_generation:
        return None
    return user


def init_app(app):
    """Bind flask-jwt-extended's callbacks: every auth failure is a 401 JSON ``{"message"}``."""
    jwt.init_app(app)
    sessions.init_app(app)

    @jwt.token_in_blocklist_loader
    def _check_revoked(_header, payload):
        return is_revoked(payload)

    @jwt.user_lookup_loader
    def _load_user(_header, payload):
        # Checked on every request so a deactivated user's (or an ended session's) tokens stop at once;
        # from the Redis cache that every change to the user rewrites (``sessions``), not from MySQL.
        user_id = _user_id(payload)
        if user_id is None:
            return None
        return current_session(sessions.load(user_id, sessions.prefetched(user_id)), payload)

    @jwt.unauthorized_loader
    def _missing(reason):
        return error_response(401, f"Missing credentials: {reason}")

    @jwt.invalid_token_loader
    def _invalid(reason):
        # The decoder's reason may quote the token's bytes or the library's internals: never echoed.
        return error_response(401, WRONG_TYPE_MESSAGES.get(reason, "Invalid token"))

    @jwt.expired_token_loader
    def _expired(_header, _payload):
        return error_response(401, "Token has expired", code="token_expired")

    @jwt.revoked_token_loader
    def _revoked(_header, _payload):
        return error_response(401, "Token has been revoked", code="token_revoked")

    @jwt.needs_fresh_token_loader
    def _not_fresh(_header, _payload):
        return error_response(401, "Fresh token required", code="fresh_token_required")

    @jwt.user_lookup_error_loader
    def _no_user(_header, _payload):
        return error_response(401, "Session has ended: log in again", code="session_ended")

    @jwt.token_verification_failed_loader
    def _failed(_header, _payload):
        return error_response(401, "Token verification failed")
