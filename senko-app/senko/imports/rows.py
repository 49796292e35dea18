"""Reading the data rows of a detected table into applicants' values, errors and warnings.

Rows are all-or-nothing: every problem of a row is listed, and a row with any error is for the
report only. Blank spacer rows are passed over; a repeated header row and a subtotal row (計, 合計)
are skipped with a warning; 〃 / 同上 take the value above; a record written over two rows (or with
its name merged over several rows) is one applicant, numbered by its top row.
"""
import re

from senko.imports.model import COLOUR_COLUMN, FIELDS, Problem, RowResult, SheetResult
from senko.imports.table import ERA_LABELS, label_key
from senko.imports.values import (
    DITTO,
    EXCEL_ERRORS,
    LABEL,
    SUBTOTAL,
    cell_text,
    is_placeholder,
    nfkc,
    parse_date,
    parse_decision,
    parse_email,
    parse_name,
    parse_phone,
    phone_digits,
    split_contact,
    split_remark,
    to_katakana,
)

ONE_TOKEN = re.compile(r"[^\s/,;()]+")  # an ASCII e-mail or phone cell: one token, nothing to split
FIELD_NAMES = {"name": "氏名", "applied_at": "応募日", "contact": "メールまたは電話"}


def _blank(table, row: int) -> bool:
    return all(table.cells.get((row, c.col)) is None or table.cells[(row, c.col)].value is None and
               table.cells[(row, c.col)].kind == "value" for c in table.cols)


def _header_copy(keys: dict, header: dict) -> bool:
    """Whether a row's label keys repeat a header row's (at least two and at least half of its cells)."""
    same = sum(1 for col, key in keys.items() if header.get(col) == key)
    return same >= 2 and same * 2 >= len(keys)


def _records(table, result: SheetResult, sheet: str):
    cols = sorted({c.col for c in table.cols})
    headers = [{col: label_key(table.text(h, col)) for col in cols if table.text(h, col)} for h in table.header_rows]
    words = {key for header in headers for key in header.values()}
    row = table.first_row
    while row <= table.last_row:
        if _blank(table, row):
            row += 1
            continue
        texts = {col: text for col in cols if (text := table.text(row, col))}
        keys = {col: label_key(text) for col, text in texts.items() if label_key(text) in words}
        if len(keys) >= 2 and any(_header_copy(keys | {c: "" for c in texts if c not in keys}, h) for h in headers):
            if _header_copy(keys | {c: "" for c in texts if c not in keys}, headers[0]):
                result.warnings.append(Problem(sheet, row, None, None, "header_row_skipped"))
            row += 1
            continue
        subtotal = next((col for col, text in texts.items() if ("計" in text or "総数" in text) and len(text) <= 12
                         and SUBTOTAL.match(nfkc(text).replace(" ", ""))), None)
        if subtotal is not None:
            label = next(c.label for c in table.cols if c.col == subtotal)
            result.warnings.append(Problem(sheet, row, label, texts[subtotal], "subtotal_row_skipped"))
            row += 1
            continue
        last = row + 1 if table.two_row else table.record_merges.get(row, row)
        yield list(range(row, last + 1))
        row = last + 1


class _Row:
    """The values, notes and problems of one record while it is being read."""

    def __init__(self, sheet: str, row: int):
        self.sheet, self.row = sheet, row
        self.values = {name: None for name in FIELDS}
        self.parts = {"name": [], "furigana": [], "note": []}
        self.reading = None
        self.errors, self.warnings, self.failed = [], [], set()

    def problem(self, kind: str, column, value, reason: str, field: str | None = None, message: str = ""):
        target = self.errors if kind == "error" else self.warnings
        target.append(Problem(self.sheet, self.row, column, value, reason, message))
        if kind == "error" and field:
            self.failed.add(field)

    def put(self, field: str, value, column: str, original: str):
        if self.values[field] is None or self.values[field] == value:
            self.values[field] = value
        else:
            self.problem("error", column, original, "conflicting_values", field)


