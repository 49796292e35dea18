"""``json_api``: a job board with a JSON API and an API key.

Settings (the names are part of Senko's API):

- ``url``: the list endpoint, e.g. ``https://board.example/api/applications``.
- ``api_key`` (secret) sent in the header ``api_key_header`` (default ``X-API-Key``), only to the
  board's own origin (never to another host a résumé link or a redirect points at).
- ``items_path``: dotted path of the list of applications in the answer, e.g. ``applications`` or
  ``data.items``.
- Paging, one of:

  - cursor boards: ``cursor_param`` (the query parameter that takes the cursor, e.g. ``cursor``) and
    ``next_cursor_path`` (dotted path of the next cursor in the answer, default ``next_cursor``);
  - page-numbered boards: ``page_param`` (e.g. ``page``), pages counted from ``first_page``
    (default 1), newest first.

- ``fields``: Senko's names → dotted paths in one application: ``external_id`` (default ``id``),
  ``name``, ``furigana``, ``email``, ``phone``, ``applied_at``, ``resume_url`` (each defaults to its
  own name). ``applied_at`` may be an ISO date or datetime, ``2026/11/29`` (with an optional time),
  ``2026年11月29日`` or epoch seconds. ``resume_url`` may be relative to ``url``.
- ``delay_seconds``: pause between requests (politeness; applied by the fetcher).

Cursor boards are incremental. The rule for the cursor a run ends on: the board's next cursor of
each page is ``Page.cursor``; when the board signals the end ("no more now") with a null/empty next
cursor, or with no applications, the last page keeps the last non-null cursor known (the one it was
requested with, or the board's own when it gave one), so the next run continues there. Re-reading
that last page is harmless: applications are imported exactly once by (source, external_id).
Page-numbered boards are read from page ``first_page`` every run (the runner stops at known
applications); ``Page.cursor`` is the next page number, None after the last page (an empty list)
or after a page whose applications are all older than the look-back.
"""
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from ..base import Connector, ConnectorError, Item, Page
from .common import MISSING, Unreadable, check_delay, check_status, check_url, dig, download_resume, parse_date, plain_text, same_origin

FIELDS = ("external_id", "name", "furigana", "email", "phone", "applied_at", "resume_url")
TEXT_FIELDS = ("name", "furigana", "email", "phone")


