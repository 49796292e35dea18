"""The one interface every job-board connector implements, and what it hands to the runner.

A connector reads a board page by page. The runner (``senko.sources.runner``) commits the
applicants of a page, stores ``Page.cursor`` (so a crash resumes after the last committed page),
then calls ``acknowledge(page, done)`` (e.g. flag the imported mails), and asks for the next page.
"""
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import ClassVar


@dataclass
class Item:
    """One application as the board shows it, in Senko's terms.

    ``fields`` uses Senko's names: ``name``, ``furigana``, ``email``, ``phone`` (str) and
    ``applied_at`` (a ``date``); any may be missing. ``external_id`` is the board's stable id of the
    application: (source, external_id) is how Senko fetches each application exactly once. An item
    the connector could not read (markup changed, résumé missing) carries ``error`` (a sentence for
    the run's report) and is not imported; the rest of the page still is.
    """

    external_id: str
    fields: dict = field(default_factory=dict)
    resume: bytes | None = None
    resume_filename: str | None = None
    error: str | None = None

    @property
    def applied_on(self) -> date | None:
        """The application date, if the board gave one."""
        value = self.fields.get("applied_at")
        return value.date() if isinstance(value, datetime) else value


@dataclass
class Page:
    """One page of a board: its items and the cursor that resumes *after* it (None: there is no next page)."""

    items: list[Item]
    cursor: str | None = None
    # Opaque data the connector needs in acknowledge() (e.g. IMAP message UIDs).
    receipt: object = None


class ConnectorError(Exception):
    """The board cannot be read at all (login refused, unreachable, not what the settings describe).

    ``reason`` is a short class word for the UI (``auth``, ``unreachable``, ``refused``, ``too_large``,
    ``timeout``, ``bad_response``, ``settings``), ``message`` a sentence for a person.
    """

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


class Connector:
    """Base of the connectors: settings in, pages out. Subclasses set the class attributes and ``pages``.

    ``settings`` holds the non-secret settings, ``secrets`` the secret ones (decrypted; never logged),
    ``fetcher`` is the SSRF-guarded HTTP client (``senko.sources.fetcher.Fetcher``), ``since`` the
    oldest application date the run wants (the look-back).
    """

    kind: ClassVar[str] = ""
    # Keys of the settings that are secrets: stored encrypted, never returned by the API.
    secret_keys: ClassVar[tuple[str, ...]] = ()
    # Keys that must be present (after defaults), secret or not.
    required_keys: ClassVar[tuple[str, ...]] = ()
    # True when ``Page.cursor`` of the last page is a position the board can continue from on the next
    # run (new items only); False when every run starts at the first page (newest first) and stops at
    # the first page whose items are all known.
    incremental: ClassVar[bool] = False

    def __init__(self, settings: dict, secrets: dict, fetcher, since: date):
        self.settings = settings
        self.secrets = secrets
        self.fetcher = fetcher
        self.since = since

    @classmethod
    def validate(cls, settings: dict, secrets: dict) -> list[str]:
        """Problems with these settings that can be found without the network (empty: fine)."""
        present = {**settings, **secrets}
        return [f"{key} is required for {cls.kind}" for key in cls.required_keys if present.get(key) in (None, "")]

    def pages(self, cursor: str | None) -> Iterator[Page]:
        """The board's pages from ``cursor`` (None: the first page). Raises ConnectorError when it cannot read."""
        raise NotImplementedError

    def acknowledge(self, page: Page, done: set[str]) -> None:
        """Called after the applicants of ``page`` are committed; ``done``: the external ids imported now or
        before. An item that failed is not in it, so a connector that can (IMAP) leaves it to be read again."""

    def close(self) -> None:
        """Release connections (the fetcher's, and whatever a subclass opened)."""
        self.fetcher.close()
