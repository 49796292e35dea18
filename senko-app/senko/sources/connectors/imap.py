"""The notification mailbox (応募通知メール): applications read from unseen mails over IMAPS.

A run takes the mails of ``folder`` that do not carry Senko's own keyword ``$SenkoImported`` (oldest
first, ``batch_size`` mails a page) — whether a person has opened them or not — reads the applicant
from the body with the ``patterns`` regexes (``mailparse``) and the résumé from the first PDF
attachment. Mails are fetched with ``BODY.PEEK``: nothing is flagged before the runner has committed,
so a crash reads the same mails again and the runner's (source, external_id) check keeps each once.
``acknowledge`` gives the imported mails the keyword and ``\\Seen``, and moves them to ``move_to`` if
set; a mail that could not be read keeps neither and is read again next time. The keyword is the real
position; ``Page.cursor`` ("UIDVALIDITY:last UID") only records it.
"""
import imaplib
import re
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from ..base import Connector, ConnectorError, Item, Page
from .mailparse import DEFAULT_PATTERNS, compile_patterns, mailbox_name, read_mail

DEFAULTS = {"port": None, "folder": "INBOX", "tls": True, "verify_tls": True, "move_to": "", "batch_size": 20,
            "timeout": 30.0}
MAX_BATCH = 500
# A mail larger than this is reported, not read (the fetcher's max_bytes wins when it has one).
MAX_MAIL_BYTES = 25 * 1024 * 1024
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Senko's own keyword on a mail it imported: a person opening the mailbox (\Seen) changes nothing for Senko.
IMPORTED = "$SenkoImported"


class PinnedIMAP4(imaplib.IMAP4):
    """Plain IMAP to the address the SSRF guard checked (never a second DNS answer)."""

    def __init__(self, address: str, host: str, port: int, timeout: float):
        self.address = address
        super().__init__(host, port, timeout)

    def _create_socket(self, timeout):
        return socket.create_connection((self.address, self.port), timeout)


class PinnedIMAP4SSL(imaplib.IMAP4_SSL):
    """IMAPS to the checked address; the certificate is verified against the host name."""

    def __init__(self, address: str, host: str, port: int, context: ssl.SSLContext, timeout: float):
        self.address = address
        super().__init__(host, port, ssl_context=context, timeout=timeout)

    def _create_socket(self, timeout):
        sock = socket.create_connection((self.address, self.port), timeout)
        return self.ssl_context.wrap_socket(sock, server_hostname=self.host)


def text_of(value) -> str:
    """An imaplib error or response as a readable sentence (no ``b'...'``)."""
    if isinstance(value, list | tuple):
        value = b" ".join(v if isinstance(v, bytes) else str(v).encode() for v in value if v is not None)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return re.sub(r"""^b(['"])(.*)\1$""", r"\2", str(value))


def uid_set(uids) -> str:
    """UIDs as an IMAP sequence set."""
    return ",".join(str(uid) for uid in uids)


