"""A spreadsheet parsed once: its sheets' grids and detected tables, for the preview and for every sheet's rows.

``open_workbook`` reads the file (format detection, limits, every sheet) a single time; ``preview``
and ``rows`` reuse what it read, so a commit of several sheets does not parse the file again per sheet.
"""
from senko.exceptions import NotFound
from senko.imports.formats import gc_paused, load_book
from senko.imports.model import Limits, PreviewRow, SheetPreview, SheetResult
from senko.imports.rows import read_table
from senko.imports.table import Table, detect_table

PREVIEW_ROWS = 20  # the same as senko.imports.PREVIEW_ROWS


class Workbook:
    """The sheets of one file (``names`` in workbook order), each table detected on first use."""

    def __init__(self, grids: list, limits: Limits):
        self.grids = {grid.name: grid for grid in grids}
        self.names = [grid.name for grid in grids]
        self.limits = limits
        self._tables: dict[str, Table] = {}

    def table(self, sheet: str) -> Table:
        """The detected table of ``sheet`` (``NotFound`` when the sheet is not in the file)."""
        if sheet not in self.grids:
            raise NotFound(f"シート「{sheet}」がファイルにありません")
        if sheet not in self._tables:
            with gc_paused():
                self._tables[sheet] = detect_table(self.grids[sheet])
        return self._tables[sheet]

    def preview(self, saved_mappings: dict[str, dict] | None = None) -> list[SheetPreview]:
        """Every sheet (hidden ones too, not selected), its table, a proposed mapping and its first rows.

        A sheet whose header signature is in ``saved_mappings`` gets that mapping (confidence 1.0).
        """
        previews = []
        for name in self.names:
            grid, table = self.grids[name], self.table(name)
            mapping, confidence = table.mapping, table.confidence
            saved = (saved_mappings or {}).get(table.signature)
            if saved is not None:
                mapping = {column: saved.get(column) for column in table.columns}
                confidence = {column: 1.0 for column in table.columns}
            with gc_paused():
                result = read_table(grid, table, mapping, None, self.limits, max_rows=PREVIEW_ROWS)
            rows = [PreviewRow(row.row, row.values, row.original) for row in result.rows]
            previews.append(SheetPreview(
                name=grid.name, hidden=grid.hidden, selected=not grid.hidden and bool(table.columns),
                region=table.region, header_rows=table.header_rows, columns=table.columns, mapping=mapping,
                confidence=confidence, signature=table.signature, rows=rows,
                errors=result.errors(), warnings=result.all_warnings()))
        return previews

    def rows(self, sheet: str, mapping: dict[str, str | None], colour_map: dict[str, str] | None = None) -> SheetResult:
        """Every data row of ``sheet`` read with ``mapping`` (``colour_map`` turns a row's fill into a decision)."""
        table = self.table(sheet)
        with gc_paused():
            return read_table(self.grids[sheet], table, mapping, colour_map, self.limits)


def open_workbook(data: bytes, filename: str | None = None, limits: Limits | None = None) -> Workbook:
    """Parse the file once (format from the content); raises Unsupported, TooLarge or Invalid like ``preview``."""
    limits = limits or Limits()
    return Workbook(load_book(data, filename, limits), limits)
