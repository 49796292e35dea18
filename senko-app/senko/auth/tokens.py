"""JWT callbacks and token revocation.

Logout stores the token's ``jti`` in Redis with a TTL equal to the token's remaining lifetime, and
every protected request checks it. When Redis is unreachable the check raises, and the error handler
answers 503: revocation fails closed.
"""
import time

from ..errors import error_response
from ..extensions import db, jwt, redis_store
from ..models import User

REVOKED_PREFIX = "senko:revoked:"
WRONG_TYPE_MESSAGES = {
    "Only non-refresh tokens are allowed": "This route needs an access token, not a refresh token",
    "Only refresh tokens are allowed": "This route needs a refresh token, not an access token",
}


def revoke(jwt_payload: dict) -> None:
    """Mark the token described by ``jwt_payload`` as revoked until it would have expired anyway."""
    ttl = max(int(jwt_payload["exp"] - time.time()), 1)
    redis_store.client.set(REVOKED_PREFIX + jwt_payload["jti"], jwt_payload.get("type", "access"), ex=ttl)


def is_revoked(jwt_payload: dict) -> bool:
    """True when the token's jti is in the revocation store (a token without a jti cannot be revoked, so it never passes)."""
    jti = jwt_payload.get("jti")
    if not jti or "exp" not in jwt_payload:
        return True
    return bool(redis_store.client.exists(REVOKED_PREFIX + jti))


def init_app(app):
    """Bind flask-jwt-extended's callbacks: every auth failure is a 401 JSON ``{"message"}``."""
    jwt.init_app(app)

    @jwt.token_in_blocklist_loader
    def _check_revoked(_header, payload):
        return is_revoked(payload)

    @jwt.user_lookup_loader
    def _load_user(_header, payload):
        # Looked up on every request so a deleted user's tokens stop working at once.
        return db.session.get(User, int(payload["sub"]))

    @jwt.unauthorized_loader
    def _missing(reason):
        return error_response(401, f"Missing credentials: {reason}")

    @jwt.invalid_token_loader
    def _invalid(reason):
        # The decoder's reason may quote the token's bytes or the library's internals: never echoed.
        return error_response(401, WRONG_TYPE_MESSAGES.get(reason, "Invalid token"))

    @jwt.expired_token_loader
    def _expired(_header, _payload):
        return error_response(401, "Token has expired")

    @jwt.revoked_token_loader
    def _revoked(_header, _payload):
        return error_response(401, "Token has been revoked")

    @jwt.needs_fresh_token_loader
    def _not_fresh(_header, _payload):
        return error_response(401, "Fresh token required")

    @jwt.user_lookup_error_loader
    def _no_user(_header, _payload):
        return error_response(401, "User of this token no longer exists")

    @jwt.token_verification_failed_loader
    def _failed(_header, _payload):
        return error_response(401, "Token verification failed")