class JsonApiConnector(Connector):
    """Reads a board's JSON API page by page (cursor or page numbers); see the module for the settings."""

    kind = "json_api"
    secret_keys = ("api_key",)
    required_keys = ("url", "api_key", "items_path")
    # Cursor boards are incremental, page-numbered ones are not: set per instance from the settings.
    incremental = True

    def __init__(self, settings, secrets, fetcher, since):
        super().__init__(settings, secrets, fetcher, since)
        self.url = str(settings.get("url") or "")
        self.items_path = str(settings.get("items_path") or "")
        self.cursor_param = settings.get("cursor_param") or None
        self.next_cursor_path = settings.get("next_cursor_path") or "next_cursor"
        self.page_param = settings.get("page_param") or None
        self.incremental = self.cursor_param is not None
        self.fields = {name: name for name in FIELDS} | {"external_id": "id"} | dict(settings.get("fields") or {})
        self.headers = {str(settings.get("api_key_header") or "X-API-Key"): str(secrets.get("api_key") or "")}

    @classmethod
    def validate(cls, settings: dict, secrets: dict) -> list[str]:
        """Missing keys, a non-http URL, no (or two) paging modes, unknown field names, a bad delay."""
        problems = super().validate(settings, secrets)
        if settings.get("url"):
            check_url(settings, "url", problems)
        if settings.get("cursor_param") and settings.get("page_param"):
            problems.append("give either cursor_param (cursor paging) or page_param (page numbers), not both")
        elif not (settings.get("cursor_param") or settings.get("page_param")):
            problems.append("give cursor_param (with next_cursor_path) for cursor paging or page_param for page numbers")
        first = settings.get("first_page", 1)
        if not (isinstance(first, int) or str(first).isdigit()):
            problems.append("first_page must be a whole number")
        fields = settings.get("fields") or {}
        if not isinstance(fields, dict):
            problems.append("fields must map Senko's names to dotted paths")
        else:
            problems += [f"fields has an unknown name {key!r} (known: {', '.join(FIELDS)})" for key in fields if key not in FIELDS]
            problems += [f"fields.{key} must be a dotted path" for key, path in fields.items() if not isinstance(path, str) or not path]
        check_delay(settings, problems)
        return problems

    def pages(self, cursor: str | None):
        """Cursor boards from ``cursor`` onwards; page-numbered boards from the page number ``cursor`` (or the first)."""
        if self.incremental:
            yield from self._cursor_pages(cursor or None)
            return
        try:
            number = int(cursor) if cursor else int(self.settings.get("first_page", 1))
        except ValueError:
            raise ConnectorError("settings", f"{cursor!r} is not a page number") from None
        yield from self._numbered_pages(number)

    def _cursor_pages(self, position: str | None):
        seen = set()
        while True:
            data, raw = self._fetch({self.cursor_param: position} if position else None)
            items, _ = self._items(raw)
            after = plain_text(dig(data, self.next_cursor_path))
            if not raw or after is None or after == position or after in seen:
                yield Page(items, cursor=after or position)  # no more now: the next run continues from here
                return
            seen.add(after)
            yield Page(items, cursor=after)
            position = after

    def _numbered_pages(self, number: int):
        while True:
            _, raw = self._fetch({self.page_param: str(number)})
            if not raw:
                yield Page([], cursor=None)
                return
            items, old = self._items(raw)
            if old == len(raw):  # newest first: every later page is older still
                yield Page(items, cursor=None)
                return
            yield Page(items, cursor=str(number + 1))
            number += 1

    def _fetch(self, params: dict | None) -> tuple[object, list]:
        """One list request: (the whole JSON answer, its list of applications)."""
        response = self.fetcher.get(self.url, params=params, headers=self.headers)
        check_status(response, f"the board ({urlsplit(self.url).path or '/'})", "the board refused the API key")
        data = response.json()
        raw = dig(data, self.items_path)
        if raw is MISSING or not isinstance(raw, list):
            found = "nothing" if raw is MISSING else f"a {type(raw).__name__}"
            raise ConnectorError("bad_response", f"the board's answer has {found} at {self.items_path!r}, not a list of "
                                                 "applications; check items_path")
        return data, raw

    def _items(self, raw: list) -> tuple[list[Item], int]:
        """The page's Items (too old ones left out) and how many were too old."""
        items, old = [], 0
        for number, entry in enumerate(raw, start=1):
            item = self._item(entry, number)
            if item is None:
                old += 1
            else:
                items.append(item)
        return items, old

    def _item(self, entry, number: int) -> Item | None:
        """One application in Senko's terms; None when it is older than ``since``."""
        if not isinstance(entry, dict):
            return Item("", error=f"application #{number} on the page is not a JSON object")
        external_id = plain_text(dig(entry, self.fields["external_id"]))
        if external_id is None:
            return Item("", error=f"application #{number} on the page has no {self.fields['external_id']!r} (its external_id)")
        try:
            applied = parse_date(dig(entry, self.fields["applied_at"]))
            day = applied.date() if isinstance(applied, datetime) else applied
            if day and self.since and day < self.since:
                return None
            item = Item(external_id, {name: value for name in TEXT_FIELDS
                                      if (value := plain_text(dig(entry, self.fields[name]))) is not None})
            if applied:
                item.fields["applied_at"] = applied
            link = plain_text(dig(entry, self.fields["resume_url"]))
            if link:
                url = urljoin(self.url, link)
                item.resume, item.resume_filename = download_resume(
                    self.fetcher, url, self.headers if same_origin(url, self.url) else None)
        except Unreadable as exc:
            return Item(external_id, error=f"application {external_id}: {exc}")
        return item
