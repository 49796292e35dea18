"""The auth baseline of bench/api.py: the least an authenticated request can cost.

A bare WSGI app (no Flask) that verifies the HS256 bearer token with PyJWT and checks the same
Redis revocation keys as senko-app (the token's jti and its pair), then answers a small JSON body.
bench/api.py runs it under senko-app's own uwsgi.ini (module swapped) behind the same nginx.
"""
import json
import os

import jwt
import redis

SECRET = os.environ.get("SENKO_JWT_SECRET") or "development-only-secret-not-for-production-use"
REVOKED_PREFIX = "senko:revoked:"
_redis = redis.Redis.from_url(os.environ["SENKO_REDIS_URL"], socket_connect_timeout=2, socket_timeout=2)


def _reply(start_response, status: str, body: dict):
    data = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def application(environ, start_response):
    """Verify the token, check the blocklist, answer 200 (or 401)."""
    header = environ.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Bearer "):
        return _reply(start_response, "401 Unauthorized", {"message": "Missing credentials", "code": "unauthorized"})
    try:
        claims = jwt.decode(header[7:], SECRET, algorithms=["HS256"])
    except jwt.InvalidTokenError:
        return _reply(start_response, "401 Unauthorized", {"message": "Invalid token", "code": "unauthorized"})
    keys = [REVOKED_PREFIX + claims["jti"]] + ([REVOKED_PREFIX + claims["pair"]] if claims.get("pair") else [])
    if _redis.exists(*keys):
        return _reply(start_response, "401 Unauthorized", {"message": "Token has been revoked", "code": "unauthorized"})
    return _reply(start_response, "200 OK", {"user": claims["sub"]})
