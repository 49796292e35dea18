"""Sessions that really end: password changes, deactivation, "log out everywhere", paired logout, throttling."""
import pytest

NEW_PASSWORD = "a-brand-new-password-42"


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def works(client, tokens: dict) -> tuple[int, int]:
    """(status of GET /user/me with the access token, status of POST /user/refresh with the refresh token)."""
    me = client.get("/user/me", headers=bearer(tokens["access_token"])).status_code
    refresh = client.post("/user/refresh", headers=bearer(tokens["refresh_token"])).status_code
    return me, refresh


def test_password_change_ends_every_other_session(client, recruiter, users):
    """Changing one's password ends the old tokens (access and refresh); the answer's new pair works."""
    other_device = users.login("recruiter@example.com", users.RECRUITER_PASSWORD)
    response = client.post("/user/me/password", headers=recruiter["headers"],
                           json={"current_password": users.RECRUITER_PASSWORD, "new_password": NEW_PASSWORD})
    assert response.status_code == 200, response.get_json()
    assert works(client, recruiter) == (401, 401)
    assert works(client, other_device) == (401, 401)
    ended = client.get("/user/me", headers=recruiter["headers"]).get_json()
    assert ended == {"message": "Session has ended: log in again", "code": "session_ended"}
    assert works(client, response.get_json()) == (200, 200)
    assert users.login("recruiter@example.com", NEW_PASSWORD)["access_token"]


def test_password_change_needs_the_current_password(client, recruiter, users):
    """A wrong current password is 403 and changes nothing; a short new one is 422."""
    wrong = client.post("/user/me/password", headers=recruiter["headers"],
                        json={"current_password": "not-my-password", "new_password": NEW_PASSWORD})
    assert wrong.status_code == 403
    short = client.post("/user/me/password", headers=recruiter["headers"],
                        json={"current_password": users.RECRUITER_PASSWORD, "new_password": "short"})
    assert short.status_code == 422
    assert works(client, recruiter) == (200, 200)


def test_admin_password_reset_and_cli_reset_end_sessions(client, admin, recruiter, users, runner):
    """An admin's PATCH with a password, and `flask users reset-password`, end the user's sessions."""
    recruiter_id = client.get("/user/me", headers=recruiter["headers"]).get_json()["user"]["id"]
    response = client.patch(f"/user/{recruiter_id}", headers=admin["headers"], json={"password": NEW_PASSWORD})
    assert response.status_code == 200, response.get_json()
    assert works(client, recruiter) == (401, 401)
    fresh = users.login("recruiter@example.com", NEW_PASSWORD)
    result = runner.invoke(args=["users", "reset-password", "--email", "recruiter@example.com", "--password", "cli-set-password-99"])
    assert result.exit_code == 0, result.output
    assert works(client, fresh) == (401, 401)


def test_deactivation_ends_sessions_and_refuses_login(client, admin, recruiter, users, runner):
    """Deactivated: tokens 401, login 403 (after the right password); reactivated: login works again."""
    recruiter_id = client.get("/user/me", headers=recruiter["headers"]).get_json()["user"]["id"]
    response = client.patch(f"/user/{recruiter_id}", headers=admin["headers"], json={"active": False})
    assert response.status_code == 200 and response.get_json()["user"]["active"] is False
    assert works(client, recruiter) == (401, 401)
    login = client.post("/user/login", json={"email": "recruiter@example.com", "password": users.RECRUITER_PASSWORD})
    assert login.status_code == 403 and "deactivated" in login.get_json()["message"]
    wrong = client.post("/user/login", json={"email": "recruiter@example.com", "password": "wrong-password!"})
    assert wrong.status_code == 401  # the deactivation is told only to someone who knows the password
    assert client.patch(f"/user/{recruiter_id}", headers=admin["headers"], json={"active": True}).status_code == 200
    assert users.login("recruiter@example.com", users.RECRUITER_PASSWORD)["access_token"]
    assert runner.invoke(args=["users", "deactivate", "--email", "recruiter@example.com"]).exit_code == 0
    assert client.post("/user/login", json={"email": "recruiter@example.com",
                                            "password": users.RECRUITER_PASSWORD}).status_code == 403
    listed = runner.invoke(args=["users", "list"]).output
    assert "recruiter@example.com\trecruiter\tinactive" in listed


def test_user_patch_rules(client, admin, recruiter):
    """Admins only; an admin cannot deactivate or demote themselves; unknown fields 400; unknown user 404."""
    me = client.get("/user/me", headers=admin["headers"]).get_json()["user"]["id"]
    other = client.get("/user/me", headers=recruiter["headers"]).get_json()["user"]["id"]
    assert client.patch(f"/user/{me}", headers=recruiter["headers"], json={"role": "recruiter"}).status_code == 403
    assert client.patch(f"/user/{me}", headers=admin["headers"], json={"active": False}).status_code == 409
    assert client.patch(f"/user/{me}", headers=admin["headers"], json={"role": "recruiter"}).status_code == 409
    assert client.patch(f"/user/{me}", headers=admin["headers"], json={"is_admin": True}).status_code == 400
    assert client.patch("/user/99999", headers=admin["headers"], json={"active": False}).status_code == 404
    promoted = client.patch(f"/user/{other}", headers=admin["headers"], json={"role": "admin", "name": "昇格 花子"})
    assert promoted.status_code == 200
    assert promoted.get_json()["user"]["role"] == "admin" and promoted.get_json()["user"]["name"] == "昇格 花子"
    assert client.get("/models", headers=recruiter["headers"]).status_code == 200  # the role is read per request


