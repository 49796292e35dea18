"""Reading 神エクセル: applicant lists from real HR spreadsheets, detected, previewed and normalised.

A pure library (no database, no Flask): ``preview`` finds the table on every sheet of an uploaded
file and proposes a mapping of its columns to Senko's fields; ``read_rows`` reads every data row
of one sheet with a (possibly corrected) mapping into normalised values plus the errors and
warnings of each row. The import service stores, commits and reports on top of these.

The format is detected from the content (xlsx/xlsm zip, legacy xls OLE2, CSV in UTF-8 with or
without BOM or cp932), never from the file name. Raises ``senko.exceptions.Unsupported`` (not a
spreadsheet), ``TooLarge`` (decompression bomb: uncompressed size or cell count over the limits)
and ``Invalid`` (a corrupt file).
"""
from senko.imports.model import (
    COLOUR_COLUMN,
    FIELDS,
    Limits,
    PreviewRow,
    Problem,
    RowResult,
    SheetPreview,
    SheetResult,
)
from senko.imports.reasons import ERRORS, REASONS, WARNINGS, message_for

__all__ = [
    "COLOUR_COLUMN", "ERRORS", "FIELDS", "REASONS", "WARNINGS", "Limits", "PreviewRow", "Problem",
    "RowResult", "SheetPreview", "SheetResult", "csv_safe", "message_for", "preview", "read_rows",
]

PREVIEW_ROWS = 20


def preview(data: bytes, filename: str | None = None, saved_mappings: dict[str, dict] | None = None,
            *, limits: Limits | None = None) -> list[SheetPreview]:
    """Every sheet of the file (hidden ones too, not selected), its table and a proposed mapping.

    ``saved_mappings`` maps a header signature to a mapping saved from an earlier import: a sheet
    whose signature is in it gets that mapping (confidence 1.0) instead of the proposal.
    """
    from senko.imports.formats import gc_paused, load_book
    from senko.imports.rows import read_table
    from senko.imports.table import detect_table

    limits = limits or Limits()
    previews = []
    with gc_paused():
        grids = load_book(data, filename, limits)
    for grid in grids:
        table = detect_table(grid)
        mapping, confidence = table.mapping, table.confidence
        saved = (saved_mappings or {}).get(table.signature)
        if saved is not None:
            mapping = {column: saved.get(column) for column in table.columns}
            confidence = {column: 1.0 for column in table.columns}
        result = read_table(grid, table, mapping, None, limits, max_rows=PREVIEW_ROWS)
        rows = [PreviewRow(row.row, row.values, row.original) for row in result.rows]
        previews.append(SheetPreview(
            name=grid.name, hidden=grid.hidden, selected=not grid.hidden and bool(table.columns),
            region=table.region, header_rows=table.header_rows, columns=table.columns, mapping=mapping,
            confidence=confidence, signature=table.signature, rows=rows,
            errors=result.errors(), warnings=result.all_warnings()))
    return previews


def read_rows(data: bytes, filename: str | None, sheet: str, mapping: dict[str, str | None], *,
              colour_map: dict[str, str] | None = None, limits: Limits | None = None) -> SheetResult:
    """Every data row of ``sheet`` read with ``mapping`` (column label → field or None).

    ``colour_map`` ("FFD9D9D9" → "OK"/"NG"/None) turns the row fill colour into a decision; only
    when given. Raises ``senko.exceptions.NotFound`` when the sheet is not in the file.
    """
    from senko.exceptions import NotFound
    from senko.imports.formats import gc_paused, load_book
    from senko.imports.rows import read_table
    from senko.imports.table import detect_table

    limits = limits or Limits()
    with gc_paused():
        for grid in load_book(data, filename, limits):
            if grid.name == sheet:
                return read_table(grid, detect_table(grid), mapping, colour_map, limits)
    raise NotFound(f"シート「{sheet}」がファイルにありません")


def csv_safe(value) -> str:
    """A cell for a CSV export: a text beginning with ``= + - @`` (or tab/CR) gets a leading ``'``.

    Spreadsheet programs run such a cell as a formula (CSV injection); the quote makes it text.
    """
    if value is None:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text
