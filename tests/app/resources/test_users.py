"""Users: admin-only creation, login, refresh, logout, listing."""
import time


def test_admin_creates_user_and_new_user_can_log_in(client, admin, users):
    """An admin creates a recruiter; the recruiter logs in with the password set."""
    response = client.post("/user", headers=admin["headers"], json={
        "email": "New.User@Example.com", "name": "新人 一郎", "password": "a-long-enough-password"})
    assert response.status_code == 201
    assert response.get_json()["user"] == {**response.get_json()["user"], "email": "new.user@example.com", "role": "recruiter"}
    assert "password_hash" not in response.get_json()["user"]
    tokens = users.login("new.user@example.com", "a-long-enough-password")
    assert tokens["message"] == "Logged in as new.user@example.com"


def test_duplicate_email_is_409(client, admin):
    """Creating a user with an existing email (any case) answers 409."""
    body = {"email": "dup@example.com", "name": "x", "password": "a-long-enough-password"}
    assert client.post("/user", headers=admin["headers"], json=body).status_code == 201
    response = client.post("/user", headers=admin["headers"], json={**body, "email": "DUP@example.com"})
    assert response.status_code == 409
    assert "already exists" in response.get_json()["message"]


def test_recruiter_cannot_create_users(client, recruiter):
    """A recruiter calling the admin-only route gets 403."""
    response = client.post("/user", headers=recruiter["headers"], json={
        "email": "x@example.com", "name": "x", "password": "a-long-enough-password"})
    assert response.status_code == 403
    assert response.get_json()["message"] == "This needs the admin role"


def test_no_self_registration(client):
    """Creating a user without a token is 401."""
    response = client.post("/user", json={"email": "x@example.com", "name": "x", "password": "a-long-enough-password"})
    assert response.status_code == 401


def test_user_create_validation(client, admin):
    """Bad bodies: unknown field 400, bad email/short password 422, not JSON 415, not an object 400."""
    h = admin["headers"]
    ok = {"email": "v@example.com", "name": "v", "password": "a-long-enough-password"}
    assert client.post("/user", headers=h, json={**ok, "is_admin": True}).status_code == 400
    assert client.post("/user", headers=h, json={**ok, "email": "not-an-email"}).status_code == 422
    assert client.post("/user", headers=h, json={**ok, "password": "short"}).status_code == 422
    assert client.post("/user", headers=h, json={**ok, "role": "superuser"}).status_code == 422
    assert client.post("/user", headers=h, data="email=v", content_type="application/x-www-form-urlencoded").status_code == 415
    assert client.post("/user", headers=h, json=["not", "an", "object"]).status_code == 400


def test_login_failures_look_the_same(client, admin, users):
    """Wrong email and wrong password give the same 401 body."""
    wrong_email = client.post("/user/login", json={"email": "nobody@example.com", "password": users.ADMIN_PASSWORD})
    wrong_password = client.post("/user/login", json={"email": "admin@example.com", "password": "wrong-password!"})
    assert wrong_email.status_code == wrong_password.status_code == 401
    assert wrong_email.get_json() == wrong_password.get_json() == {"message": "Wrong email or password", "code": "wrong_credentials"}


def test_long_passwords(client, admin, users):
    """A 64-character password works; a 1 MB password is refused with 400 before hashing, quickly."""
    long_password = "パスワード" * 12 + "abcd"
    assert len(long_password) == 64
    users.create("long@example.com", long_password)
    assert users.login("long@example.com", long_password)["access_token"]
    started = time.monotonic()
    response = client.post("/user/login", json={"email": "long@example.com", "password": "x" * 1_000_000})
    assert response.status_code == 400
    assert "Password longer than" in response.get_json()["message"]
    assert time.monotonic() - started < 5  # generous: only proves no hashing of 1 MB happened


def test_failed_logins_are_rate_limited(client, recruiter, users):
    """After 5 failed logins from one address, its next attempt gets 429 even with the right password."""
    for _ in range(5):
        assert client.post("/user/login", json={"email": "recruiter@example.com", "password": "wrong-password!"}).status_code == 401
    response = client.post("/user/login", json={"email": "recruiter@example.com", "password": users.RECRUITER_PASSWORD})
    assert response.status_code == 429
    assert response.get_json()["message"].startswith("Too many requests")
    assert "Retry-After" in response.headers


def test_successful_logins_are_not_limited(client, recruiter, users):
    """Successful logins do not count towards the failed-login limit."""
    for _ in range(7):
        assert client.post("/user/login", json={"email": "recruiter@example.com", "password": users.RECRUITER_PASSWORD}).status_code == 200


def test_user_list_and_me(client, admin, recruiter):
    """Any logged-in user lists users (no hashes) and sees who they are."""
    response = client.get("/user/list", headers=recruiter["headers"])
    assert response.status_code == 200
    listed = response.get_json()["users"]
    assert [u["email"] for u in listed] == ["admin@example.com", "recruiter@example.com"]
    assert all("password_hash" not in u for u in listed)
    me = client.get("/user/me", headers=recruiter["headers"]).get_json()["user"]
    assert me["email"] == "recruiter@example.com" and me["role"] == "recruiter"


def test_refresh_and_logout_flow(client, recruiter, users):
    """Refresh gives a working access token; logout ends that session (its refresh token too); others go on."""
    other = users.login("recruiter@example.com", users.RECRUITER_PASSWORD)
    refresh_headers = {"Authorization": f"Bearer {recruiter['refresh_token']}"}
    new_access = client.post("/user/refresh", headers=refresh_headers).get_json()["access_token"]
    new_headers = {"Authorization": f"Bearer {new_access}"}
    assert client.get("/user/list", headers=new_headers).status_code == 200

    assert client.post("/user/logout", headers=new_headers).status_code == 200
    revoked = client.get("/user/list", headers=new_headers)
    assert revoked.status_code == 401 and revoked.get_json() == {"message": "Token has been revoked", "code": "token_revoked"}
    assert client.post("/user/refresh", headers=refresh_headers).status_code == 401
    assert client.get("/user/list", headers=users.headers(other["access_token"])).status_code == 200  # another session

    other_refresh = users.headers(other["refresh_token"])
    assert client.post("/user/refresh", headers=other_refresh).status_code == 200
    assert client.post("/user/logout/refresh", headers=other_refresh).status_code == 200
    assert client.post("/user/refresh", headers=other_refresh).status_code == 401


def test_revocation_ttl_matches_token_lifetime(app, client, recruiter):
    """The revoked jti is stored in Redis with a TTL close to the token's remaining lifetime."""
    from flask_jwt_extended import decode_token

    from senko.extensions import redis_store

    client.post("/user/logout", headers=recruiter["headers"])
    with app.app_context():
        payload = decode_token(recruiter["access_token"], allow_expired=True)
        ttl = redis_store.client.ttl("senko:revoked:" + payload["jti"])
    remaining = payload["exp"] - time.time()
    assert 0 < ttl <= remaining + 1
    assert ttl >= remaining - 30
