"""Realistic job-board notification mails (応募通知メール) with a résumé PDF attached.

Built the way Japanese mailers build them: ``iso-2022-jp`` bodies in 7bit with RFC 2047 headers and
an RFC 2047 attachment name, ``shift_jis`` (CP932) and ``utf-8`` bodies in base64, an RFC 2231
attachment name for UTF-8. Characters the charset lacks are replaced as senders do (髙→高, else 〓).
Deterministic for a given profile and serial, so tests can predict every field.
"""
import base64
from datetime import datetime, timedelta, timezone
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.policy import compat32
from email.utils import format_datetime

from senko.demo.resumes import Profile, resume_pdf

JST = timezone(timedelta(hours=9))
BOARD = "サンプル求人ナビ"
BOARD_DOMAIN = "sample-navi.example"
JOBS = ["営業事務（正社員）", "データアナリスト", "Webエンジニア（Python）", "経理スタッフ", "カスタマーサポート"]
CODECS = {"iso-2022-jp": "iso2022_jp", "shift_jis": "cp932", "utf-8": "utf-8"}
# The usual replacements for characters outside JIS X 0208 (CP932 has 髙 and 﨑, not 𠮷); JIS writes the
# full-width hyphen and tilde as its minus sign and wave dash.
SUBSTITUTES = {"髙": "高", "﨑": "崎", "𠮷": "吉", "－": "−", "～": "〜"}
WIDE = str.maketrans("0123456789-/", "０１２３４５６７８９－／")


def representable(text: str, charset: str) -> str:
    """``text`` with each character ``charset`` cannot carry replaced (known substitute, else 〓)."""
    codec = CODECS.get(charset, charset)
    out = []
    for char in text:
        try:
            char.encode(codec)
            out.append(char)
        except UnicodeEncodeError:
            out.append(SUBSTITUTES.get(char, "〓"))
    return "".join(out)


def phone_of(profile: Profile) -> str:
    """The applicant's (made-up) mobile number."""
    return f"090-{1000 + profile.index * 37 % 9000:04d}-{profile.index * 7919 % 10000:04d}"


def message_id_of(profile: Profile, serial: int | None = None) -> str:
    """The notification's Message-ID without angle brackets (what the IMAP connector uses as the id)."""
    return f"apply-{profile.index if serial is None else serial}.{profile.index}@mail.{BOARD_DOMAIN}"


def body_lines(profile: Profile, applied: datetime, with_name: bool = True, fullwidth: bool = False) -> list[tuple[str, str]]:
    """The applicant block of the mail as (label, value) rows."""
    phone, day = phone_of(profile), applied.strftime("%Y/%m/%d")
    if fullwidth:
        phone, day = phone.translate(WIDE), day.translate(WIDE)
    rows = [("応募ID", f"A-{applied:%Y}-{profile.index:05d}")]
    if with_name:
        rows += [("氏名", profile.name), ("ふりがな", profile.furigana)]
    return rows + [("メールアドレス", profile.email), ("電話番号", phone), ("応募日", day)]


def plain_body(job: str, rows: list[tuple[str, str]], resume: bool) -> str:
    """The text/plain body: greeting, the job, the applicant, the footer."""
    return "\n".join([
        "採用ご担当者様", "", f"いつも「{BOARD}」をご利用いただきありがとうございます。",
        "下記の求人に応募がありました。管理画面より内容をご確認ください。", "",
        "■求人情報", f"職種：{job}", "", "■応募者情報", *(f"{label}：{value}" for label, value in rows), "",
        "履歴書を添付しております。" if resume else "履歴書の添付はありません。", "",
        "※本メールは送信専用です。ご返信いただいてもお答えできません。", "━" * 20, f"{BOARD} 運営事務局", "",
    ])


def html_body(job: str, rows: list[tuple[str, str]], resume: bool) -> str:
    """The text/html body (a table of the applicant), as HTML-only mailers send it."""
    cells = "".join(f"<tr><th align=\"left\">{label}</th><td>{value}</td></tr>" for label, value in rows)
    note = "履歴書を添付しております。" if resume else "履歴書の添付はありません。"
    return (f"<html><head><style>th{{color:#333}}</style></head><body><p>採用ご担当者様</p>"
            f"<p>下記の求人に応募がありました。<br>職種：{job}</p><table>{cells}</table><p>{note}</p>"
            f"<p>※本メールは送信専用です。</p></body></html>\n")


def text_part(text: str, subtype: str, charset: str) -> MIMENonMultipart:
    """A text part: 7bit for ISO-2022-JP (as Japanese mailers send it), base64 otherwise."""
    part = MIMENonMultipart("text", subtype, charset=charset)
    data = representable(text, charset).encode(CODECS.get(charset, charset))
    if charset == "iso-2022-jp":
        part.set_payload(data.decode("ascii"))
        part["Content-Transfer-Encoding"] = "7bit"
    else:
        part.set_payload(base64.encodebytes(data).decode("ascii"))
        part["Content-Transfer-Encoding"] = "base64"
    return part


def header(text: str, charset: str) -> str:
    """``text`` as an RFC 2047 header value (ASCII stays as it is); non-UTF-8 mails use ISO-2022-JP headers."""
    charset = "utf-8" if charset == "utf-8" else "iso-2022-jp"
    return text if text.isascii() else Header(representable(text, charset), charset).encode()


def notification_mail(profile: Profile, serial: int | None = None, charset: str = "utf-8", html: bool = False,
                      resume: bool = True, with_name: bool = True, fullwidth: bool = False,
                      applied: datetime | None = None, pdf: bytes | None = None) -> bytes:
    """One notification mail about ``profile``'s application, as raw bytes (CRLF) ready for IMAP APPEND.

    ``serial`` makes the Message-ID unique when one person applies twice; ``charset`` is ``utf-8``,
    ``iso-2022-jp`` or ``shift_jis``; ``html`` sends an HTML-only body; ``resume`` attaches
    ``pdf`` (default ``resume_pdf(profile)``, whose trailer /ID differs each time); ``with_name=False``
    leaves out 氏名 (a mail the connector cannot read); ``fullwidth`` writes the phone number and date in
    full-width digits; ``applied`` is the application time (default: derived from the profile's index).
    """
    applied = applied or datetime(2026, 11, 1, 9, 30, tzinfo=JST) + timedelta(hours=profile.index * 5)
    job = JOBS[profile.index % len(JOBS)]
    rows = body_lines(profile, applied, with_name, fullwidth)
    body = text_part(html_body(job, rows, resume), "html", charset) if html else \
        text_part(plain_body(job, rows, resume), "plain", charset)
    if resume:
        message = MIMEMultipart("mixed")
        message.attach(body)
        attachment = MIMEApplication(pdf or resume_pdf(profile), "pdf")
        filename = f"履歴書_{profile.name.replace(' ', '')}.pdf"
        if charset == "utf-8":
            attachment.add_header("Content-Disposition", "attachment", filename=("utf-8", "", filename))
        else:
            attachment.add_header("Content-Disposition", "attachment", filename=header(filename, charset))
        message.attach(attachment)
    else:
        message = body
    message["From"] = f"{header(BOARD, charset)} <noreply@{BOARD_DOMAIN}>"
    message["To"] = "recruit@example.co.jp"
    message["Subject"] = header(f"【{BOARD}】応募がありました（{profile.name} 様）" if with_name else
                                f"【{BOARD}】応募がありました", charset)
    message["Date"] = format_datetime(applied)
    message["Message-ID"] = f"<{message_id_of(profile, serial)}>"
    return message.as_bytes(policy=compat32.clone(linesep="\r\n"))
