"""Every way a token can be wrong answers 401 JSON; Redis trouble answers 503; revocations survive restarts."""
import base64
import json
import time

import jwt as pyjwt
import pytest


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims(app, **overrides) -> dict:
    now = int(time.time())
    claims = {"sub": "1", "jti": "x-" + str(now), "type": "access", "fresh": False, "iat": now, "nbf": now, "exp": now + 600}
    claims.update(overrides)
    return claims


@pytest.fixture
def forged(app, recruiter):
    """Tokens built by hand for the recruiter (whose id is looked up from the real token)."""
    from flask_jwt_extended import decode_token

    with app.app_context():
        sub = decode_token(recruiter["access_token"])["sub"]
    secret = app.config["JWT_SECRET_KEY"]
    return {
        "expired": pyjwt.encode(_claims(app, sub=sub, exp=int(time.time()) - 10, iat=int(time.time()) - 100,
                                        nbf=int(time.time()) - 100), secret, algorithm="HS256"),
        "bad_signature": pyjwt.encode(_claims(app, sub=sub), "another-secret-that-is-long-enough-1234", algorithm="HS256"),
        "alg_none": _b64({"alg": "none", "typ": "JWT"}) + "." + _b64(_claims(app, sub=sub)) + ".",
        "garbage": "not.a.token",
        "unknown_user": pyjwt.encode(_claims(app, sub="999999"), secret, algorithm="HS256"),
        "no_jti": pyjwt.encode({k: v for k, v in _claims(app, sub=sub).items() if k != "jti"}, secret, algorithm="HS256"),
    }


@pytest.mark.parametrize("kind", ["expired", "bad_signature", "alg_none", "garbage", "unknown_user", "no_jti"])
def test_bad_tokens_are_401(client, forged, kind):
    """Expired, forged, unsigned, garbage, unknown-user and malformed tokens → 401 with a message."""
    response = client.get("/user/list", headers={"Authorization": f"Bearer {forged[kind]}"})
    assert response.status_code == 401, response.get_json()
    assert response.is_json and response.get_json()["message"]


def test_missing_and_malformed_headers_are_401(client):
    """No header, a non-Bearer scheme and an empty Bearer are all 401."""
    for headers in ({}, {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer "}, {"Authorization": "Bearer"}):
        response = client.get("/user/list", headers=headers)
        assert response.status_code == 401, headers
        assert response.get_json()["message"]


def test_refresh_token_cannot_be_used_as_access(client, recruiter):
    """A refresh token on an access route → 401."""
    response = client.get("/user/list", headers={"Authorization": f"Bearer {recruiter['refresh_token']}"})
    assert response.status_code == 401
    assert "access token" in response.get_json()["message"].lower()


def test_access_token_cannot_be_used_to_refresh(client, recruiter):
    """An access token on the refresh route → 401."""
    response = client.post("/user/refresh", headers=recruiter["headers"])
    assert response.status_code == 401
    assert "refresh token" in response.get_json()["message"].lower()


def test_revoked_token_is_401(client, recruiter):
    """A logged-out access token → 401 on every protected route."""
    client.post("/user/logout", headers=recruiter["headers"])
    for method, url in (("get", "/user/list"), ("get", "/applicant/20/1"), ("post", "/user/logout")):
        response = getattr(client, method)(url, headers=recruiter["headers"])
        assert response.status_code == 401 and response.get_json() == {"message": "Token has been revoked", "code": "token_revoked"}


def test_deactivated_or_missing_user_token_is_401(app, client, recruiter, users):
    """Tokens of a user who was deactivated (or whose row is gone) stop working at once."""
    from sqlalchemy import text

    from senko.extensions import db
    from senko.models import User

    with app.app_context():
        User.by_email("recruiter@example.com").set_active(False)
        db.session.commit()
    assert client.get("/user/list", headers=recruiter["headers"]).status_code == 401
    users.create("gone@example.com", "gone-password-123")
    tokens = users.login("gone@example.com", "gone-password-123")
    # Through the ORM (the cached user state is rewritten on every committed change to a User), with the
    # foreign keys off for this one statement: the login left an audit entry that would keep the row.
    with app.app_context():
        db.session.execute(text("SET FOREIGN_KEY_CHECKS = 0"))
        db.session.delete(User.by_email("gone@example.com"))
        db.session.flush()
        db.session.execute(text("SET FOREIGN_KEY_CHECKS = 1"))
        db.session.commit()
    assert client.get("/user/list", headers=users.headers(tokens["access_token"])).status_code == 401


def test_redis_down_fails_closed_then_revocations_survive_restart(stack, client, recruiter, users):
    """Redis stopped → protected routes 503 (never 200/500); after a restart revoked tokens stay revoked."""
    assert client.post("/user/logout", headers=recruiter["headers"]).status_code == 200
    stack.stop("redis")
    try:
        response = client.get("/user/list", headers=recruiter["headers"])
        assert response.status_code == 503
        assert "Redis" in response.get_json()["message"]
        ready = client.get("/ready")
        assert ready.status_code == 503 and ready.get_json()["checks"]["database"] == "ok"
        assert client.get("/healthy").status_code == 200
    finally:
        stack.start_redis()
    response = client.get("/user/list", headers=recruiter["headers"])
    assert response.status_code == 401
    assert response.get_json() == {"message": "Token has been revoked", "code": "token_revoked"}