def _one_token(text: str) -> tuple[list, list, list]:
    """``split_contact`` of an ASCII cell without spaces, separators or brackets (no remark to split off)."""
    token = LABEL.sub("", text).strip()
    if not token:
        return [], [], []
    if "@" in token:
        return [token], [], []
    digits = phone_digits(token)
    return ([], [token], []) if digits and 9 <= len(digits) <= 11 else ([], [], [token])


def _contact(rec: _Row, field: str, raw, label: str, text: str):
    if field == "phone" and isinstance(raw, (int, float)) and not isinstance(raw, bool):
        tokens = ([], [raw], [])
    elif text.isascii() and ONE_TOKEN.fullmatch(text):
        main, tokens = text, _one_token(text)  # what split_remark and split_contact make of it, cheaply
        if sum(map(len, tokens)) == 1 and tokens[2]:
            tokens = ([main], [], []) if field == "email" else ([], [main], [])
    else:
        main, remark = split_remark(text)
        if remark:
            rec.parts["note"].append(remark)
        tokens = split_contact(main)
        if sum(map(len, tokens)) == 1 and tokens[2]:
            tokens = ([main], [], []) if field == "email" else ([], [main], [])
    emails, phones, rest = tokens
    if rest or len(emails) > 1 or len(phones) > 1:
        rec.problem("error", label, text, "ambiguous_cell", field)
        return
    for name, items, parser in (("email", emails, parse_email), ("phone", phones, parse_phone)):
        for item in items:
            value, errors, warnings = parser(item)
            for reason in errors:
                rec.problem("error", label, text, reason, name)
            for reason in warnings:
                rec.problem("warning", label, text, reason)
            if value is not None:
                rec.put(name, value, label, text)


def _read_cell(rec: _Row, field: str, raw, label: str, text: str, grid, era_hint, limits):
    if field == "name":
        name, reading, remark = parse_name(text)
        rec.parts["name"].append(name)
        rec.reading = reading or rec.reading
        if remark:
            rec.parts["note"].append(remark)
    elif field == "furigana":
        rec.parts["furigana"].append(to_katakana(text))
    elif field in ("email", "phone"):
        _contact(rec, field, raw, label, text)
    elif field == "applied_at":
        if not isinstance(raw, str):
            value, errors, warnings = parse_date(raw, date1904=grid.date1904, limits=limits)
        else:
            main, remark = split_remark(text)
            if remark:
                rec.parts["note"].append(remark)
            value, errors, warnings = parse_date(main, date1904=grid.date1904, era_hint=era_hint, limits=limits)
        for reason in errors:
            rec.problem("error", label, text, reason, field)
        for reason in warnings:
            rec.problem("warning", label, text, reason)
        if value is not None:
            rec.put(field, value, label, text)
    elif field == "decision":
        main, remark = split_remark(text)
        value, errors, warnings = parse_decision(main)
        if remark:
            rec.parts["note"].append(remark)
        for reason in errors:
            rec.problem("error", label, text, reason, field)
        for reason in warnings:
            rec.problem("warning", label, text, reason)
        rec.put(field, value, label, text)
    elif field == "source":
        rec.put(field, nfkc(text), label, text)
    elif field == "note":
        rec.parts["note"].append(text.replace("\r\n", "\n").strip())


def _column_cells(table_cells: dict, rows: list[int], column, two_row: bool) -> list:
    """The cells of one column in one record that hold something, without repeats of the same text."""
    if two_row or len(rows) == 1:
        cell = table_cells.get((rows[column.offset] if two_row else rows[0], column.col))
        return [] if cell is None or cell.value is None and cell.kind == "value" else [cell]
    unique = []
    for r in rows:
        cell = table_cells.get((r, column.col))
        if cell is None or cell.value is None and cell.kind == "value":
            continue
        if all(cell is not other and cell_text(cell.value) != cell_text(other.value) for other in unique):
            unique.append(cell)
    return unique


def _is_ditto(value) -> bool:
    """〃 / 同上 (a cell meaning "the value above")."""
    text = cell_text(value)
    if text.isascii() and '"' not in text and "'" not in text:
        return False  # the only ASCII dittos are " and ''
    return nfkc(text) in DITTO


