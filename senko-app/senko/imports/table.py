"""Finding the table on a sheet: its header rows (flattened to labels), its columns and a mapping proposal.

A title block above the table, blank spacer rows and columns, headers over two or three rows with
merged cells (氏名 over 姓|名 → ``氏名/姓``, ``氏名/名``) and a record written over two rows (a
second header row naming other fields) are recognised here; ``senko.imports.rows`` reads the data.
"""
import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache

from senko.imports.model import COLOUR_COLUMN
from senko.imports.values import cell_text, nfkc

SYNONYMS = {  # field → {normalised label: confidence}
    "name": {"氏名": 1.0, "名前": 1.0, "応募者名": 1.0, "お名前": 1.0, "氏名(漢字)": 1.0, "応募者": 0.8, "姓名": 0.9,
             "フルネーム": 0.9},
    "furigana": {"フリガナ": 1.0, "ふりがな": 1.0, "カナ": 0.9, "かな": 0.9, "氏名カナ": 1.0, "よみがな": 1.0, "ヨミガナ": 1.0,
                 "読み": 0.8, "カナ氏名": 1.0},
    "email": {"メール": 1.0, "メールアドレス": 1.0, "E-MAIL": 1.0, "EMAIL": 1.0, "MAIL": 1.0, "Eメール": 1.0, "アドレス": 0.7,
              "連絡先": 0.6},
    "phone": {"電話": 1.0, "電話番号": 1.0, "TEL": 1.0, "携帯": 1.0, "携帯番号": 1.0, "携帯電話": 1.0, "PHONE": 1.0, "連絡先電話": 1.0},
    "applied_at": {"応募日": 1.0, "エントリー日": 1.0, "応募日時": 1.0, "受付日": 0.9, "応募年月日": 1.0, "エントリー日時": 1.0},
    "source": {"媒体": 1.0, "応募経路": 1.0, "流入元": 1.0, "応募媒体": 1.0, "経路": 0.8, "求人媒体": 1.0, "流入経路": 1.0},
    "decision": {"書類選考": 1.0, "書類": 1.0, "書類選考結果": 1.0, "書類結果": 1.0, "選考結果": 0.8, "結果": 0.7, "合否": 0.7},
    "note": {"備考": 1.0, "メモ": 1.0, "コメント": 0.9, "特記事項": 0.9, "補足": 0.8},
}
NAME_PARTS = {"姓": "name", "名": "name", "氏": "name", "名字": "name", "苗字": "name",
              "セイ": "furigana", "メイ": "furigana", "せい": "furigana", "めい": "furigana"}
INTERVIEW = re.compile(r"(一次|二次|三次|最終|面接|内定|1次|2次|3次)")
ERA_LABELS = {"元号", "和暦", "年号"}
OTHER_LABELS = {"NO", "NO.", "番号", "#", "年齢", "性別", "担当", "担当者", "職種", "応募職種", "希望職種", "住所"}


@lru_cache(maxsize=1 << 14)
def label_key(text: str) -> str:
    """A label as compared: NFKC, upper case, no spaces."""
    return nfkc(text).upper().replace(" ", "")


def field_score(label: str) -> tuple[str | None, float]:
    """The field a (flattened) column label most likely holds, with a confidence; (None, 0) if none."""
    parts = [label_key(part) for part in label.split("/") if part]
    if not parts:
        return None, 0.0
    if parts[-1] in NAME_PARTS:
        return NAME_PARTS[parts[-1]], 1.0
    if any(INTERVIEW.search(part) for part in parts):
        return None, 0.0  # an interview result is not the 書類選考 decision
    best = (None, 0.0)
    for part in reversed(parts):
        for name, words in SYNONYMS.items():
            score = words.get(part, 0.0) or max((0.5 for word in words if len(word) > 1 and word in part), default=0.0)
            if score > best[1]:
                best = (name, score)
        if best[0]:
            break
    return best


def is_header_word(text: str) -> bool:
    """Whether a cell reads like a column label Senko knows (any field, a sub-label, an interview...)."""
    key = label_key(text)
    return (field_score(text)[0] is not None or key in NAME_PARTS or key in ERA_LABELS or key in OTHER_LABELS
            or bool(INTERVIEW.fullmatch(key)) or bool(INTERVIEW.search(key) and len(key) <= 6))


@dataclass
class Column:
    """One real column of the table: its label, its sheet column and (two-row records) its row offset."""

    label: str
    col: int
    offset: int = 0


@dataclass
class Table:
    """The detected table of a sheet (``columns`` empty when no table was found)."""

    header_rows: list[int] = field(default_factory=list)
    cols: list[Column] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    mapping: dict = field(default_factory=dict)
    confidence: dict = field(default_factory=dict)
    signature: str = ""
    region: str = ""
    first_row: int = 0
    last_row: int = 0
    two_row: bool = False
    cells: dict = field(default_factory=dict)  # merge-expanded (row, col) → Cell
    record_merges: dict = field(default_factory=dict)  # first row → last row of a vertically merged record

    def text(self, row: int, col: int) -> str:
        """The text of a cell, merged ranges expanded."""
        cell = self.cells.get((row, col))
        return cell_text(cell.value) if cell is not None else ""


