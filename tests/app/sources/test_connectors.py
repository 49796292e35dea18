"""The web connectors against the demo job board: the JSON API (cursor and page numbers) and the HTML console."""
from datetime import date, datetime, timedelta

import pytest

from senko.sources.base import ConnectorError
from senko.sources.connectors.common import parse_date
from senko.sources.connectors.html_console import HtmlConsoleConnector
from senko.sources.connectors.json_api import JsonApiConnector
from senko.sources.fetcher import AllowList, Fetcher

LONG_AGO = date.today() - timedelta(days=365)
FIELDS = {"external_id": "id", "name": "applicant.name", "furigana": "applicant.kana", "email": "contact.email",
          "phone": "contact.phone", "applied_at": "applied_at", "resume_url": "resume_url"}
SELECTORS = {"row_link": "a.applicant-link", "external_id": "dd.external-id", "name": "dd.name", "furigana": "dd.furigana",
             "email": "dd.email", "phone": "dd.phone", "applied_at": "dd.applied-at", "resume_link": "a.resume-link"}


def json_connector(board, since=LONG_AGO, api_key="demo-key", **settings) -> JsonApiConnector:
    """A cursor-paged JSON connector on the loopback board (settings override the defaults)."""
    base = {"url": f"{board.url}/api/applications", "items_path": "applications", "cursor_param": "cursor",
            "next_cursor_path": "next_cursor", "fields": FIELDS}
    merged = {key: value for key, value in {**base, **settings}.items() if value is not None}
    return JsonApiConnector(merged, {"api_key": api_key}, Fetcher(AllowList.parse([f"127.0.0.1:{board.port}"])), since)


def console_connector(board, password="demo-password", since=LONG_AGO, **selectors) -> HtmlConsoleConnector:
    """An HTML console connector on the loopback board (selectors override the defaults)."""
    settings = {"login_url": f"{board.url}/console/login", "list_url": f"{board.url}/console/applicants",
                "username": "recruiter", "selectors": {**SELECTORS, **selectors}}
    fetcher = Fetcher(AllowList.parse([f"127.0.0.1:{board.port}"]))
    return HtmlConsoleConnector(settings, {"password": password}, fetcher, since)


def read_all(connector, cursor=None) -> list:
    try:
        return list(connector.pages(cursor))
    finally:
        connector.close()


def failure(connector) -> ConnectorError:
    with pytest.raises(ConnectorError) as caught:
        read_all(connector)
    return caught.value


def test_dates_in_the_usual_spellings():
    """ISO dates and datetimes, 2026/11/29 (with time), 2026年11月29日 and epoch seconds are dates; prose is not."""
    assert parse_date("2026-11-29") == date(2026, 11, 29) and parse_date("2026/11/29") == date(2026, 11, 29)
    assert parse_date("2026年11月29日") == date(2026, 11, 29) and parse_date("2026/11/29 10:05") == datetime(2026, 11, 29, 10, 5)
    assert parse_date("2026-11-29T10:05:00+09:00").utcoffset() == timedelta(hours=9)
    assert parse_date("2026-11-29T01:05:00Z").hour == 1 and parse_date(None) is None
    with pytest.raises(Exception, match="not a date"):
        parse_date("昨日")