def read_table(grid, table, mapping: dict, colour_map: dict | None, limits, max_rows: int | None = None) -> SheetResult:
    """Every record of the table read with ``mapping``; ``max_rows`` stops early (the preview)."""
    result = SheetResult(grid.name)
    if not table.cols:
        return result
    mapping = {label: (mapping or {}).get(label) for label in table.columns}
    colours = {key.upper(): value for key, value in (colour_map or {}).items()}
    era_cols = [c for c in table.cols if label_key(c.label.split("/")[-1]) in ERA_LABELS]
    previous: dict[str, object] = {}
    table_cells, two_row, colour_column = table.cells, table.two_row, COLOUR_COLUMN in table.columns
    for rows in _records(table, result, grid.name):
        rec = _Row(grid.name, rows[0])
        original, cells = {}, {}
        for column in table.cols:
            unique = _column_cells(table_cells, rows, column, two_row)
            original[column.label] = "\n".join(cell_text(cell.value) or cell.kind for cell in unique) if unique else ""
            cells[column.label] = unique
        fill = None
        for c in table.cols:
            cell = table_cells.get((rows[0], c.col))
            if cell is not None and cell.fill:
                fill = cell.fill
                break
        if colour_column:
            original[COLOUR_COLUMN] = fill or ""
        if not any(cells[c.label] for c in table.cols if mapping.get(c.label)):
            continue  # nothing in any mapped column: a pre-numbered empty row, not an applicant
        resolved = {}
        for column in table.cols:  # 〃 / 同上: the cell above (in the previous record); nothing above is an error
            resolved[column.label] = []
            for cell in cells[column.label]:
                if _is_ditto(cell.value):
                    if previous.get(column.label) is None:
                        rec.problem("error", column.label, cell_text(cell.value), "ambiguous_cell", mapping.get(column.label))
                        continue
                    cell = previous[column.label]
                resolved[column.label].append(cell)
            previous[column.label] = resolved[column.label][-1] if resolved[column.label] else None
        era_hint = next((cell_text(resolved[c.label][0].value) for c in era_cols if resolved[c.label]), None)
        for column in table.cols:
            field = mapping.get(column.label)
            for cell in resolved[column.label] if field else ():
                text = cell_text(cell.value)
                if cell.kind == "formula":
                    rec.problem("error", column.label, original[column.label], "formula", field)
                elif cell.kind == "error" or text in EXCEL_ERRORS:
                    rec.problem("error", column.label, text, "cell_error", field)
                elif cell.value is not None and not (isinstance(cell.value, str) and is_placeholder(cell.value)):
                    _read_cell(rec, field, cell.value, column.label, text, grid, era_hint, limits)
        _finish(rec, fill, colours)
        result.rows.append(RowResult(rec.row, rec.values, rec.errors, rec.warnings, original))
        if max_rows is not None and len(result.rows) >= max_rows:
            break
    return result


def _finish(rec: _Row, fill, colours: dict):
    values = rec.values
    if rec.parts["name"]:
        values["name"] = " ".join(rec.parts["name"])
    if rec.parts["furigana"]:
        values["furigana"] = " ".join(rec.parts["furigana"])
    elif rec.reading:
        values["furigana"] = rec.reading
    if rec.parts["note"]:
        values["note"] = "\n".join(rec.parts["note"])
    if colours and fill and fill.upper() in colours and values["decision"] is None and "decision" not in rec.failed:
        choice = colours[fill.upper()]
        values["decision"] = choice if choice in ("OK", "NG") else None
        if choice == "辞退":
            rec.problem("warning", COLOUR_COLUMN, fill, "decision_withdrawn")
    missing = [key for key in ("name", "applied_at") if values[key] is None and key not in rec.failed]
    if values["email"] is None and values["phone"] is None and not {"email", "phone"} & rec.failed:
        missing.append("contact")
    if missing:
        names = "、".join(FIELD_NAMES[key] for key in missing)
        rec.problem("error", ", ".join("email/phone" if key == "contact" else key for key in missing), None,
                    "missing_required", message=f"必須項目がありません：{names}")
