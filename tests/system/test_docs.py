"""`make docs`: the Sphinx documentation builds without a warning, documents both packages and loads nothing from a CDN."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # tests/system/ -> the repository
# A <script src=...> or a <link href=...> (stylesheet, preload, ...) pointing off the site.
REMOTE_ASSET = re.compile(r"<(?:script|link)\b[^>]*\b(?:src|href)=[\"'](?:https?:)?//", re.IGNORECASE)


@pytest.fixture(scope="module")
def html(tmp_path_factory):
    """The documentation built as `make docs` builds it (warnings are errors), into a temporary folder."""
    out = tmp_path_factory.mktemp("docs")
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         "-d", str(out / "doctrees"), str(ROOT / "docs"), str(out / "html")],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-5000:]
    return out / "html"


def test_docs_build_without_warnings(html):
    """The build exits 0 under -W and has the landing page, the README and the architecture page."""
    for page in ("index.html", "readme.html", "architecture.html", "api/index.html"):
        assert (html / page).is_file(), page


def test_api_reference_documents_both_packages(html):
    """autosummary generated module pages with the functions of senko and senko_predict."""
    pages = html / "api" / "_autosummary"
    assert 'id="senko.settings.load"' in (pages / "senko.settings.html").read_text()
    assert 'id="senko_predict.settings.load"' in (pages / "senko_predict.settings.html").read_text()


def test_entry_points_are_not_documented(html):
    """The modules that build the app at import are left out of the API reference."""
    pages = html / "api" / "_autosummary"
    for module in ("senko.wsgi", "senko.worker", "senko_predict.wsgi"):
        assert not (pages / f"{module}.html").exists(), module


def test_mermaid_is_drawn_from_the_vendored_copy(html):
    """The architecture page loads mermaid from _static/, and the file is there."""
    page = (html / "architecture.html").read_text()
    assert 'class="mermaid"' in page
    assert 'src="_static/mermaid/mermaid.min.js' in page
    assert (html / "_static" / "mermaid" / "mermaid.min.js").stat().st_size > 1_000_000


def test_no_page_loads_from_a_cdn(html):
    """No built page loads a script or a stylesheet from another host."""
    offenders = [str(page.relative_to(html)) for page in html.rglob("*.html") if REMOTE_ASSET.search(page.read_text())]
    assert offenders == []
    for css in (html / "_static").rglob("*.css"):
        assert not re.search(r"@import|url\(\s*[\"']?(?:https?:)?//", css.read_text()), css.name
