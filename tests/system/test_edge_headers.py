"""Headers and errors at the edge: nginx's security headers on the API and the UI, its own errors as JSON."""
import socket
from urllib.parse import urlsplit

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from senko.errors import CODE_OF_STATUS

COMMON = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
API = {**COMMON, "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'", "Cache-Control": "no-store"}


def ui_csp(api: str, styles: str = "'self'") -> str:
    """The UI's policy, allowing calls to the API on localhost and 127.0.0.1."""
    port = urlsplit(api).port
    return (f"default-src 'self'; connect-src 'self' http://localhost:{port} http://127.0.0.1:{port}; "
            f"img-src 'self' data:; style-src {styles}; script-src 'self'; object-src 'none'; base-uri 'none'; "
            "form-action 'self'; frame-ancestors 'none'")


def assert_headers(response: requests.Response, expected: dict[str, str]) -> None:
    """Each expected header is present once, with exactly that value."""
    for name, value in expected.items():
        assert response.headers.get(name) == value, (response.url, response.status_code, name, response.headers.get(name))


def assert_json_error(response: requests.Response, status: int, message: str) -> None:
    """nginx's own error in the API's shape (the status's code word), with the API's headers."""
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json() == {"message": message, "code": CODE_OF_STATUS[status]}
    assert_headers(response, API)


@pytest.fixture
def ui(live, stack):
    """The UI origin of the running stack."""
    return f"http://127.0.0.1:{stack.env['SENKO_UI_PORT']}"


def test_api_responses_carry_the_security_headers(live, users):
    """A 200, the app's 401 and the app's 404 all carry the API's headers; the app's JSON errors pass unchanged."""
    users.create("admin@example.com", users.ADMIN_PASSWORD, "admin")
    ok = requests.post(f"{live}/user/login", json={"email": "admin@example.com", "password": users.ADMIN_PASSWORD}, timeout=10)
    assert ok.status_code == 200 and "access_token" in ok.json()
    assert_headers(ok, API)
    assert_headers(requests.get(f"{live}/healthy", timeout=10), API)
    unauthorized = requests.get(f"{live}/user/list", timeout=10)
    assert unauthorized.status_code == 401 and "message" in unauthorized.json()
    assert_headers(unauthorized, API)
    missing = requests.get(f"{live}/no/such/route", timeout=10)
    assert missing.status_code == 404 and missing.json() == {"message": "Not found", "code": "not_found"}
    assert_headers(missing, API)
    # Headers are not doubled by nginx on top of the app (one value each).
    assert "," not in missing.headers["Cache-Control"]


def test_ui_responses_carry_the_csp_and_the_security_headers(ui, live):
    """The UI's pages and files have the strict CSP; Swagger UI's page the same with inline styles."""
    expected = {**COMMON, "X-Frame-Options": "DENY", "Content-Security-Policy": ui_csp(live)}
    for path in ("/", "/js/main.js", "/style.css", "/no-such-page"):
        response = requests.get(f"{ui}{path}", timeout=10)
        assert response.status_code == 200
        assert_headers(response, expected)
    docs = {**expected, "Content-Security-Policy": ui_csp(live, "'self' 'unsafe-inline'")}
    for path in ("/docs/api/", "/docs/api/swagger-ui-bundle.js", "/docs/api/api-reference.yml"):
        response = requests.get(f"{ui}{path}", timeout=10)
        assert response.status_code == 200
        assert_headers(response, docs)
    assert_headers(requests.get(f"{ui}/docs/api/nothing-here.js", timeout=10), expected)  # falls back to the UI page