def test_json_cursor_board_is_read_to_the_end_and_continues_from_the_last_cursor(job_board):
    """Cursor paging: all 25 applications with fields and PDFs; the next run from the last cursor brings nothing new."""
    board = job_board.app.board
    pages = read_all(json_connector(job_board))
    assert [len(page.items) for page in pages] == [10, 10, 5]
    assert [page.cursor for page in pages] == ["pos-10", "pos-20", "pos-20"]  # null at the end: keep the last cursor
    items = [item for page in pages for item in page.items]
    assert [item.external_id for item in items] == [a["external_id"] for a in board.applications]
    first, source = items[0], board.applications[0]
    assert first.fields["name"] == source["name"] and first.fields["furigana"] == source["furigana"]
    assert first.fields["email"] == source["email"] and first.fields["phone"] == source["phone"]
    assert first.fields["applied_at"] == source["applied_at"] and first.applied_on == source["applied_at"].date()
    for item, application in zip(items, board.applications, strict=True):
        assert item.error is None
        assert (item.resume is not None) == application["resume"]
        if item.resume:
            assert item.resume.startswith(b"%PDF-") and item.resume_filename == f"{item.external_id}.pdf"
    seen = {item.external_id for item in items}
    again = read_all(json_connector(job_board), pages[-1].cursor)
    assert {item.external_id for page in again for item in page.items} <= seen
    new = board.add(3)
    later = read_all(json_connector(job_board), pages[-1].cursor)
    assert {item.external_id for page in later for item in page.items} - seen == {a["external_id"] for a in new}


def test_json_cursor_board_that_keeps_a_cursor_at_the_end(job_board):
    """A board that answers an empty list with a cursor: the run ends there and the next starts after the last item."""
    job_board.app.board.cursor_end = "keep"
    pages = read_all(json_connector(job_board))
    assert [len(page.items) for page in pages] == [10, 10, 5, 0] and pages[-1].cursor == "pos-25"
    assert [page.items for page in read_all(json_connector(job_board), "pos-25")] == [[]]


def test_json_page_numbered_board_newest_first(job_board):
    """Page numbers: newest first, cursor = the next page, None after the empty page; not incremental."""
    connector = json_connector(job_board, cursor_param=None, page_param="page")
    assert connector.incremental is False
    pages = read_all(connector)
    assert [page.cursor for page in pages] == ["2", "3", "4", None] and pages[-1].items == []
    ids = [item.external_id for page in pages for item in page.items]
    assert ids == [a["external_id"] for a in reversed(job_board.app.board.applications)]
    assert [item.external_id for page in read_all(json_connector(job_board, cursor_param=None, page_param="page"), "3")
            for item in page.items] == ids[20:]


def test_json_page_numbered_board_stops_at_the_look_back(job_board):
    """Items older than `since` are left out, and a page entirely older ends the paging."""
    board, now = job_board.app.board, datetime.now().astimezone()
    for age, application in zip(range(24, -1, -1), board.applications, strict=True):
        application["applied_at"] = now - timedelta(days=age)
    pages = read_all(json_connector(job_board, since=(now - timedelta(days=12)).date(), cursor_param=None, page_param="page"))
    assert [len(page.items) for page in pages] == [10, 3, 0] and pages[-1].cursor is None
    assert board.requests.count("GET /api/applications") == 3  # page 4 was never asked for


def test_json_wrong_api_key_is_an_auth_failure(job_board):
    """401 from the board: the run fails with reason auth and a plain sentence."""
    error = failure(json_connector(job_board, api_key="wrong"))
    assert (error.reason, error.message) == ("auth", "the board refused the API key (401)")


def test_json_answer_without_the_items_path_is_a_bad_response(job_board):
    """items_path that is not in the answer: bad_response naming the path."""
    error = failure(json_connector(job_board, items_path="data.items"))
    assert error.reason == "bad_response" and "data.items" in error.message


def test_json_board_down_is_unreachable(job_board):
    """A board answering 500 is unreachable."""
    job_board.app.board.fail_status = 500
    assert failure(json_connector(job_board)).reason == "unreachable"


def test_json_bad_items_are_errors_and_the_rest_is_read(job_board):
    """No id, not an object, a bad date, a non-PDF résumé, a résumé link to a private address: item errors only."""
    apps = job_board.app.board.applications
    apps[1]["external_id"] = None
    apps[2]["raw"] = "not an application"
    apps[3]["raw"] = {"id": "X-3", "applied_at": "昨日"}
    apps[4]["resume"] = "broken"
    apps[5]["resume"], apps[5]["resume_url"] = True, "/private-redirect"
    items = [item for page in read_all(json_connector(job_board)) for item in page.items]
    errors = {index: item.error for index, item in enumerate(items) if item.error}
    assert sorted(errors) == [1, 2, 3, 4, 5]
    assert "no 'id'" in errors[1] and "not a JSON object" in errors[2] and "not a date" in errors[3]
    assert "not a PDF" in errors[4] and "169.254.169.254" in errors[5]
    assert items[4].external_id == apps[4]["external_id"] and items[1].external_id == ""
    assert len(items) == 25 and all(item.error is None for item in items[6:])


