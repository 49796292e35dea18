"""The 履歴書's structure in extracted text: labelled fields, their values, and the free text between.

pdfminer gives a form's cells as lines: ``性別 男性`` (label and value in one text box), ``性別`` then
``男性`` on the next line (separate cells, or a vertical layout's columns), several fields on one
line (``生年月日 1995年4月4日 (満31歳) 性別 男性``), and tables that run over several lines (家族).
``split_fields`` reads those shapes with the labels of ``lists/fields.txt``: a protected field's
whole value is dropped (not only its label), the values of other fields and the free text are kept,
and a 趣味 value comes back whole, to be dropped if it names a protected word.

Spaced headings are closed up (「履 歴 書」), lines a narrow box wrapped are joined again so sentences
are whole, and e-mail addresses and URLs are cut out of what is kept (their local parts are names).
"""
import re
from dataclasses import dataclass, field
from functools import lru_cache

from .masklists import mask_lists

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+\s?@\s?[A-Za-z0-9\-]+(?:\s?\.\s?[A-Za-z0-9\-]+)+")
URL = re.compile(r"(?:https?://|www\.)[^\s\u3000-\u30ff\u3400-\u9fff]+", re.IGNORECASE)
_CJK = "\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f々〆ヶ"
_SPACED_LINE = re.compile(rf"^\s*[{_CJK}A-Za-z](?:[ \u3000]+[{_CJK}A-Za-z]){{1,}}\s*$")
_OPEN = r"[■□●○◆◇◎・\-\*【\[\(<〈《「]*"
_CLOSE = r"[】\]\)>〉》」]?"
_SENTENCE_END = re.compile(r"(?<=[。！？!?])")
_ENDS_CLAUSE = tuple("。．.!?！？:)）」』】")
# A block field's value stops after this many lines even without a next label.
MAX_BLOCK_LINES = 8
# Shorter lines are not taken for wrapped ones (a table cell, a list item).
MIN_WRAPPED = 20


@dataclass
class Fields:
    """The text split by what masking does with it."""

    units: list[str] = field(default_factory=list)      # free text and kept values, one logical line each
    dropped: list[str] = field(default_factory=list)    # protected labels with their values, e-mails, URLs
    hobbies: list[str] = field(default_factory=list)    # 趣味/特技 values: kept unless they name a protected word
    labels: set[str] = field(default_factory=set)       # the field labels seen (not_resume uses them)


def _label_pattern(label: str) -> str:
    return r"[ \u3000]*".join(re.escape(c) for c in label)


@lru_cache(maxsize=1)
def _label_regex() -> tuple[re.Pattern, dict[str, str]]:
    fields = mask_lists().fields
    squeezed = {re.sub(r"\s", "", label).lower(): label for label in fields}
    alternation = "|".join(_label_pattern(label) for label in sorted(fields, key=len, reverse=True))
    regex = re.compile(rf"(?:^|(?<=\s)){_OPEN}[ \u3000]*(?P<label>{alternation}){_CLOSE}[ \u3000]*(?::|(?=\s)|$)",
                       re.IGNORECASE)
    return regex, squeezed


def strip_contacts(text: str) -> tuple[str, list[str]]:
    """``text`` without e-mail addresses and URLs, and what was cut."""
    cut: list[str] = []

    def remove(match: re.Match) -> str:
        cut.append(match.group(0))
        return " "

    return URL.sub(remove, EMAIL.sub(remove, text)), cut


def close_spaced(line: str) -> str:
    """「履 歴 書」 → 「履歴書」: a line of single characters between blanks is one word set wide."""
    return re.sub(r"[ \u3000]+", "", line) if _SPACED_LINE.match(line) else line


def _looks_wrapped(line: str) -> bool:
    """A line of prose cut by a narrow box: long, unfinished, with particles (kana), not a table row of cells."""
    line = line.rstrip()
    return (len(line) >= MIN_WRAPPED and not line.endswith(_ENDS_CLAUSE) and len(line.split()) <= 2
            and re.search(r"[\u3041-\u309f]", line) is not None)


def _join_wrapped(units: list[tuple[str, bool]]) -> list[str]:
    """Join a line that a narrow box wrapped with the unlabelled line after it (so its sentence is whole)."""
    joined: list[str] = []
    wrappable = False
    for text, labelled in units:
        if joined and wrappable and not labelled and re.match(rf"[{_CJK}]", text):
            joined[-1] += text
        else:
            joined.append(text)
        wrappable = _looks_wrapped(text)
    return joined


def split_fields(text: str) -> Fields:
    """Split NFKC-normalised extracted ``text`` into kept units, dropped fields and 趣味 values."""
    regex, squeezed = _label_regex()
    kinds = mask_lists().fields
    result = Fields()
    units: list[tuple[str, bool]] = []
    open_kind, open_lines = None, 0  # a protected field whose value may go on over the next lines
    for raw in text.splitlines():
        line = close_spaced(raw.strip())
        if not line:
            continue
        matches = list(regex.finditer(line))
        if not matches:
            if open_kind in ("line", "block"):
                result.dropped.append(line)
                open_lines += 1
                if open_kind == "line" or open_lines >= MAX_BLOCK_LINES:
                    open_kind = None
            elif open_kind == "hobby":
                result.hobbies.append(line)
                open_kind = None
            else:
                units.append((line, False))
            continue
        head = line[:matches[0].start()].strip()
        if head and open_kind in ("line", "block"):
            result.dropped.append(head)
        elif head:
            units.append((head, False))
        open_kind = None
        for index, match in enumerate(matches):
            end = matches[index + 1].start() if index + 1 < len(matches) else len(line)
            label = squeezed[re.sub(r"\s", "", match.group("label")).lower()]
            value = line[match.end():end].strip()
            kind = kinds[label]
            result.labels.add(label)
            if kind in ("line", "block"):
                result.dropped.append(f"{label} {value}")
                open_kind, open_lines = (kind, 0) if (kind == "block" or not value) else (None, 0)
            elif kind == "hobby":
                if value:
                    result.hobbies.append(value)
                else:
                    open_kind = "hobby"
            else:
                units.append((value, True))  # empty: the value is on the next line, never joined to this one
    result.units = [unit for unit in _join_wrapped(units) if unit]
    # Contacts are cut from what is kept (a field's value goes whole anyway): local parts are names.
    for name in ("units", "hobbies"):
        kept = []
        for unit in getattr(result, name):
            unit, cut = strip_contacts(unit)
            result.dropped.extend(cut)
            kept.append(unit)
        setattr(result, name, [unit for unit in kept if unit.strip()])
    return result


def sentences(unit: str) -> list[str]:
    """A unit of free text cut after 。！？ (a protected word drops its sentence, not the paragraph)."""
    return [part for part in _SENTENCE_END.split(unit) if part.strip()]
