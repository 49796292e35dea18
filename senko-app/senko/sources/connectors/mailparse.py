"""Reading an application out of a notification mail (応募通知メール): body text, fields, résumé.

Japanese mailers still send ISO-2022-JP and Shift_JIS (often really CP932), so bodies are decoded
with the declared charset first and sensible fallbacks after; HTML-only mails are stripped of tags.
Fields are found by one-group regexes over the body, and their values NFKC-normalised.
"""
import base64
import email
import hashlib
import html
import re
import unicodedata
from datetime import date
from email import policy
from email.header import decode_header, make_header
from email.message import Message

from ..base import Item

# Defaults suited to a typical Japanese notification mail; each is a Python regex with one group.
# "external_id" is empty by default: the mail's Message-ID is the id.
DEFAULT_PATTERNS = {
    "name": r"(?:氏名|お名前)\s*[:：\t][^\S\n]*(.+)",
    "furigana": r"(?:ふりがな|フリガナ|よみがな)[)）]?\s*[:：\t][^\S\n]*(.+)",
    "email": r"(?:メール(?:アドレス)?|(?i:e-?mail))\s*[:：\t][^\S\n]*(\S+@\S+)",
    "phone": r"(?:電話(?:番号)?|TEL)\s*[:：\t][^\S\n]*([0-9０-９\-‐－ー−]+)",
    "applied_at": r"応募日(?:時)?\s*[:：\t][^\S\n]*(\d{4}\s*[/\-年]\s*\d{1,2}\s*[/\-月]\s*\d{1,2})",
    "external_id": "",
}
# What Japanese mailers declare → the codec that reads what they really send.
CHARSET_ALIASES = {"shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932",
                   "windows-31j": "cp932", "ms932": "cp932", "iso-2022-jp": "iso2022_jp", "euc-jp": "euc_jp"}
FALLBACKS = ("iso2022_jp_2", "iso2022_jp_ext", "utf-8", "cp932", "euc_jis_2004")
PDF_MAGIC = b"%PDF-"
MAX_ID = 200
DASHES = re.compile(r"[‐‑‒–—―−ーｰ]")


def compile_patterns(patterns: dict) -> dict:
    """The non-empty patterns compiled (MULTILINE); ValueError naming the first bad one."""
    compiled = {}
    for key, pattern in patterns.items():
        if key not in DEFAULT_PATTERNS:
            raise ValueError(f"patterns.{key} is not a field (one of {', '.join(DEFAULT_PATTERNS)})")
        if not pattern:
            continue
        try:
            compiled[key] = re.compile(str(pattern), re.MULTILINE)
        except re.error as exc:
            raise ValueError(f"patterns.{key} is not a valid regex ({exc})") from exc
        if compiled[key].groups < 1:
            raise ValueError(f"patterns.{key} needs one group (…) around the value")
    if "name" not in compiled:
        raise ValueError("patterns.name is required (an application needs a name)")
    return compiled


def read_mail(raw: bytes, patterns: dict) -> Item:
    """The application in one raw mail; an Item with ``error`` when it cannot be read or has no name."""
    fallback_id = "sha256:" + hashlib.sha256(raw).hexdigest()
    try:
        message = email.message_from_bytes(raw, policy=policy.default)
        text = body_text(message)
        fields = read_fields(text, patterns)
        item = Item(external_id=external_id(message, text, patterns.get("external_id"), fallback_id), fields=fields)
        if "applied_at" not in fields and (sent := sent_on(message)):
            fields["applied_at"] = sent
        if "name" not in fields:
            item.error = f"no applicant name found in the mail (pattern {shorten(patterns['name'].pattern)})"
            return item
        item.resume, item.resume_filename = first_pdf(message)
        return item
    except Exception as exc:  # a broken mail must not stop the page: report it as this item's error
        return Item(external_id=fallback_id, error=f"the mail could not be read ({type(exc).__name__}: {exc})")


def decode(payload: bytes, charset: str | None) -> str:
    """Text of a body part: the declared charset (Japanese aliases mapped) first, then fallbacks."""
    declared = (charset or "us-ascii").strip().lower()
    for codec in (CHARSET_ALIASES.get(declared, declared), *FALLBACKS):
        try:
            return payload.decode(codec)
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("utf-8", errors="replace")


