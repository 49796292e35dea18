"""The notification-mailbox connector (応募通知メール) against a real dovecot: pages, seen flags, moves, crashes, SSRF."""
import socket
from datetime import date, datetime, timedelta

import pytest

from senko.demo.mails import message_id_of, notification_mail, phone_of, representable
from senko.demo.resumes import make_profile, resume_pdf
from senko.sources.base import ConnectorError
from senko.sources.connectors.imap import ImapConnector
from senko.sources.connectors.mailparse import mailbox_name
from senko.sources.fetcher import Fetcher
from senko_stack import free_port

CHARSETS = ("utf-8", "iso-2022-jp", "shift_jis")


@pytest.fixture(scope="module")
def mails():
    """25 notification mails (charsets mixed, every fifth HTML-only), with what each should read as."""
    made = []
    for index in range(25):
        profile, charset, pdf = make_profile(index), CHARSETS[index % 3], resume_pdf(make_profile(index))
        made.append({"raw": notification_mail(profile, charset=charset, html=index % 5 == 4, pdf=pdf), "profile": profile,
                     "charset": charset, "resume": pdf})
    return made


@pytest.fixture
def mailbox(imap_server):
    """The dovecot server with an empty mailbox for this test."""
    imap_server.clear()
    try:
        yield imap_server
    finally:
        imap_server.clear()


@pytest.fixture
def fetcher(imap_server):
    """A fetcher whose allow list admits the loopback dovecot (and nothing else private)."""
    with Fetcher(allow_list=[f"127.0.0.1:{imap_server.port}"]) as guarded:
        yield guarded


@pytest.fixture
def connector(mailbox, fetcher):
    """``connector(**settings) -> ImapConnector`` for the test mailbox; closed at the end of the test."""
    made = []

    def _make(password: str | None = None, **settings) -> ImapConnector:
        settings = {"host": "127.0.0.1", "port": mailbox.port, "username": mailbox.user, "verify_tls": False,
                    **settings}
        made.append(ImapConnector(settings, {"password": password or mailbox.password}, fetcher,
                                  date.today() - timedelta(days=30)))
        return made[-1]

    yield _make
    for each in made:
        each.close()


def done(page) -> set[str]:
    """The ids the runner reports done: every item it could read (what it imported, or knew)."""
    return {item.external_id for item in page.items if not item.error}


def run(connector: ImapConnector) -> list:
    """Every page, acknowledged after it is read (what the runner does after each commit)."""
    pages = []
    for page in connector.pages(None):
        pages.append(page)
        connector.acknowledge(page, done(page))
    connector.close()
    return pages


def count(server, criterion: str = "ALL", folder: str = '"INBOX"') -> int:
    client = server.connect()
    try:
        assert client.select(folder)[0] == "OK"
        return len(client.uid("SEARCH", criterion)[1][0].split())
    finally:
        client.logout()


def test_reads_unseen_mails_oldest_first_in_pages_of_the_batch_size(connector, mailbox, mails):
    """25 mails → pages of 20 and 5 with fields, résumés and Message-ID ids; reading marks nothing seen."""
    mailbox.append(*(mail["raw"] for mail in mails))
    pages = list(connector().pages(None))
    assert [len(page.items) for page in pages] == [20, 5]
    items = [item for page in pages for item in page.items]
    for item, mail in zip(items, mails, strict=True):
        profile = mail["profile"]
        assert item.error is None
        assert item.external_id == message_id_of(profile)
        assert item.fields == {"name": representable(profile.name, mail["charset"]), "furigana": profile.furigana,
                               "email": profile.email, "phone": phone_of(profile),
                               "applied_at": (datetime(2026, 11, 1, 9, 30) + timedelta(hours=profile.index * 5)).date()}
        assert item.resume == mail["resume"] and item.resume_filename.endswith(".pdf")
    receipts = [uid for page in pages for uids in page.receipt.values() for uid in uids]
    assert receipts == sorted(receipts) and len(receipts) == 25
    assert pages[-1].cursor.endswith(f":{receipts[-1]}")
    assert count(mailbox, "UNSEEN") == 25


def test_acknowledged_mails_are_seen_and_the_next_run_reads_nothing(connector, mailbox, mails):
    """acknowledge marks each page \\Seen; a second run yields no page and the mails stay in the folder."""
    mailbox.append(*(mail["raw"] for mail in mails))
    assert sum(len(page.items) for page in run(connector())) == 25
    assert count(mailbox, "UNSEEN") == 0 and count(mailbox) == 25
    assert run(connector()) == []