class ImapConnector(Connector):
    """Reads 応募通知メール from an IMAP mailbox; see the module docstring."""

    kind = "imap"
    secret_keys = ("password",)
    required_keys = ("host", "username", "password")
    incremental = True

    def __init__(self, settings: dict, secrets: dict, fetcher, since: date | None):
        super().__init__({**DEFAULTS, **{k: v for k, v in settings.items() if v is not None}}, secrets, fetcher, since)
        self.patterns = {**DEFAULT_PATTERNS, **(settings.get("patterns") or {})}
        self.conn: imaplib.IMAP4 | None = None
        self.capabilities: set[str] = set()
        self.uidvalidity = ""
        self.delimiter = "/"

    @classmethod
    def validate(cls, settings: dict, secrets: dict) -> list[str]:
        """Missing keys, bad numbers and patterns that are not one-group regexes."""
        problems = super().validate(settings, secrets)
        for key, low, high in (("port", 1, 65535), ("batch_size", 1, MAX_BATCH), ("timeout", 1, 600)):
            value = settings.get(key)
            if value is not None and not (isinstance(value, int | float) and not isinstance(value, bool)
                                          and low <= value <= high):
                problems.append(f"{key} must be a number from {low} to {high}")
        for key in ("tls", "verify_tls"):
            if key in settings and not isinstance(settings[key], bool):
                problems.append(f"{key} must be true or false")
        for key in ("folder", "move_to"):
            if settings.get(key) is not None and not isinstance(settings[key], str):
                problems.append(f"{key} must be a folder name (text)")
        patterns = settings.get("patterns") or {}
        if not isinstance(patterns, dict):
            return [*problems, "patterns must be an object: field name → regular expression"]
        try:
            compile_patterns({**DEFAULT_PATTERNS, **patterns})
        except (ValueError, TypeError) as exc:
            problems.append(str(exc))
        return problems

    # ---- reading ---------------------------------------------------------------------------------
    def pages(self, cursor: str | None) -> Iterator[Page]:
        """The unseen mails, oldest first, ``batch_size`` a page (``cursor`` is not needed: \\Seen is the position)."""
        try:
            patterns = compile_patterns(self.patterns)
        except ValueError as exc:
            raise ConnectorError("settings", str(exc)) from exc
        with self.errors():
            conn = self.connection()
            uids = self.search(conn)
        size = int(self.settings["batch_size"])
        for start in range(0, len(uids), size):
            batch = uids[start:start + size]
            with self.errors():
                pairs = self.read(self.connection(), batch, patterns)
            receipt: dict[str, list[int]] = {}
            for uid, item in pairs:
                receipt.setdefault(item.external_id, []).append(uid)
            yield Page(items=[item for _, item in pairs], cursor=f"{self.uidvalidity}:{batch[-1]}", receipt=receipt)

    def search(self, conn: imaplib.IMAP4) -> list[int]:
        """UIDs of the unseen mails (received since the look-back date, if any), oldest first."""
        criteria = ["UNKEYWORD", IMPORTED]
        if self.since:
            criteria += ["SINCE", f"{self.since.day}-{MONTHS[self.since.month - 1]}-{self.since.year}"]
        data = self.ok(conn.uid("SEARCH", *criteria), "the search for new mails")
        return sorted(int(uid) for uid in (data[0] or b"").split())

    def read(self, conn: imaplib.IMAP4, uids: list[int], patterns: dict) -> list[tuple[int, Item]]:
        """(uid, item) of the mails of ``uids``, without flagging them (a mail too large is an item with an error)."""
        limit = getattr(self.fetcher, "max_bytes", None) or MAX_MAIL_BYTES
        sizes = {uid: int(size) for uid, size in self.fetch(conn, uids, "(RFC822.SIZE)", rb"RFC822\.SIZE (\d+)")}
        small = [uid for uid in uids if sizes.get(uid, 0) <= limit]
        bodies = dict(self.fetch(conn, small, "(BODY.PEEK[])")) if small else {}
        items = []
        for uid in uids:
            if uid in bodies:
                items.append((uid, read_mail(bodies[uid], patterns)))
            elif uid in sizes:
                items.append((uid, Item(external_id=f"imap:{self.uidvalidity}:{uid}",
                                        error=f"the mail is {sizes[uid]} bytes, over the limit of {limit} bytes")))
        return items

    def fetch(self, conn: imaplib.IMAP4, uids: list[int], what: str, value: bytes | None = None):
        """(uid, literal or ``value`` group) pairs of a UID FETCH."""
        for entry in self.ok(conn.uid("FETCH", uid_set(uids), what), "fetching the mails"):
            head = entry[0] if isinstance(entry, tuple) else entry
            uid = re.search(rb"UID (\d+)", head or b"")
            if uid is None:
                continue
            if value is None and isinstance(entry, tuple):
                yield int(uid.group(1)), entry[1]
            elif value is not None and (match := re.search(value, head)):
                yield int(uid.group(1)), match.group(1)

    # ---- after the commit ------------------------------------------------------------------------
    def acknowledge(self, page: Page, done: set[str]) -> None:
        """Flag the page's imported (or known) mails ``$SenkoImported`` and ``\\Seen``; move them to ``move_to`` if set."""
        uids = sorted(uid for external_id, mail_uids in (page.receipt or {}).items() if external_id in done
                      for uid in mail_uids)
        if not uids:
            return
        uids = uid_set(uids)
        with self.errors():
            conn = self.connection()
            if page.cursor and page.cursor.split(":")[0] != self.uidvalidity:  # reconnected to a recreated folder
                raise ConnectorError("bad_response", "the folder was recreated meanwhile (its UIDVALIDITY changed)")
            self.ok(conn.uid("STORE", uids, "+FLAGS.SILENT", rf"({IMPORTED} \Seen)"), "flagging the mails imported")
            if self.settings["move_to"]:
                self.move(conn, uids, mailbox_name(self.settings["move_to"], self.delimiter))

    def move(self, conn: imaplib.IMAP4, uids: str, folder: str) -> None:
        """UID MOVE when the server has it, else COPY, flag \\Deleted and expunge."""
        if "MOVE" in self.capabilities:
            self.ok(conn.uid("MOVE", uids, folder), f"moving the mails to {self.settings['move_to']}")
            return
        self.ok(conn.uid("COPY", uids, folder), f"copying the mails to {self.settings['move_to']}")
        self.ok(conn.uid("STORE", uids, "+FLAGS.SILENT", r"(\Deleted)"), "deleting the moved mails")
        self.ok(conn.uid("EXPUNGE", uids) if "UIDPLUS" in self.capabilities else conn.expunge(), "expunging")

    def close(self) -> None:
        """Log out (quietly: the connection may already be gone) and close the fetcher."""
        conn, self.conn = self.conn, None
        if conn is not None:
            try:
                conn.logout()
            except (imaplib.IMAP4.error, OSError):
                pass
        super().close()

    # ---- the connection --------------------------------------------------------------------------
    def connection(self) -> imaplib.IMAP4:
        """The logged-in connection with ``folder`` selected (opened on first use)."""
        if self.conn is None:
            self.open()
        return self.conn

    def open(self) -> None:
        """Check the address, connect, log in, select the folder (ConnectorError on each failure)."""
        settings = self.settings
        host, tls = str(settings["host"]).strip(), bool(settings["tls"])
        port = int(settings["port"] or (993 if tls else 143))
        address = self.fetcher.checked_address(host, port)
        timeout = float(settings["timeout"])
        if tls:
            context = ssl.create_default_context()
            if not settings["verify_tls"]:
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            self.conn = conn = PinnedIMAP4SSL(address, host, port, context, timeout)
        else:
            self.conn = conn = PinnedIMAP4(address, host, port, timeout)
        user, password = str(settings["username"]), str(self.secrets.get("password", ""))
        try:
            if (user + password).isascii():
                conn.login(user, password)
            else:  # LOGIN is ASCII only; SASL PLAIN carries UTF-8
                conn.authenticate("PLAIN", lambda _: f"\0{user}\0{password}".encode())
        except imaplib.IMAP4.abort:
            raise
        except imaplib.IMAP4.error as exc:
            self.close()
            raise ConnectorError("auth", f"the mailbox refused the login ({text_of(exc)})") from exc
        self.capabilities = set(text_of(self.ok(conn.capability(), "CAPABILITY")).upper().split())
        # The server's hierarchy delimiter (settings write folder levels with "/"): (\Noselect) "." ""
        found = re.search(rb'\) "(.)"', self.ok(conn.list('""', '""'), "LIST")[0] or b"")
        self.delimiter = found.group(1).decode() if found else "/"
        folder = str(settings["folder"] or "INBOX")
        typ, data = conn.select(mailbox_name(folder, self.delimiter))
        if typ != "OK":
            self.close()
            raise ConnectorError("settings", f"the folder {folder} cannot be opened ({text_of(data)})")
        self.uidvalidity = text_of(conn.response("UIDVALIDITY")[1])
        if settings["move_to"]:
            conn.create(mailbox_name(settings["move_to"], self.delimiter))  # "already exists" is fine

    @staticmethod
    def ok(response: tuple, what: str) -> list:
        """The data of an OK response; ConnectorError ``bad_response`` on NO."""
        typ, data = response
        if typ != "OK":
            raise ConnectorError("bad_response", f"the mailbox refused {what} ({text_of(data)})")
        return data

    @contextmanager
    def errors(self):
        """Turn socket, TLS and IMAP failures into ConnectorError (and drop the broken connection)."""
        where = f"{self.settings.get('host')}:{self.settings.get('port') or (993 if self.settings['tls'] else 143)}"
        try:
            yield
        except ConnectorError:
            raise
        except TimeoutError as exc:
            self.close()
            raise ConnectorError("timeout", f"the mailbox {where} did not answer within {self.settings['timeout']} s") from exc
        except ssl.SSLCertVerificationError as exc:
            self.close()
            raise ConnectorError("unreachable", f"the certificate of {where} was not accepted ({exc.verify_message})") from exc
        except ssl.SSLError as exc:
            self.close()
            raise ConnectorError("unreachable", f"TLS with {where} failed ({exc.reason or exc})") from exc
        except imaplib.IMAP4.error as exc:
            self.close()
            raise ConnectorError("bad_response", f"the mailbox {where} answered unexpectedly ({text_of(exc)})") from exc
        except OSError as exc:
            self.close()
            raise ConnectorError("unreachable", f"cannot connect to the mailbox {where} ({exc.strerror or exc})") from exc
