"""Read the applicant's name (氏名) and its reading (ふりがな) from a résumé's extracted text.

Bulk uploads only know file names, so the worker names those applicants from their résumés: the
list shows real names, the UI's pop-ups greet the right person, and the name is masked from the
nouns like any other. A value that does not look like a name (digits, symbols, a character the PDF
could not map) is ignored rather than guessed at.
"""
import re
import unicodedata
from dataclasses import dataclass

# Labels as they appear on 履歴書 templates, after NFKC (full-width colon → ':').
_NAME_LINE = re.compile(r"^\s*(?:氏\s*名|名\s*前|Name)\s*:?\s*(?P<value>\S.*?)\s*$", re.MULTILINE | re.IGNORECASE)
_READING_LINE = re.compile(r"^\s*(?:ふ\s*り\s*が\s*な|フ\s*リ\s*ガ\s*ナ)\s*:?\s*(?P<value>\S.*?)\s*$", re.MULTILINE)
# Labels that often share the name's line in table layouts: the name ends where they start.
_NEXT_LABEL = re.compile(r"\s*(?:ふりがな|フリガナ|生年月日|性別|年齢|\d)|\s+(?:印|様|男|女)(?:\s|$)")
_NAME_MARKS = set("々〆ヶー・'-.")
_KANA_MARKS = set("ー・")


@dataclass(frozen=True)
class NameFields:
    """What the résumé says the applicant is called; ``None`` where it says nothing usable."""

    name: str | None = None
    furigana: str | None = None


def _parts(value: str, max_parts: int = 3, max_length: int = 40) -> list[str] | None:
    parts = value.split()
    if not 1 <= len(parts) <= max_parts or len(" ".join(parts)) > max_length:
        return None
    return parts


def _is_name(value: str) -> bool:
    parts = _parts(value)
    return parts is not None and all(
        all(unicodedata.category(c).startswith("L") or c in _NAME_MARKS for c in part) for part in parts)


def _is_kana(value: str) -> bool:
    parts = _parts(value)
    return parts is not None and all(
        all("\u3041" <= c <= "\u309f" or "\u30a0" <= c <= "\u30ff" or c in _KANA_MARKS for c in part)
        for part in parts)


def _value(match: re.Match) -> str:
    value = match.group("value")
    label = _NEXT_LABEL.search(value)
    return value[:label.start()] if label else value


def read_name_fields(text: str) -> NameFields:
    """The first plausible 氏名 and ふりがな of ``text`` (NFKC-normalised extraction output)."""
    name = furigana = None
    for match in _NAME_LINE.finditer(text):
        value = _value(match)
        if _is_name(value):
            name = " ".join(value.split())
            break
    for match in _READING_LINE.finditer(text):
        value = _value(match)
        if _is_kana(value):
            furigana = " ".join(value.split())
            break
    return NameFields(name, furigana)
