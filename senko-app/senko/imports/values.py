"""Normalising one cell's value for one Senko field: text, names, ふりがな, dates, phones, e-mails, results.

Each ``parse_*`` returns ``(value, errors, warnings)`` with reason classes from ``senko.imports.reasons``;
nothing here guesses: a value that cannot be read is an error, not a default.
"""
import re
import unicodedata
from datetime import date, datetime, timedelta
from functools import lru_cache

PLACEHOLDERS = {"", "-", "ー", "―", "—", "–", "‐", "−", "_", "なし", "無し", "特になし", "ナシ", "n/a", "N/A", "NA", "不明",
                "未記入"}
# Excel's error values; a CSV saved from Excel holds them as text.
EXCEL_ERRORS = {"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA"}
DITTO = {"〃", "″", "同上", "\"", "''", "〃〃", "々"}
SUBTOTAL = re.compile(r"^(計|合計|小計|総計|累計|総数|計[:：]?\d*|(合計|小計|総計)\S*)$")
REMARK = re.compile(r"^(?P<main>.*?\S)\s*[（(](?P<remark>[^（）()]+)[）)]\s*$", re.S)
WEEKDAY = re.compile(r"\s*[（(][月火水木金土日](曜日?)?[）)]")
KANA = re.compile(r"^[\u3041-\u3096\u30a1-\u30fa\u30fc\u30fb\uff66-\uff9f\s・ー゛゜ﾞﾟ]+$")
EMAIL = re.compile(r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                   r"@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$")
# A contact label in front of the value. A Japanese label may run straight into it (携帯090…); an ASCII one
# needs a colon, a space or nothing after it (so tel.tanaka@x.jp and pc1@x.jp keep their local parts), except TEL/phone/mobile
# directly before digits (TEL090…, TEL.090…).
_JA_LABEL = r"電話番号|携帯電話|電話|携帯|メールアドレス|メール|連絡先"
_ASCII_LABEL = r"tel|phone|mobile|e-mail|email|mail|pc"
LABEL = re.compile(rf"^(?:(?:{_JA_LABEL})\s*[:：]?|(?:{_ASCII_LABEL})\s*[:：]|(?:{_ASCII_LABEL})(?:\s+|$)"
                   rf"|(?:tel|phone|mobile)\.?(?=[\d+(]))\s*", re.I)
OK_WORDS = {"〇", "○", "◯", "合", "合格", "通過", "OK", "書類通過", "書類合格"}
NG_WORDS = {"×", "✕", "✖", "否", "不合格", "NG", "見送り", "お見送り", "書類不合格", "不可"}
NONE_WORDS = {"保留", "△", "▲", "未定", "選考中"}
WITHDRAWN = {"辞退", "選考辞退", "本人辞退"}
ERAS = [  # name, letter, first day; an era's year 1 is its first day's year
    ("明治", "M", date(1868, 10, 23)), ("大正", "T", date(1912, 7, 30)), ("昭和", "S", date(1926, 12, 25)),
    ("平成", "H", date(1989, 1, 8)), ("令和", "R", date(2019, 5, 1)),
]
ERA_NAMES = {name: i for i, (name, _, _) in enumerate(ERAS)} | {letter: i for i, (_, letter, _) in enumerate(ERAS)}
ERA_DATE = re.compile(r"^(明治|大正|昭和|平成|令和|[MTSHR])\s*(\d{1,2}|元)\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?$")
ISO_DATE = re.compile(r"^(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?$")
SHORT_DATE = re.compile(r"^(\d{1,2}|元)\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?$")
SPACES = re.compile(r"\s+")
COMPAT_FREE = re.compile("[^\uf900-\ufaff\U0002f800-\U0002fa1f]+")
PHONE_CHARS = re.compile(r"^[0-9+()\-\s.]+$")
NON_DIGITS = re.compile(r"\D")
CLOCK = re.compile(r"\s+\d{1,2}:\d{2}(:\d{2})?$")
EIGHT_DIGITS = re.compile(r"\d{8}")
SERIAL_TEXT = re.compile(r"\d{5}(\.\d+)?")
DOMESTIC = re.compile(r"0\d{9,10}")
CONTACT_SPLIT = re.compile(r"\s*(?:[/、,;\n]|\s+(?=(?:tel|mail|e-mail|email|電話|携帯|メール)))\s*", re.I)
MIDNIGHT = datetime.min.time()


