"""``html_console``: a recruiter console without an API, read like a person would (log in, list, open, download).

Settings:

- ``login_url``: the page with the login form. The form that holds the password input is filled in
  with ``username`` and ``password`` (secret) under the input names ``username_field`` (default
  ``username``) and ``password_field`` (default ``password``); every hidden input of that form is sent
  back as it came, the CSRF token (``csrf_field``, default ``csrf_token``) included. The session
  cookie is kept for the run.
- ``list_url``: the applicant list, newest first, paged by the query parameter ``page_param``
  (default ``page``) counted from ``first_page`` (default 1).
- ``selectors``: CSS selectors, each for the first matching element of a page; append ``@name`` to
  read an attribute instead of the text (``tr.applicant@data-id``):

  - ``row_link`` (required): on the list page, every applicant's link to the detail page (its ``href``);
  - on the detail page: ``external_id`` (required, the console's applicant number), ``name``
    (required), ``furigana``, ``email``, ``phone``, ``applied_at`` (``2026/11/29``, ISO,
    ``2026年11月29日``) and ``resume_link`` (the ``href`` of the résumé download).

  A selector that matches nothing makes that application an error (the markup has probably changed);
  a matching but empty element is an empty field; a missing ``resume_link`` means no résumé.
- ``delay_seconds``: pause between requests (politeness; applied by the fetcher).

Not incremental: each run starts at the first page; ``Page.cursor`` is the next page number, None
after a page without rows or whose applications are all older than the look-back.
"""
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, SelectolaxError

from ..base import Connector, ConnectorError, Item, Page
from .common import Unreadable, check_delay, check_status, check_url, download_resume, parse_date, plain_text

REQUIRED_SELECTORS = ("row_link", "external_id", "name")
SELECTORS = (*REQUIRED_SELECTORS, "furigana", "email", "phone", "applied_at", "resume_link")
WRONG_LOGIN = "login refused: wrong username or password"


def _split(selector: str, default_attribute: str | None = None) -> tuple[str, str | None]:
    """``"a.resume@href"`` → (``"a.resume"``, ``"href"``)."""
    css, at, attribute = selector.rpartition("@")
    return (css, attribute) if at and css and "]" not in attribute else (selector, default_attribute)


def _value(node, attribute: str | None) -> str:
    return (node.attributes.get(attribute) or "") if attribute else (node.text(separator=" ") or "")


def _path(url: str) -> str:
    return urlsplit(url).path or "/"


