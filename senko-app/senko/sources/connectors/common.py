"""Small helpers both web connectors share: dotted paths, dates, statuses and résumé downloads."""
import re
from datetime import UTC, date, datetime
from urllib.parse import unquote, urlsplit

from ..base import ConnectorError

MISSING = object()
# 2026-11-29, 2026/11/29, 2026.11.29, 2026年11月29日, each optionally followed by a time (10:30 or 10:30:15).
DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*$")


class Unreadable(Exception):
    """One application cannot be read; the message (a sentence) becomes ``Item.error``."""


def dig(data, path: str):
    """The value at dotted ``path`` in nested dicts and lists (``applicant.name``, ``files.0.url``), or MISSING."""
    value = data
    for key in str(path).split("."):
        if isinstance(value, dict) and key in value:
            value = value[key]
        elif isinstance(value, list) and key.lstrip("-").isdigit() and -len(value) <= int(key) < len(value):
            value = value[int(key)]
        else:
            return MISSING
    return value


def plain_text(value) -> str | None:
    """A field value as a stripped string (None when absent or empty); numbers become their digits."""
    if value is MISSING or value is None or isinstance(value, (dict, list, bool)):
        return None
    text = " ".join(str(value).split())
    return text or None


def parse_date(value) -> date | datetime | None:
    """An application date from ISO dates/datetimes, ``2026/11/29`` (time optional), ``2026年11月29日`` or epoch seconds.

    None when absent; ``Unreadable`` when present but not a date. A datetime keeps its time zone when given.
    """
    if value is MISSING or value is None or value == "":
        return None
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    text = str(value).strip()
    try:
        return date.fromisoformat(text) if len(text) == 10 and text[4] == "-" else datetime.fromisoformat(text)
    except ValueError:
        pass
    match = DATE.match(text)
    if match:
        parts = [int(part) if part else 0 for part in match.groups()]
        try:
            return datetime(*parts) if match.group(4) else date(*parts[:3])
        except ValueError:
            pass
    raise Unreadable(f"applied_at {text[:40]!r} is not a date")


def check_status(response, who: str, auth_message: str) -> None:
    """Turn a failed list/login answer into the run's ConnectorError (401/403: ``auth``)."""
    status = response.status
    if status in (401, 403):
        raise ConnectorError("auth", f"{auth_message} ({status})")
    if status in (408, 429) or status >= 500:
        raise ConnectorError("unreachable", f"{who} answered {status}; the board seems to be down")
    if status >= 400:
        raise ConnectorError("bad_response", f"{who} answered {status}; check the settings")


def download_resume(fetcher, url: str, headers: dict | None = None) -> tuple[bytes, str]:
    """Download a résumé through the fetcher and check it is a PDF: (content, filename), or ``Unreadable``.

    An unreachable board or a timeout stops the run (ConnectorError); a refused address, an oversized
    file, a 4xx or a file that is not a PDF only spoils this application.
    """
    path = urlsplit(url).path or url
    try:
        response = fetcher.get(url, headers=headers)
    except ConnectorError as exc:
        if exc.reason in ("unreachable", "timeout"):
            raise
        raise Unreadable(f"the résumé at {path} could not be downloaded: {exc.message}") from None
    if response.status in (401, 403):
        raise Unreadable(f"the board refused the download of the résumé at {path} ({response.status})")
    if response.status >= 500:
        raise ConnectorError("unreachable", f"the résumé at {path} answered {response.status}; the board seems to be down")
    if response.status >= 400:
        raise Unreadable(f"the résumé at {path} answered {response.status}")
    if response.content.lstrip(b"\x00\t\n\r\f ")[:5] != b"%PDF-":  # as senko.ingest.checks.is_pdf
        raise Unreadable(f"the résumé at {path} is not a PDF (it does not start with %PDF-)")
    return response.content, filename_of(response, path)


def filename_of(response, path: str) -> str:
    """The file name from Content-Disposition, else the last part of the URL path (``resume.pdf`` if none)."""
    disposition = response.headers.get("content-disposition", "")
    match = re.search(r"filename\*=(?:UTF-8'')?([^;]+)", disposition, re.I) or re.search(r'filename="?([^";]+)"?', disposition, re.I)
    name = unquote(match.group(1).strip()) if match else unquote(path.rstrip("/").rsplit("/", 1)[-1])
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[:200] or "resume.pdf"


def same_origin(one: str, other: str) -> bool:
    """True when both URLs share scheme, host and port (where the board's credentials may go)."""
    a, b = urlsplit(one), urlsplit(other)
    default = {"http": 80, "https": 443}
    try:
        ports = (a.port or default.get(a.scheme), b.port or default.get(b.scheme))
    except ValueError:
        return False
    return (a.scheme, (a.hostname or "").lower(), ports[0]) == (b.scheme, (b.hostname or "").lower(), ports[1])


def check_url(settings: dict, key: str, problems: list[str], required: bool = True) -> None:
    """Add a problem when ``settings[key]`` is not an http(s) URL."""
    value = settings.get(key)
    if value in (None, ""):
        if required:
            problems.append(f"{key} is required")
        return
    parts = urlsplit(str(value))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        problems.append(f"{key} must be an http:// or https:// URL")


def check_delay(settings: dict, problems: list[str]) -> None:
    """Add a problem when ``delay_seconds`` is given but not a number from 0 to 60."""
    value = settings.get("delay_seconds")
    if value in (None, ""):
        return
    try:
        ok = 0 <= float(value) <= 60
    except (TypeError, ValueError):
        ok = False
    if not ok:
        problems.append("delay_seconds must be a number of seconds from 0 to 60")