def test_too_large_is_json_and_allows_only_the_ui_origins(live, stack):
    """nginx's 413 is JSON; Access-Control-Allow-Origin only for a configured UI origin, never an echo."""
    body = b"x" * (2 * 1024 * 1024)
    headers = {"Content-Type": "application/json"}
    evil = requests.post(f"{live}/user/login", data=body, headers={**headers, "Origin": "http://evil.example"}, timeout=30)
    assert_json_error(evil, 413, "Request body too large")
    assert "Access-Control-Allow-Origin" not in evil.headers
    for host in ("localhost", "127.0.0.1"):
        origin = f"http://{host}:{stack.env['SENKO_UI_PORT']}"
        allowed = requests.post(f"{live}/user/login", data=body, headers={**headers, "Origin": origin}, timeout=30)
        assert_json_error(allowed, 413, "Request body too large")
        assert allowed.headers["Access-Control-Allow-Origin"] == origin
    # A configured origin inside a longer value is not a configured origin.
    sneaky = f"http://localhost:{stack.env['SENKO_UI_PORT']}.evil.example"
    response = requests.post(f"{live}/user/login", data=body, headers={**headers, "Origin": sneaky}, timeout=30)
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Access-Control-Allow-Origin" not in requests.post(f"{live}/user/login", data=body, headers=headers, timeout=30).headers


def test_trace_is_a_json_405_with_allow(live):
    """TRACE, which nginx refuses itself, answers JSON 405 with the methods the API accepts."""
    response = requests.request("TRACE", f"{live}/", timeout=10)
    assert_json_error(response, 405, "Method not allowed")
    assert response.headers["Allow"] == "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"
    assert "Allow" not in requests.get(f"{live}/healthy", timeout=10).headers


def test_too_long_uri_is_a_json_414(live):
    """A 15 KB URL is refused by nginx as JSON 414."""
    assert_json_error(requests.get(f"{live}/applicant?{'a' * 15000}", timeout=10), 414, "Request URI too long")


def raw_request(live: str, data: bytes) -> tuple[str, dict[str, str], bytes]:
    """Send bytes as they are; returns the status line, the headers (lower-case names) and the body."""
    parts = urlsplit(live)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as raw:
        raw.sendall(data)
        answer = b""
        while chunk := raw.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    return status, {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines)}, body


@pytest.mark.parametrize("request_line", [b"GET /\x01bad HTTP/1.1 extra", b"\x01\x02 nonsense"])
def test_malformed_request_line_is_a_json_400(live, request_line):
    """A request line nginx cannot parse (with or without a URI it could read) gets JSON 400."""
    status, headers, body = raw_request(live, request_line + b"\r\nHost: x\r\n\r\n")
    assert status.startswith("HTTP/1.1 400")
    assert headers["content-type"].startswith("application/json")
    assert headers["x-content-type-options"] == "nosniff"
    assert body == b'{"message": "Bad request", "code": "bad_request"}'


def test_the_error_page_itself_is_not_reachable(live):
    """The internal error location answers a direct request with the API's JSON 404."""
    assert_json_error(requests.get(f"{live}/.senko-edge-error", timeout=10), 404, "Not found")


# Collects CSP violations from the first moment of every page (before the page's own scripts run).
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`);
});
"""


def test_ui_and_swagger_ui_work_under_the_csp(browser, live, stack, users, ui):
    """As an admin: the applicant list, the 媒体連携 tab and Swagger UI render with no CSP violation."""
    users.create("admin@example.com", users.ADMIN_PASSWORD, "admin", "管理 者")
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": COLLECT_VIOLATIONS})
    wait = WebDriverWait(browser, 60)
    browser.get(f"{ui}/")
    browser.find_element(By.ID, "login-email").send_keys("admin@example.com")
    browser.find_element(By.ID, "login-password").send_keys(users.ADMIN_PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "#login-form button").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "user-email"), "admin@example.com"))
    wait.until(EC.text_to_be_present_in_element((By.ID, "total"), "0 名"))
    browser.find_element(By.ID, "nav-sources").click()
    wait.until(EC.visibility_of_element_located((By.ID, "sources-empty")))
    browser.find_element(By.ID, "source-add").click()
    assert browser.execute_script("return window.__cspViolations") == []

    browser.get(f"{ui}/docs/api/")
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".opblock")))
    assert browser.execute_script("return window.__cspViolations") == []
    browser.save_screenshot(str(stack.log / "edge-csp.png"))