class HtmlConsoleConnector(Connector):
    """Logs in to a recruiter console and reads its applicants page by page; see the module for the settings."""

    kind = "html_console"
    secret_keys = ("password",)
    required_keys = ("login_url", "list_url", "username", "password", "selectors")
    incremental = False

    def __init__(self, settings, secrets, fetcher, since):
        super().__init__(settings, secrets, fetcher, since)
        self.selectors = dict(settings.get("selectors") or {})
        self.username_field = settings.get("username_field") or "username"
        self.password_field = settings.get("password_field") or "password"
        self.page_param = settings.get("page_param") or "page"
        self._logged_in = False

    @classmethod
    def validate(cls, settings: dict, secrets: dict) -> list[str]:
        """Missing keys or selectors, unknown selector names, CSS that does not parse, non-http URLs, a bad delay."""
        problems = super().validate(settings, secrets)
        for key in ("login_url", "list_url"):
            check_url(settings, key, problems, required=False)
        selectors = settings.get("selectors")
        if selectors not in (None, "") and not isinstance(selectors, dict):
            problems.append("selectors must map names (row_link, external_id, name, ...) to CSS selectors")
        elif selectors:
            problems += [f"selectors.{key} is required" for key in REQUIRED_SELECTORS if not selectors.get(key)]
            problems += [f"selectors has an unknown name {key!r} (known: {', '.join(SELECTORS)})" for key in selectors
                         if key not in SELECTORS]
            probe = LexborHTMLParser("<p></p>")
            for key, selector in selectors.items():
                try:
                    probe.css(_split(str(selector))[0])
                except (SelectolaxError, ValueError):
                    problems.append(f"selectors.{key} is not a valid CSS selector: {selector!r}")
        if not str(settings.get("first_page", 1)).isdigit():
            problems.append("first_page must be a whole number")
        check_delay(settings, problems)
        return problems

    def pages(self, cursor: str | None):
        """Log in, then the list pages from page ``cursor`` (or the first), each applicant's detail page read."""
        try:
            number = int(cursor) if cursor else int(self.settings.get("first_page", 1))
        except ValueError:
            raise ConnectorError("settings", f"{cursor!r} is not a page number") from None
        if not self._logged_in:
            self._login()
        previous = None
        while True:
            response = self._get(self.settings["list_url"], {self.page_param: str(number)})
            css, attribute = _split(self.selectors["row_link"], "href")
            links = list(dict.fromkeys(urljoin(response.url, href) for node in self._css(response.text, css, "row_link")
                                       if (href := _value(node, attribute).strip())))
            if not links or links == previous:  # past the end (some consoles repeat their last page)
                yield Page([], cursor=None)
                return
            previous = links
            items = [item for link in links if (item := self._detail(link)) is not None]
            if not items:  # every application older than the look-back: later pages are older still
                yield Page([], cursor=None)
                return
            yield Page(items, cursor=str(number + 1))
            number += 1

    def _login(self) -> None:
        """Fill in and post the login form; ConnectorError("auth") when the console does not let us in."""
        login_url = self.settings["login_url"]
        page = self.fetcher.get(login_url)
        check_status(page, f"the login page ({_path(login_url)})", "the login page refused us")
        tree = LexborHTMLParser(page.text)
        password = tree.css_first(f'input[name="{self.password_field}"]')
        if password is None:
            raise ConnectorError("settings", f"there is no input named {self.password_field!r} on {_path(page.url)}; "
                                             "check login_url and password_field")
        form = password.parent
        while form is not None and form.tag != "form":
            form = form.parent
        scope = form if form is not None else tree.body
        data = {node.attributes["name"]: node.attributes.get("value") or ""
                for node in scope.css('input[type="hidden"]') if node.attributes.get("name")}
        data[self.username_field] = str(self.settings.get("username") or "")
        data[self.password_field] = str(self.secrets.get("password") or "")
        action = urljoin(page.url, (form.attributes.get("action") if form is not None else None) or page.url)
        answer = self.fetcher.post(action, data=data)
        if answer.status in (401, 403) or (answer.status < 400 and self._is_login_page(answer.text)):
            raise ConnectorError("auth", WRONG_LOGIN)
        check_status(answer, f"the login ({_path(action)})", WRONG_LOGIN)
        self._logged_in = True

    def _is_login_page(self, html: str) -> bool:
        return LexborHTMLParser(html).css_first(f'input[name="{self.password_field}"][type="password"]') is not None

    def _get(self, url: str, params: dict | None = None, item: bool = False):
        """A page of the logged-in console; ConnectorError("auth") when it sends us back to its login form.

        With ``item``, a 4xx other than 401/403/408/429 is returned for the caller to turn into an item error.
        """
        response = self.fetcher.get(url, params=params)
        if response.status in (401, 403) or (response.status < 400 and self._is_login_page(response.text)):
            raise ConnectorError("auth", f"the console sent {_path(url)} back to its login form: the login did not hold "
                                         "(session cookie refused or expired)")
        if not (item and 400 <= response.status < 500 and response.status not in (408, 429)):
            check_status(response, f"the console ({_path(url)})", WRONG_LOGIN)
        return response

    def _css(self, html: str, css: str, key: str) -> list:
        try:
            return LexborHTMLParser(html).css(css)
        except (SelectolaxError, ValueError):
            raise ConnectorError("settings", f"selectors.{key} is not a valid CSS selector: {css!r}") from None

    def _detail(self, url: str) -> Item | None:
        """One applicant's detail page as an Item (None when older than ``since``)."""
        path = _path(url)
        response = self._get(url, item=True)
        if response.status >= 400:
            return Item("", error=f"the applicant page {path} answered {response.status}")
        tree = LexborHTMLParser(response.text)
        values, external_id = {}, ""
        try:
            for key in ("external_id", "name", "furigana", "email", "phone", "applied_at"):
                if not self.selectors.get(key):
                    continue
                css, attribute = _split(self.selectors[key])
                node = self._first(tree, css, key)
                if node is None:
                    raise Unreadable(f"selector for {key} matched nothing on {path} — the console's markup may have changed")
                values[key] = plain_text(_value(node, attribute))
                if key == "external_id":
                    external_id = values[key] or ""
                    if not external_id:
                        raise Unreadable(f"the external_id on {path} is empty")
            applied = parse_date(values.pop("applied_at", None))
            day = applied.date() if isinstance(applied, datetime) else applied
            if day and self.since and day < self.since:
                return None
            item = Item(external_id, {key: value for key, value in values.items() if key != "external_id" and value})
            if applied:
                item.fields["applied_at"] = applied
            if self.selectors.get("resume_link"):
                css, attribute = _split(self.selectors["resume_link"], "href")
                node = self._first(tree, css, "resume_link")
                href = _value(node, attribute).strip() if node is not None else ""
                if href:
                    item.resume, item.resume_filename = download_resume(self.fetcher, urljoin(response.url, href))
        except Unreadable as exc:
            return Item(external_id, error=str(exc))
        return item

    def _first(self, tree, css: str, key: str):
        try:
            return tree.css_first(css)
        except (SelectolaxError, ValueError):
            raise ConnectorError("settings", f"selectors.{key} is not a valid CSS selector: {css!r}") from None
