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
    "RowResult", "SheetPreview", "SheetResult", "csv_safe", "message_for", "open_workbook", "preview", "read_rows",
    "sniff",
]

PREVIEW_ROWS = 20


def preview(data: bytes, filename: str | None = None, saved_mappings: dict[str, dict] | None = None,
            *, limits: Limits | None = None) -> list[SheetPreview]:
    """Every sheet of the file (hidden ones too, not selected), its table and a proposed mapping.

    ``saved_mappings`` maps a header signature to a mapping saved from an earlier import: a sheet
    whose signature is in it gets that mapping (confidence 1.0) instead of the proposal.
    """
    from senko.imports.workbook import open_workbook

    return open_workbook(data, filename, limits).preview(saved_mappings)


def read_rows(data: bytes, filename: str | None, sheet: str, mapping: dict[str, str | None], *,
              colour_map: dict[str, str] | None = None, limits: Limits | None = None) -> SheetResult:
    """Every data row of ``sheet`` read with ``mapping`` (column label → field or None).

    ``colour_map`` ("FFD9D9D9" → "OK"/"NG"/None) turns the row fill colour into a decision; only
    when given. Raises ``senko.exceptions.NotFound`` when the sheet is not in the file. To read
    several sheets of one file, ``open_workbook`` once and call its ``rows`` per sheet.
    """
    from senko.imports.workbook import open_workbook

    return open_workbook(data, filename, limits).rows(sheet, mapping, colour_map)


def open_workbook(data: bytes, filename: str | None = None, limits: Limits | None = None):
    """The file parsed once (a ``senko.imports.workbook.Workbook``): ``.preview(saved)``, ``.rows(sheet, mapping, colour_map)``."""
    from senko.imports.workbook import open_workbook as _open

    return _open(data, filename, limits)


def sniff(data: bytes, limits: Limits | None = None) -> str:
    """A quick check before storing an upload: "xlsx", "xls" or "csv", without reading any sheet.

    An xlsx must be a zip holding ``xl/workbook.xml`` whose declared uncompressed size is within
    ``limits.max_bytes``; anything with a PDF or binary (NUL) start is not a spreadsheet. Raises
    ``Unsupported``, ``TooLarge`` or ``Invalid``; the full checks (cell count, encodings) are the reader's.
    """
    from senko.imports.formats import sniff as _sniff

    return _sniff(data, limits or Limits())


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
