"""Swagger UI for api-reference.yml at /docs/api/ on the UI origin: vendored assets only, the repository's one spec."""
import re
from pathlib import Path

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parents[2]  # tests/system/ -> the repository


@pytest.fixture
def ui(live, stack):
    """The UI origin of the running stack (nginx serving senko-web/static)."""
    return f"http://127.0.0.1:{stack.env['SENKO_UI_PORT']}"


def test_docs_page_uses_only_local_assets(ui):
    """/docs/api/ is an HTML page whose scripts and styles all come from the UI origin, with no inline script."""
    response = requests.get(f"{ui}/docs/api/", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    page = response.text
    assert 'id="swagger-ui"' in page
    sources = re.findall(r"""\b(?:src|href)=["']([^"']+)""", page)
    assert "swagger-ui-bundle.js" in sources
    assert [s for s in sources if re.match(r"(?:[a-z]+:)?//", s, re.IGNORECASE)] == []
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []


def test_swagger_ui_bundle_is_served(ui):
    """The vendored Swagger UI bundle is served as JavaScript."""
    response = requests.get(f"{ui}/docs/api/swagger-ui-bundle.js", timeout=10)
    assert response.status_code == 200
    assert "javascript" in response.headers["Content-Type"]
    assert "SwaggerUIBundle" in response.text[:2000]


def test_spec_is_the_repository_copy(ui):
    """/docs/api/api-reference.yml is byte for byte the repository's api-reference.yml, as YAML."""
    response = requests.get(f"{ui}/docs/api/api-reference.yml", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/yaml")
    assert response.content == (ROOT / "api-reference.yml").read_bytes()


def test_no_source_maps_are_vendored():
    """Only runtime files are vendored: no source maps, and nothing points at one."""
    folder = ROOT / "senko-web/static/docs/api"
    assert list(folder.glob("*.map")) == []
    for asset in (*folder.glob("*.js"), *folder.glob("*.css")):
        assert "sourceMappingURL=" not in asset.read_text(encoding="utf-8")[-500:], asset.name



def test_ui_links_to_swagger_ui_which_renders_the_operations(browser, ui, stack):
    """From the UI's link, Swagger UI renders the operations and Authorize, loading nothing from another host."""
    wait = WebDriverWait(browser, 30)
    browser.get(f"{ui}/")
    browser.find_element(By.CSS_SELECTOR, 'a[href="docs/api/"]').click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".opblock")))
    paths = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")]
    assert "/user/login" in paths
    assert browser.find_element(By.CSS_SELECTOR, ".auth-wrapper .authorize").is_displayed()
    assert "http://localhost:9999" in browser.find_element(By.CSS_SELECTOR, ".servers").text
    hosts = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => new URL(e.name).origin)")
    assert set(hosts) <= {ui}
    browser.save_screenshot(str(stack.log / "api-docs.png"))