def column_letter(col: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _expand(grid) -> dict:
    cells = dict(grid.cells)
    for r1, c1, r2, c2 in grid.merged:
        top = grid.cells.get((r1, c1))
        if top is None:
            continue
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                cells[(r, c)] = top
    return cells


def _row_texts(cells, row: int, width: int) -> dict[int, str]:
    return {c: cell_text(cells[(row, c)].value) for c in range(1, width + 1)
            if (row, c) in cells and cells[(row, c)].value is not None}


def _data_like(text: str) -> bool:
    return "@" in text or bool(re.search(r"\d{4,}|\d+[/.\-]\d+", nfkc(text)))


def _header_row(texts: dict[int, str]) -> bool:
    values = list(texts.values())
    return bool(values) and all(is_header_word(t) and not _data_like(t) for t in values)


def detect_table(grid) -> Table:
    """Find the header rows, the columns and their proposed mapping on one sheet."""
    cells = _expand(grid)
    table = Table(cells=cells)
    width = grid.max_col
    scores = []
    for row in range(1, min(grid.max_row, 40) + 1):
        texts = _row_texts(cells, row, width)
        scores.append((sum(1 for t in set(texts.values()) if is_header_word(t)), -row))
    if not scores or max(scores)[0] < 2:
        return table
    anchor = -max(scores)[1]
    header = [anchor]
    while len(header) < 3 and header[-1] < grid.max_row and _header_row(_row_texts(cells, header[-1] + 1, width)):
        header.append(header[-1] + 1)
    while len(header) < 3 and header[0] > 1:
        above = _row_texts(cells, header[0] - 1, width)
        groups = [(c1, c2) for r1, c1, r2, c2 in grid.merged if r1 == header[0] - 1 and c2 > c1]
        # Group labels over the header (応募者情報 | 選考): merged across columns, two groups or known words.
        # One merged cell of unknown words over everything is a title, not a header.
        own = _row_texts(grid.cells, header[0] - 1, width)
        grouped = len(groups) >= 2 and set(own) <= {c1 for c1, _ in groups} and not any(map(_data_like, own.values()))
        below = _row_texts(cells, header[0], width)
        title = len(own) == 1 and len(groups) == 1 and groups[0][1] - groups[0][0] + 1 >= max(3, 0.8 * len(below))
        if title or not (groups and (_header_row(above) or grouped)):
            break
        header.insert(0, header[0] - 1)
    table.header_rows = header
    rows = [_row_texts(cells, r, width) for r in header]
    used = sorted({c for texts in rows for c in texts})
    lower = rows[-1]
    upper = rows[0]
    spanned = {c for r1, c1, r2, c2 in grid.merged if c2 > c1 and r1 <= header[0] <= r2 for c in range(c1, c2 + 1)}
    table.two_row = len(header) == 2 and sum(
        1 for c in lower if c in upper and c not in spanned and (header[1], c) in grid.cells and field_score(lower[c])[0]
        and field_score(upper[c])[0] not in (None, field_score(lower[c])[0]) and label_key(lower[c]) not in NAME_PARTS) >= 2
    if table.two_row:
        table.cols = [Column(upper[c], c, 0) for c in used if c in upper] + [Column(lower[c], c, 1) for c in used if c in lower]
    else:
        for c in used:
            parts = []
            for texts in rows:
                if c in texts and texts[c] not in parts:
                    parts.append(texts[c])
            table.cols.append(Column("/".join(nfkc(p) for p in parts), c))
    seen = {}
    for column in table.cols:
        seen[column.label] = seen.get(column.label, 0) + 1
        if seen[column.label] > 1:
            column.label = f"{column.label} ({seen[column.label]})"
    table.first_row = header[-1] + 1
    table.last_row = max((r for (r, c) in grid.cells if c in used and r >= table.first_row), default=header[-1])
    table.columns = [column.label for column in table.cols]
    if any(cell.fill for (r, c), cell in grid.cells.items() if r >= table.first_row and c in used):
        table.columns.append(COLOUR_COLUMN)
    _propose(table)
    table.signature = hashlib.sha256("\x1f".join(column.label for column in table.cols).encode()).hexdigest()[:16]
    table.region = f"{column_letter(used[0])}{header[0]}:{column_letter(used[-1])}{table.last_row}"
    for r1, c1, r2, c2 in grid.merged:
        name_cols = [col.col for col in table.cols if table.mapping.get(col.label) == "name"]
        if r2 > r1 and r1 >= table.first_row and any(c1 <= c <= c2 for c in name_cols):
            table.record_merges[r1] = r2
    return table


def _propose(table: Table) -> None:
    best: dict[str, tuple[float, str]] = {}
    scored = {}
    for column in table.cols:
        name, score = field_score(column.label)
        scored[column.label] = (name, score)
        if name and name not in ("name", "furigana", "note") and score > best.get(name, (0.0, ""))[0]:
            best[name] = (score, column.label)
    for label in table.columns:
        name, score = scored.get(label, (None, 0.0))
        if name and name not in ("name", "furigana", "note") and best[name][1] != label:
            name, score = None, 0.0
        table.mapping[label] = name
        table.confidence[label] = round(score, 2) if name else 0.0