def nfkc(text: str) -> str:
    """NFKC (全角→半角 digits/letters, half-width kana → full-width), spaces collapsed to one, stripped."""
    if text.isascii() and text.isprintable() and "  " not in text:
        return text.strip()
    return _nfkc(text)


@lru_cache(maxsize=1 << 16)
def _nfkc(text: str) -> str:
    # Cached: a sheet repeats its names, sources and results thousands of times (measured: half the reading time).
    return SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def nfkc_keep_kanji(text: str) -> str:
    """NFKC except CJK compatibility ideographs (a name's 﨑 or 神 stays as written)."""
    out = COMPAT_FREE.sub(lambda run: unicodedata.normalize("NFKC", run[0]), text)
    return SPACES.sub(" ", out).strip()


def cell_text(value) -> str:
    """A cell's value as the sheet shows it, roughly (the "original" text of the report)."""
    if value.__class__ is str:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, date):
        return _date_text(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@lru_cache(maxsize=1 << 12, typed=True)
def _date_text(value: date) -> str:
    # Cached: strftime is slow and a sheet holds a few hundred distinct dates.
    if isinstance(value, datetime):
        return value.strftime("%Y/%m/%d") if value.time() == MIDNIGHT else value.strftime("%Y/%m/%d %H:%M")
    return value.strftime("%Y/%m/%d")


def is_placeholder(text: str) -> bool:
    """``-``, ``ー``, ``なし``, blank...: no value."""
    return nfkc(text) in PLACEHOLDERS


def split_remark(text: str) -> tuple[str, str | None]:
    """``不合格（経験不足）`` → (``不合格``, ``経験不足``); text without a final bracket → (text, None)."""
    match = REMARK.match(text.strip())
    if not match:
        return text.strip(), None
    return match["main"], match["remark"].strip()


def to_katakana(text: str) -> str:
    """ふりがな in one script: full-width katakana (hiragana and half-width katakana converted)."""
    text = nfkc(text)
    return "".join(chr(ord(ch) + 0x60) if "\u3041" <= ch <= "\u3096" else ch for ch in text)


def parse_name(text: str):
    """A name kept as written (kanji untouched), spaces normalised; a bracketed kana reading split off.

    Returns ``(name, reading, remark)``.
    """
    main, bracket = split_remark(text)
    name = nfkc_keep_kanji(main)
    if bracket is not None and KANA.match(bracket):
        return name, to_katakana(bracket), None
    return name, None, bracket


def serial_to_date(serial: float, date1904: bool) -> date | None:
    """An Excel date serial → date: 1904 system, or 1900 with its fictitious 1900-02-29 (serial 60)."""
    whole = int(serial)
    if date1904:
        return date(1904, 1, 1) + timedelta(days=whole)
    if whole == 60 or whole < 1:
        return None  # 1900-02-29 does not exist; 0 is "1900-01-00"
    return date(1899, 12, 31) + timedelta(days=whole) if whole < 60 else date(1899, 12, 30) + timedelta(days=whole)


def _era_date(era: int, year: str, month: int, day: int):
    name, _, start = ERAS[era]
    number = 1 if year == "元" else int(year)
    try:
        value = date(start.year + number - 1, month, day)
    except ValueError:
        return None, ["invalid_date"], []
    if value < start or number < 1:
        return None, ["invalid_date"], []
    if era + 1 < len(ERAS) and value >= ERAS[era + 1][2]:
        return value, [], ["era_boundary"]  # 平成31年5月1日 is 令和元年5月1日: the same day, flagged
    return value, [], []


def parse_date(value, *, date1904: bool = False, era_hint: str | None = None, limits=None):
    """applied_at from a date cell, an Excel serial, a western or 和暦 text date (R5.4.1, 令和元年5月1日, ...)."""
    errors, warnings, result = [], [], None
    if isinstance(value, datetime):
        result = value.date()
    elif isinstance(value, date):
        result = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        result = serial_to_date(value, date1904)
        if result is None:
            return None, ["invalid_date"], []
    else:
        text = WEEKDAY.sub("", nfkc(str(value))).upper()
        text = CLOCK.sub("", text).replace(" ", "")
        if match := ERA_DATE.match(text):
            result, errors, warnings = _era_date(ERA_NAMES[match[1]], match[2], int(match[3]), int(match[4]))
        elif match := ISO_DATE.match(text):
            try:
                result = date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                errors = ["invalid_date"]
        elif EIGHT_DIGITS.fullmatch(text):
            try:
                result = date(int(text[:4]), int(text[4:6]), int(text[6:]))
            except ValueError:
                errors = ["invalid_date"]
        elif SERIAL_TEXT.fullmatch(text):  # a serial stored as text
            result = serial_to_date(float(text), date1904)
            errors = [] if result else ["invalid_date"]
        elif (match := SHORT_DATE.match(text)) and era_hint and nfkc(era_hint).upper() in ERA_NAMES:
            result, errors, warnings = _era_date(ERA_NAMES[nfkc(era_hint).upper()], match[1], int(match[2]), int(match[3]))
        else:
            errors = ["invalid_date"]
    if result is not None and limits is not None and not (limits.min_year <= result.year <= limits.max_year):
        return None, ["date_out_of_range"], warnings
    return (None if errors else result), errors, warnings


def _phone_digits(token: str) -> str | None:
    text = nfkc(token).replace("ー", "-").replace("(0)", "")
    if not PHONE_CHARS.match(text):
        return None
    digits = NON_DIGITS.sub("", text)
    if text.lstrip().startswith("+"):
        if not digits.startswith("81"):
            return None
        digits = "0" + digits[2:]
    return digits


phone_digits = _phone_digits  # the digits of a phone-shaped token, or None (for the reader's fast path)


def parse_phone(value):
    """Domestic digits: ``+81`` → ``0``; 0 + 9–10 digits, 050/070/080/090 with 11; a lost leading 0 restored."""
    warnings = []
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        digits = str(int(value)) if float(value).is_integer() else None
    else:
        digits = _phone_digits(LABEL.sub("", nfkc(str(value))))
    if not digits:
        return None, ["invalid_phone"], []
    if not digits.startswith("0") and len(digits) in (9, 10):
        digits, warnings = "0" + digits, ["phone_leading_zero_restored"]
    mobile = digits[:3] in ("050", "070", "080", "090")
    if not DOMESTIC.fullmatch(digits) or (mobile and len(digits) != 11) or (not mobile and len(digits) != 10):
        return None, ["invalid_phone"], []
    return digits, [], warnings


def parse_email(value):
    """Lower-cased and validated (``mailto:`` and a ``Mail：`` label dropped)."""
    text = LABEL.sub("", nfkc(str(value))).removeprefix("mailto:").strip().lower()
    if not EMAIL.match(text) or len(text) > 254:
        return None, ["invalid_email"], []
    return text, [], []


def parse_decision(value):
    """書類選考 result → "OK", "NG" or None (保留, △, 辞退 — 辞退 warned, it is not NG)."""
    text = nfkc(str(value)).upper().replace(" ", "")
    if text in OK_WORDS:
        return "OK", [], []
    if text in NG_WORDS:
        return "NG", [], []
    if text in WITHDRAWN:
        return None, [], ["decision_withdrawn"]
    if text in NONE_WORDS or text in PLACEHOLDERS:
        return None, [], []
    found = {label for words, label in ((OK_WORDS, "OK"), (NG_WORDS, "NG")) for word in words if len(word) > 1 and word in text}
    if len(found) > 1 or any(mark in text for mark in "〇○◯") and any(mark in text for mark in "×✕✖"):
        return None, ["ambiguous_decision"], []
    return None, [], ["decision_unrecognised"]


def split_contact(text: str):
    """``TEL：090-… / Mail：a@b.jp`` → (emails, phones, leftovers), each token classified unambiguously."""
    emails, phones, rest = [], [], []
    text = unicodedata.normalize("NFKC", text)
    tokens = CONTACT_SPLIT.split(text)
    tokens = [part for token in tokens for part in (token.split() if "@" in token else [token])]
    for token in tokens:
        token = LABEL.sub("", token.strip()).strip()
        if not token:
            continue
        if "@" in token:
            emails.append(token)
        elif (digits := _phone_digits(token)) and 9 <= len(digits) <= 11:
            phones.append(token)
        else:
            rest.append(token)
    return emails, phones, rest