def test_move_to_moves_acknowledged_mails_to_a_japanese_folder(connector, mailbox, mails):
    """With move_to, acknowledged mails leave the folder for move_to (created if missing), seen."""
    mailbox.append(*(mail["raw"] for mail in mails[:3]))
    assert sum(len(page.items) for page in run(connector(move_to="処理済み/応募"))) == 3
    target = mailbox_name("処理済み/応募", ".")  # "/" in settings is the server's delimiter (maildir: ".")
    assert count(mailbox) == 0 and count(mailbox, folder=target) == 3 and count(mailbox, "UNSEEN", target) == 0
    assert run(connector(move_to="処理済み/応募")) == []


def test_move_without_the_move_extension_copies_and_expunges(connector, mailbox, mails):
    """A server without MOVE: COPY, flag \\Deleted, expunge gives the same result."""
    mailbox.append(*(mail["raw"] for mail in mails[:2]))
    reader = connector(move_to="Done")
    page = next(reader.pages(None))
    reader.capabilities.discard("MOVE")
    reader.acknowledge(page, done(page))
    assert count(mailbox) == 0 and count(mailbox, folder='"Done"') == 2


def test_a_page_not_acknowledged_is_read_again(connector, mailbox, mails):
    """A crash before the commit (no acknowledge) leaves the mails unseen: the next run reads them again."""
    mailbox.append(*(mail["raw"] for mail in mails))
    crashed = connector()
    first = next(crashed.pages(None))
    crashed.close()
    again = connector()
    pages = again.pages(None)
    retry = next(pages)
    assert [item.external_id for item in retry.items] == [item.external_id for item in first.items]
    again.acknowledge(retry, done(retry))
    again.close()  # crashes after the first page was committed
    rest = run(connector())
    assert [item.external_id for page in rest for item in page.items] == [message_id_of(m["profile"]) for m in mails[20:]]


def test_a_wrong_password_is_an_auth_error(connector, mails):
    """The mailbox refusing the login is ConnectorError("auth")."""
    with pytest.raises(ConnectorError) as caught:
        list(connector(password="not-the-password").pages(None))
    assert caught.value.reason == "auth" and "the mailbox refused the login" in caught.value.message


def test_a_mail_without_a_name_is_an_item_error_and_the_others_still_come(connector, mailbox, mails):
    """A mail the patterns cannot read is an Item with error; the rest of the page is read."""
    nameless = notification_mail(make_profile(40), with_name=False)
    mailbox.append(mails[0]["raw"], nameless, mails[1]["raw"])
    items = next(connector().pages(None)).items
    assert [item.error is None for item in items] == [True, False, True]
    assert items[1].error.startswith("no applicant name found in the mail (pattern ")
    assert items[1].external_id == message_id_of(make_profile(40))
    assert [items[0].fields["name"], items[2].fields["name"]] == [mails[0]["profile"].name,
                                                                  representable(mails[1]["profile"].name, "iso-2022-jp")]


@pytest.mark.parametrize(("charset", "html"), [("iso-2022-jp", False), ("iso-2022-jp", True), ("shift_jis", False)])
def test_japanese_charsets_decode_and_values_are_nfkc_normalised(connector, mailbox, charset, html):
    """ISO-2022-JP (7bit) and Shift_JIS mails decode; full-width digits become ASCII; the résumé is attached."""
    profile = make_profile(4)  # 髙橋: outside JIS X 0208, sent as 高橋
    pdf = resume_pdf(profile)
    mailbox.append(notification_mail(profile, charset=charset, html=html, fullwidth=True, pdf=pdf))
    [item] = next(connector().pages(None)).items
    assert item.error is None
    assert item.fields["name"] == representable(profile.name, charset)
    assert item.fields["phone"] == phone_of(profile) and item.fields["applied_at"] == date(2026, 11, 2)
    assert item.resume == pdf
    assert item.resume_filename == f"履歴書_{representable(profile.name, 'iso-2022-jp').replace(' ', '')}.pdf"


def test_a_mail_without_a_pdf_has_no_resume_and_no_error(connector, mailbox):
    """No attachment is not an error: the applicant comes without a résumé."""
    mailbox.append(notification_mail(make_profile(7), resume=False))
    [item] = next(connector().pages(None)).items
    assert item.error is None and item.resume is None and item.fields["name"] == make_profile(7).name


