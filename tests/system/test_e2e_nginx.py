"""The user's curl flow through the real nginx → uWSGI → Flask stack on loopback."""
import json
import subprocess


def curl(*args: str) -> tuple[int, dict | str]:
    """Run curl like a user would; returns (status, parsed JSON body)."""
    out = subprocess.run(["curl", "-s", "-w", "\n%{http_code}", *args], capture_output=True, text=True, check=True).stdout
    body, status = out.rsplit("\n", 1)
    try:
        return int(status), json.loads(body)
    except json.JSONDecodeError:
        return int(status), body


def test_curl_flow_through_nginx_and_uwsgi(live, users):
    """login → list with Bearer → refresh → logout ends the session: both tokens 401, refresh refused."""
    users.create("admin@example.com", users.ADMIN_PASSWORD, "admin")
    status, body = curl("-X", "POST", f"{live}/user/login", "-H", "Content-Type: application/json",
                        "-d", json.dumps({"email": "admin@example.com", "password": users.ADMIN_PASSWORD}))
    assert status == 200 and body["message"] == "Logged in as admin@example.com"
    access, refresh = body["access_token"], body["refresh_token"]

    status, body = curl(f"{live}/user/list", "-H", f"Authorization: Bearer {access}")
    assert status == 200 and [u["email"] for u in body["users"]] == ["admin@example.com"]

    status, body = curl("-X", "POST", f"{live}/user/refresh", "-H", f"Authorization: Bearer {refresh}")
    assert status == 200
    fresh_access = body["access_token"]
    assert curl(f"{live}/user/list", "-H", f"Authorization: Bearer {fresh_access}")[0] == 200

    assert curl("-X", "POST", f"{live}/user/logout", "-H", f"Authorization: Bearer {access}")[0] == 200
    for token in (access, fresh_access):
        status, body = curl(f"{live}/user/list", "-H", f"Authorization: Bearer {token}")
        assert status == 401 and body == {"message": "Token has been revoked", "code": "token_revoked"}
    status, body = curl("-X", "POST", f"{live}/user/refresh", "-H", f"Authorization: Bearer {refresh}")
    assert status == 401 and body == {"message": "Token has been revoked", "code": "token_revoked"}


def test_health_and_errors_through_nginx(live):
    """/healthy answers; errors are JSON through nginx, including nginx's own 413."""
    assert curl(f"{live}/healthy") == (200, "healthy")
    status, body = curl(f"{live}/user/list")
    assert status == 401 and "message" in body
    status, body = curl(f"{live}/no/such/route")
    assert status == 404 and body == {"message": "Not found", "code": "not_found"}


def test_cors_is_real_through_nginx(live, stack):
    """The UI origin is allowed by the API on its own port; another origin is not."""
    ui = f"http://localhost:{stack.env['SENKO_UI_PORT']}"
    allowed = subprocess.run(["curl", "-s", "-D", "-", "-o", "/dev/null", "-X", "OPTIONS", f"{live}/user/list",
                              "-H", f"Origin: {ui}", "-H", "Access-Control-Request-Method: GET"],
                             capture_output=True, text=True).stdout.lower()
    assert f"access-control-allow-origin: {ui}".lower() in allowed
    denied = subprocess.run(["curl", "-s", "-D", "-", "-o", "/dev/null", f"{live}/healthy", "-H", "Origin: https://evil.example"],
                            capture_output=True, text=True).stdout.lower()
    assert "access-control-allow-origin" not in denied


def test_upload_through_nginx_is_processed_by_the_worker(live, worker, users, tmp_path):
    """A résumé uploaded with curl through nginx is processed by the real worker; an 11 MB file gets nginx's JSON 413."""
    import time

    from senko.demo import resumes

    users.create("admin@example.com", users.ADMIN_PASSWORD, "admin")
    token = users.login("admin@example.com", users.ADMIN_PASSWORD)["access_token"]
    auth = f"Authorization: Bearer {token}"
    pdf = tmp_path / "履歴書.pdf"
    pdf.write_bytes(resumes.resume_pdf(resumes.make_profile(7)))
    status, body = curl("-X", "POST", f"{live}/applicant", "-H", auth, "-F", "name=中村 誠", "-F", f"resume=@{pdf}")
    assert status == 202 and body["status"] == "queued"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        applicant = curl(f"{live}/applicant/{body['id']}", "-H", auth)[1]["applicant"]
        if applicant["status"] not in ("queued", "processing"):
            break
        time.sleep(0.3)
    assert applicant["status"] == "unscored"
    assert curl(f"{live}/applicant/{body['id']}/nouns", "-H", auth)[1]["nouns"]

    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024 + 100))
    status, body = curl("-X", "POST", f"{live}/applicant", "-H", auth, "-F", "name=x", "-F", f"resume=@{big}")
    assert status == 413 and body == {"message": "Request body too large", "code": "too_large"}
    huge_json = tmp_path / "huge.json"
    huge_json.write_text('{"email": "' + "x" * (2 * 1024 * 1024) + '"}')
    status, body = curl("-X", "POST", f"{live}/user/login", "-H", "Content-Type: application/json",
                        "--data-binary", f"@{huge_json}")
    assert status == 413 and body == {"message": "Request body too large", "code": "too_large"}