def test_logout_everywhere(client, recruiter, users, runner):
    """`POST /user/logout/all` ends every token of the caller; `flask users logout-all` does it for anyone."""
    other_device = users.login("recruiter@example.com", users.RECRUITER_PASSWORD)
    assert client.post("/user/logout/all", headers=recruiter["headers"]).status_code == 200
    assert works(client, recruiter) == (401, 401)
    assert works(client, other_device) == (401, 401)
    fresh = users.login("recruiter@example.com", users.RECRUITER_PASSWORD)
    assert works(client, fresh) == (200, 200)
    assert runner.invoke(args=["users", "logout-all", "--email", "recruiter@example.com"]).exit_code == 0
    assert works(client, fresh) == (401, 401)


def test_logout_revokes_the_pair(client, recruiter, users):
    """Logging out the access token also revokes its refresh token; other sessions are untouched."""
    other_device = users.login("recruiter@example.com", users.RECRUITER_PASSWORD)
    assert client.post("/user/logout", headers=recruiter["headers"]).status_code == 200
    assert works(client, recruiter) == (401, 401)
    assert works(client, other_device) == (200, 200)


def test_logout_refresh_ends_access_tokens_minted_from_it(client, recruiter):
    """Revoking a refresh token ends the access tokens it minted (and the login's own access token)."""
    minted = client.post("/user/refresh", headers=bearer(recruiter["refresh_token"])).get_json()["access_token"]
    assert client.get("/user/me", headers=bearer(minted)).status_code == 200
    assert client.post("/user/logout/refresh", headers=bearer(recruiter["refresh_token"])).status_code == 200
    assert client.get("/user/me", headers=bearer(minted)).status_code == 401
    assert client.get("/user/me", headers=recruiter["headers"]).status_code == 401


def test_throttle_is_per_address_and_account(app, client, recruiter, users, monkeypatch):
    """A stranger's failed guesses block the stranger's address on that account, not the user elsewhere."""
    monkeypatch.setitem(app.config, "SENKO_LOGIN_FREE_FAILURES", 2)
    monkeypatch.setitem(app.config, "SENKO_LOGIN_DELAY_SECONDS", 30)
    stranger, user = {"REMOTE_ADDR": "198.51.100.7"}, {"REMOTE_ADDR": "192.0.2.10"}
    body = {"email": "recruiter@example.com", "password": "wrong-password!"}
    statuses = [client.post("/user/login", json=body, environ_base=stranger).status_code for _ in range(3)]
    assert statuses == [401, 401, 401]
    right = {"email": "recruiter@example.com", "password": users.RECRUITER_PASSWORD}
    blocked = client.post("/user/login", json=right, environ_base=stranger)
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) >= 1
    wait = int(blocked.get_json()["message"].split("try again in ")[1].split(" s")[0])
    assert 1 <= wait <= 30
    assert client.post("/user/login", json=right, environ_base=user).status_code == 200
    # Another account from the stranger's address is not blocked either.
    users.create("other@example.com", "other-password-123")
    assert client.post("/user/login", json={"email": "other@example.com", "password": "other-password-123"},
                       environ_base=stranger).status_code == 200


def test_throttle_delays_grow(app):
    """Each failure past the free ones doubles the block, up to the cap; a success clears the count."""
    from senko.auth import throttle

    assert [throttle.delay_after(n, 5, 2, 900) for n in range(1, 10)] == [0, 0, 0, 0, 0, 2, 4, 8, 16]
    assert throttle.delay_after(40, 5, 2, 900) == 900
    with app.test_request_context():
        blocks = [throttle.record_failure("203.0.113.5", "x@example.com") for _ in range(8)]
        assert blocks == [0, 0, 0, 0, 0, 2, 4, 8]
        assert 4 <= throttle.retry_after("203.0.113.5", "x@example.com") <= 8
        throttle.record_success("203.0.113.5", "x@example.com")
        assert throttle.retry_after("203.0.113.5", "x@example.com") == 0
        assert throttle.record_failure("203.0.113.5", "x@example.com") == 0


@pytest.mark.parametrize("proxies, expected", [(0, "127.0.0.1"), (1, "203.0.113.9")])
def test_client_address_behind_trusted_proxies(stack, proxies, expected, users, app):
    """With SENKO_TRUSTED_PROXIES=1 the client is the forwarded address; with 0 a forged header is ignored."""
    from senko import create_app
    from senko.extensions import db
    from senko.models import AuditEntry

    other = create_app({"SENKO_TRUSTED_PROXIES": proxies})
    response = other.test_client().post("/user/login", json={"email": "nobody@example.com", "password": "wrong-pass"},
                                        headers={"X-Forwarded-For": "203.0.113.9"})
    assert response.status_code == 401
    with other.app_context():
        entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "user.login_failed")).one()
        assert entry.address == expected
