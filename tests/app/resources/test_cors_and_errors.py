"""CORS for the configured frontend origins only, and one JSON error shape everywhere."""


def test_allowed_origin_gets_cors_headers(app, client):
    """A preflight from the configured UI origin is allowed with the Authorization header."""
    origin = app.config["SENKO_CORS_ORIGINS"][0]
    response = client.options("/user/list", headers={
        "Origin": origin, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "Authorization"})
    assert response.headers.get("Access-Control-Allow-Origin") == origin
    assert "authorization" in response.headers.get("Access-Control-Allow-Headers", "").lower()


def test_other_origins_get_no_cors_headers(client):
    """An unknown origin gets no Access-Control-Allow-Origin, so browsers block it."""
    response = client.get("/healthy", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_unknown_route_and_method_are_json(client):
    """404 and 405 come as JSON messages, not HTML."""
    client.skip_contract = True  # undocumented on purpose: these are not routes
    missing = client.get("/nope")
    assert missing.status_code == 404 and missing.get_json() == {"message": "Not found", "code": "not_found"}
    wrong = client.put("/healthy")
    assert wrong.status_code == 405 and wrong.get_json() == {"message": "Method not allowed", "code": "method_not_allowed"}


def test_malformed_json_is_400(client, recruiter):
    """A body that claims JSON but is not → 400 JSON."""
    response = client.post("/applicant", headers={**recruiter["headers"], "Content-Type": "application/json"}, data="{oops")
    assert response.status_code == 400 and response.get_json()["message"]


def test_database_down_is_503(app, client, recruiter, stack):
    """MySQL stopped → 503 JSON on a route that needs it (and readiness says which)."""
    stack.stop("mariadb")
    try:
        response = client.get("/applicant/20/1", headers=recruiter["headers"])
        assert response.status_code == 503
        assert "Database" in response.get_json()["message"]
        assert client.get("/ready").get_json()["checks"]["redis"] == "ok"
    finally:
        stack.start_db()
    assert client.get("/applicant/20/1", headers=recruiter["headers"]).status_code == 200