def test_json_settings_are_validated():
    """Missing keys, two paging modes, unknown field names and a bad delay are reported without the network."""
    assert JsonApiConnector.validate({"url": "https://b.example/api", "items_path": "a", "cursor_param": "c"}, {"api_key": "k"}) == []
    problems = JsonApiConnector.validate({"url": "ftp://x", "cursor_param": "c", "page_param": "p", "fields": {"nam": "x"},
                                          "delay_seconds": "soon"}, {})
    text = " | ".join(problems)
    for expected in ("api_key is required", "items_path is required", "url must be an http", "not both", "'nam'", "delay_seconds"):
        assert expected in text


def test_console_login_pages_details_and_resumes(job_board):
    """Login with the CSRF token and session cookie, 3 pages newest first, every detail page and résumé."""
    board = job_board.app.board
    pages = read_all(console_connector(job_board))
    assert [page.cursor for page in pages] == ["2", "3", "4", None] and [len(p.items) for p in pages] == [10, 10, 5, 0]
    items = [item for page in pages for item in page.items]
    expected = list(reversed(board.applications))
    assert [item.external_id for item in items] == [a["external_id"] for a in expected]
    for item, application in zip(items, expected, strict=True):
        assert item.error is None and item.fields["name"] == application["name"]
        assert item.fields["email"] == application["email"] and item.fields["phone"] == application["phone"]
        assert item.applied_on == application["applied_at"].date()
        assert (item.resume or b"").startswith(b"%PDF-") == application["resume"]
    assert "POST /console/login" in board.requests


def test_console_wrong_password_is_an_auth_failure(job_board):
    """The login form coming back means a wrong username or password."""
    error = failure(console_connector(job_board, password="nope"))
    assert (error.reason, error.message) == ("auth", "login refused: wrong username or password")


def test_console_changed_markup_makes_item_errors(job_board):
    """The name's CSS class renamed: each application is an error naming the selector and the page."""
    job_board.app.board.name_class = "applicant-name"
    items = [item for page in read_all(console_connector(job_board)) for item in page.items]
    assert len(items) == 25 and all(item.error for item in items)
    newest = job_board.app.board.applications[-1]
    assert items[0].external_id == newest["external_id"]
    assert items[0].error == (f"selector for name matched nothing on /console/applicants/{newest['index']} "
                              "— the console's markup may have changed")


def test_console_a_missing_optional_element_is_an_error_but_no_resume_is_fine(job_board):
    """A selector that matches nothing spoils the item; an applicant without a résumé link is simply without one."""
    items = [item for page in read_all(console_connector(job_board, phone="dd.telephone")) for item in page.items]
    assert all("selector for phone matched nothing" in item.error for item in items)
    items = [item for page in read_all(console_connector(job_board)) for item in page.items]
    assert any(item.resume is None and item.error is None for item in items)


def test_console_settings_are_validated():
    """Missing selectors, unknown selector names and CSS that does not parse are reported."""
    good = {"login_url": "https://c.example/login", "list_url": "https://c.example/list", "username": "u", "selectors": SELECTORS}
    assert HtmlConsoleConnector.validate(good, {"password": "p"}) == []
    problems = HtmlConsoleConnector.validate({**good, "selectors": {"name": "dd[", "colour": "x"}}, {})
    text = " | ".join(problems)
    for expected in ("password is required", "selectors.row_link is required", "selectors.external_id is required",
                     "'colour'", "selectors.name is not a valid CSS selector"):
        assert expected in text