def body_text(message: Message) -> str:
    """The mail's text: text/plain preferred, else text/html stripped of tags ("" when there is none)."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = decode(part.get_payload(decode=True) or b"", part.get_content_charset())
    return strip_html(text) if part.get_content_subtype() == "html" else text


def strip_html(markup: str) -> str:
    """Plain text of an HTML body: blocks and rows become lines, cells are separated by tabs."""
    markup = re.sub(r"(?is)<(script|style|head)\b.*?</\1\s*>", "", markup)
    markup = re.sub(r"(?i)<br\s*/?>|</(p|div|tr|li|h\d|table)\s*>", "\n", markup)
    markup = re.sub(r"(?i)</t[dh]\s*>", "\t", markup)
    text = html.unescape(re.sub(r"<[^>]*>", "", markup))
    return "\n".join(line.strip() for line in text.splitlines())


def clean(value: str) -> str:
    """A found value NFKC-normalised, with runs of blanks made one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", value)).strip()


def read_fields(text: str, patterns: dict) -> dict:
    """Senko's fields found in ``text`` (``applied_at`` a date); fields without a usable match are left out."""
    fields = {}
    for key, pattern in patterns.items():
        if key == "external_id" or not (match := pattern.search(text)) or match.group(1) is None:
            continue
        value = clean(match.group(1))
        if key == "name":
            value = re.sub(r"\s*(様|さん|殿)$", "", value)
        elif key == "email":
            value = re.sub(r"^mailto:", "", value.strip("<>()[]。、,;'\""), flags=re.IGNORECASE)
        elif key == "phone":
            value = DASHES.sub("-", value).replace(" ", "")
        elif key == "applied_at":
            value = to_date(value)
        if value:
            fields[key] = value
    return fields


def to_date(value: str) -> date | None:
    """``2025/04/01``, ``2025-4-1`` or ``2025年4月1日`` as a date (None when it is not a day)."""
    numbers = [int(n) for n in re.findall(r"\d+", value)[:3]]
    try:
        return date(*numbers) if len(numbers) == 3 else None
    except ValueError:
        return None


def sent_on(message: Message) -> date | None:
    """The day of the mail's Date header (the notification is sent when the person applies)."""
    try:
        sent = message["Date"].datetime if message["Date"] is not None else None
    except (AttributeError, TypeError, ValueError):
        return None
    return sent.date() if sent else None


def external_id(message: Message, text: str, pattern, fallback: str) -> str:
    """The board's id by ``pattern`` if it matches, else the Message-ID (without <>), else ``fallback``."""
    if pattern is not None and (match := pattern.search(text)) and (value := clean(match.group(1) or "")):
        return value[:MAX_ID]
    message_id = str(message.get("Message-ID", "") or "").strip().strip("<>").strip()
    return message_id if message_id and len(message_id) <= MAX_ID else fallback


def first_pdf(message: Message) -> tuple[bytes | None, str | None]:
    """The first attached (or inline) PDF and its file name; (None, None) when the mail has none."""
    for part in message.walk():
        if part.is_multipart():
            continue
        filename = attachment_name(part)
        if part.get_content_maintype() != "application" and not filename.lower().endswith(".pdf"):
            continue
        data = part.get_payload(decode=True) or b""
        if data.lstrip(b"\x00\t\n\r\f ")[:5] == PDF_MAGIC:
            return data, filename or "resume.pdf"
    return None, None


def attachment_name(part: Message) -> str:
    """A part's file name, decoded even when the mailer used RFC 2047 inside the parameter (common in Japan)."""
    try:
        name = part.get_filename() or ""
    except (TypeError, ValueError, LookupError):
        return ""
    if "=?" in name:
        try:
            name = str(make_header(decode_header(name)))
        except (UnicodeError, LookupError, ValueError):
            pass
    return clean(name).replace("/", "_").replace("\\", "_")


def shorten(text: str, limit: int = 24) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def mailbox_name(name: str, delimiter: str = "/") -> str:
    """A folder name (levels written with ``/``) as an IMAP argument: the server's delimiter, modified UTF-7, quoted."""
    if delimiter and delimiter != "/":
        name = name.replace("/", delimiter)
    out, pending = [], []

    def flush():
        if pending:
            encoded = base64.b64encode("".join(pending).encode("utf-16-be")).decode().rstrip("=").replace("/", ",")
            out.append(f"&{encoded}-")
            pending.clear()

    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    return '"' + "".join(out).replace("\\", "\\\\").replace('"', '\\"') + '"'