def test_custom_patterns_and_external_id(connector, mailbox):
    """Patterns are settings: a board's own id (応募ID) can be the external id."""
    mailbox.append(notification_mail(make_profile(3)))
    [item] = next(connector(patterns={"external_id": r"応募ID：(\S+)"}).pages(None)).items
    assert item.external_id == "A-2026-00003"


def test_a_missing_folder_is_a_settings_error(connector):
    """Selecting a folder that does not exist is ConnectorError("settings")."""
    with pytest.raises(ConnectorError) as caught:
        list(connector(folder="存在しない").pages(None))
    assert caught.value.reason == "settings"


def test_nothing_listening_is_unreachable():
    """A closed port (allowed by the allow list) is ConnectorError("unreachable")."""
    with Fetcher(allow_list=["127.0.0.0/8"]) as open_fetcher:
        closed = ImapConnector({"host": "127.0.0.1", "port": free_port(), "username": "x", "verify_tls": False},
                               {"password": "y"}, open_fetcher, None)
        with pytest.raises(ConnectorError) as caught:
            list(closed.pages(None))
    assert caught.value.reason == "unreachable"


@pytest.mark.parametrize("address", ["10.0.0.7", "192.168.1.20", "169.254.169.254", "127.0.0.1", "::ffff:10.0.0.7", "fd00::1"])
def test_a_host_resolving_to_a_private_address_is_refused_before_connecting(monkeypatch, address):
    """SSRF guard: a non-public address without an allow-list entry is refused, and no socket is opened."""
    connections = []
    monkeypatch.setattr(socket, "create_connection", lambda *args, **kwargs: connections.append(args))
    with Fetcher(resolver=lambda host, port: [address]) as fake_dns:
        reader = ImapConnector({"host": "mail.board.example", "username": "x"}, {"password": "y"}, fake_dns, None)
        with pytest.raises(ConnectorError) as caught:
            list(reader.pages(None))
    assert caught.value.reason == "refused" and address in caught.value.message
    assert connections == []


def test_validate_reports_bad_settings_without_the_network():
    """Missing keys, out-of-range numbers and patterns that are no one-group regex are reported."""
    problems = ImapConnector.validate({"batch_size": 0, "patterns": {"name": "氏名", "phone": "("}}, {})
    assert "host is required for imap" in problems and "password is required for imap" in problems
    assert any(p.startswith("batch_size") for p in problems) and any(p.startswith("patterns.") for p in problems)
    assert ImapConnector.validate({"host": "imap.example.jp", "username": "u"}, {"password": "p"}) == []


def test_a_self_signed_certificate_is_refused_while_verify_tls_is_on(connector):
    """verify_tls (the default) rejects the test server's self-signed certificate: ConnectorError("unreachable")."""
    with pytest.raises(ConnectorError) as caught:
        list(connector(verify_tls=True).pages(None))
    assert caught.value.reason == "unreachable" and "certificate" in caught.value.message


def test_a_server_that_never_answers_is_a_timeout():
    """A listener that accepts but never greets ends in ConnectorError("timeout") after the ``timeout`` setting."""
    with socket.socket() as silent, Fetcher(allow_list=["127.0.0.0/8"]) as open_fetcher:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        mute = ImapConnector({"host": "127.0.0.1", "port": silent.getsockname()[1], "username": "x", "timeout": 1},
                             {"password": "y"}, open_fetcher, None)
        with pytest.raises(ConnectorError) as caught:
            list(mute.pages(None))
    assert caught.value.reason == "timeout"


def test_a_mail_a_person_opened_is_still_imported_and_a_bad_one_is_read_again(connector, mailbox, mails):
    """Senko's own keyword is the position, not \\Seen: an opened mail still comes; a mail without a name stays unflagged."""
    mailbox.append(mails[0]["raw"], mails[1]["raw"])
    with mailbox.connect() as conn:
        conn.select('"INBOX"')
        conn.uid("STORE", conn.uid("SEARCH", "ALL")[1][0].split()[0], "+FLAGS", r"(\Seen)")  # a recruiter opened it
    first = run(connector())
    assert len([item for page in first for item in page.items]) == 2
    assert run(connector()) == []
    broken = notification_mail(mails[2]["profile"], serial=99, with_name=False)
    mailbox.append(broken)
    again = run(connector())
    assert [bool(item.error) for page in again for item in page.items] == [True]
    assert [bool(item.error) for page in run(connector()) for item in page.items] == [True]  # read again, not lost
