"""Building blocks of the 神エクセル generator: seeded people, kana and 和暦 spellings, expectations, xlsx bytes.

``senko.demo.spreadsheets`` writes the layouts with these; tests and ``bench/imports.py`` use it.
"""
import io
import random
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from xml.sax.saxutils import escape

FAMILIES = [("山田", "ヤマダ"), ("佐藤", "サトウ"), ("鈴木", "スズキ"), ("髙橋", "タカハシ"), ("田中", "タナカ"),
            ("山﨑", "ヤマザキ"), ("渡辺", "ワタナベ"), ("伊藤", "イトウ"), ("中村", "ナカムラ"), ("小林", "コバヤシ"),
            ("加藤", "カトウ"), ("吉田", "ヨシダ")]
GIVENS = [("太郎", "タロウ"), ("花子", "ハナコ"), ("翔", "ショウ"), ("美咲", "ミサキ"), ("健一", "ケンイチ"),
          ("陽菜", "ヒナ"), ("大輔", "ダイスケ"), ("結衣", "ユイ"), ("蓮", "レン"), ("さくら", "サクラ")]
SOURCES = ["リクナビ", "マイナビ", "doda", "Indeed", "社員紹介", "自社サイト"]
FIELDS = ("name", "furigana", "email", "phone", "applied_at", "source", "decision", "note")


@dataclass
class Person:
    """One applicant as they really are; a layout writes them in its own way."""

    family: str
    given: str
    family_kana: str
    given_kana: str
    email: str
    phone: str
    applied_at: date
    source: str

    @property
    def name(self) -> str:
        """Family and given name, one space between (as when the sheet separates them)."""
        return f"{self.family} {self.given}"

    @property
    def kana(self) -> str:
        """The reading in full-width katakana, one space between."""
        return f"{self.family_kana} {self.given_kana}"


def people(seed: int, count: int, start: date = date(2023, 4, 1)) -> list[Person]:
    """``count`` distinct people, the same for the same seed."""
    rng = random.Random(seed)
    result = []
    for i in range(count):
        family, given = rng.choice(FAMILIES), rng.choice(GIVENS)
        result.append(Person(family[0], given[0], family[1], given[1], f"applicant{seed}.{i:05d}@example.co.jp",
                             "090" + f"{rng.randrange(10 ** 8):08d}", start + timedelta(days=rng.randrange(365)),
                             rng.choice(SOURCES)))
    return result


def hiragana(katakana: str) -> str:
    """カタカナ → ひらがな."""
    return "".join(chr(ord(ch) - 0x60) if "\u30a1" <= ch <= "\u30f6" else ch for ch in katakana)


_HALF = {unicodedata.normalize("NFKC", chr(code)): chr(code) for code in range(0xFF61, 0xFFA0)}
_HALF |= {unicodedata.normalize("NFKC", chr(code) + mark): chr(code) + mark
          for code in range(0xFF66, 0xFF9E) for mark in ("ﾞ", "ﾟ")
          if len(unicodedata.normalize("NFKC", chr(code) + mark)) == 1}


def halfwidth(katakana: str) -> str:
    """全角カタカナ → 半角ｶﾀｶﾅ (voiced sounds as two characters)."""
    return "".join(_HALF.get(ch, ch) for ch in katakana)


def fullwidth(text: str) -> str:
    """ASCII → 全角 (digits, letters, symbols; a space → 全角スペース)."""
    return "".join("\u3000" if ch == " " else chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


ERA_STARTS = [("令和", "R", date(2019, 5, 1)), ("平成", "H", date(1989, 1, 8)), ("昭和", "S", date(1926, 12, 25))]


def era_of(day: date) -> tuple[str, str, int]:
    """(era name, letter, year in the era) of a date."""
    for name, letter, start in ERA_STARTS:
        if day >= start:
            return name, letter, day.year - start.year + 1
    raise ValueError(day)


def wareki(day: date, style: int) -> str:
    """A date in one of the 和暦 spellings HR people type (style 0–4)."""
    name, letter, year = era_of(day)
    shown = "元" if year == 1 and style == 0 else str(year)
    return [f"{name}{shown}年{day.month}月{day.day}日", f"{letter}{year}.{day.month}.{day.day}",
            f"{letter}{year}/{day.month}/{day.day}", f"{name}{year}年{day.month:02d}月{day.day:02d}日",
            f"{letter.lower()}{year}.{day.month}.{day.day}"][style]


@dataclass
class Case:
    """One generated file and exactly what the reader must make of it."""

    name: str
    filename: str
    data: bytes = b""
    applicants: list = field(default_factory=list)  # {"sheet", "row", **values}
    errors: list = field(default_factory=list)  # (sheet, row, column, reason)
    warnings: list = field(default_factory=list)
    hidden_sheets: list = field(default_factory=list)
    colour_map: dict | None = None

    def ok(self, sheet: str, row: int, person: Person | None = None, **values):
        """Expect an imported applicant at ``row``: the person's values, overridden by ``values``."""
        base = dict.fromkeys(FIELDS)
        if person is not None:
            base.update(name=person.name, furigana=person.kana, email=person.email, phone=person.phone,
                        applied_at=person.applied_at, source=person.source)
        base.update(values)
        self.applicants.append({"sheet": sheet, "row": row, **base})

    def error(self, sheet: str, row: int, column: str | None, reason: str):
        """Expect an error on ``row`` (the row is then not imported)."""
        self.errors.append((sheet, row, column, reason))

    def warn(self, sheet: str, row: int, column: str | None, reason: str):
        """Expect a warning on ``row``."""
        self.warnings.append((sheet, row, column, reason))


def xlsx_bytes(book, cached: dict | None = None) -> bytes:
    """Save an openpyxl workbook, byte for byte the same each time; ``cached`` {(sheet title, "F5"): value}
    adds formulas' cached results.

    openpyxl writes formulas without a cached value (as a file never opened in Excel); a file saved by
    Excel has one, and an error value (``#N/A``) is cached as an error (``t="e"``).
    """
    fixed = datetime(2023, 10, 1)
    book.properties.created = book.properties.modified = fixed
    stream = io.BytesIO()
    book.save(stream)
    cached = cached or {}
    index = {ws.title: i + 1 for i, ws in enumerate(book.worksheets)}
    source = zipfile.ZipFile(io.BytesIO(stream.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the time of saving
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2023-10-01T00:00:00Z", content)
            for (title, ref), value in cached.items():
                if info.filename == f"xl/worksheets/sheet{index[title]}.xml":
                    kind = ' t="e"' if str(value).startswith("#") else ' t="str"' if isinstance(value, str) else ""
                    pattern = re.compile(rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v ?/>(</c>)?'.encode())
                    cell = (ref.encode(), kind.encode(), escape(str(value)).encode())
                    content = pattern.sub(lambda m, c=cell: b'<c r="' + c[0] + b'"' + m[1] + c[1] + b"><f>" + m[2]
                                          + b"</f><v>" + c[2] + b"</v></c>", content, count=1)
            # Fixed timestamps: the same call writes the same bytes.
            target.writestr(zipfile.ZipInfo(info.filename, date_time=fixed.timetuple()[:6]), content,
                            compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
