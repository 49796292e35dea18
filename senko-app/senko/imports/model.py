"""The shapes the import reader hands out: problems, preview rows, sheet previews, row results.

Plain dataclasses with ``to_dict()`` so the caller (the import service, its routes and its Celery
tasks) can store them as JSON. Nothing here reads a file.
"""
from dataclasses import asdict, dataclass, field
from datetime import date

from senko.imports.reasons import message_for

FIELDS = ("name", "furigana", "email", "phone", "applied_at", "source", "decision", "note")

# The row fill colour, offered as an extra pseudo-column in the mapping (never a decision by default).
COLOUR_COLUMN = "(行の色)"


@dataclass(frozen=True)
class Limits:
    """What the reader refuses: uncompressed bytes of a workbook, cells in it, plausible applied_at years."""

    max_bytes: int = 200 * 1024 * 1024
    max_cells: int = 2_000_000
    min_year: int = 2000
    max_year: int = 2030

    @classmethod
    def from_config(cls, config) -> "Limits":
        """Build the limits from the app's settings (``SENKO_IMPORT_*``); missing keys keep the defaults."""
        default = cls()
        return cls(
            max_bytes=config.get("SENKO_IMPORT_MAX_BYTES", default.max_bytes),
            max_cells=config.get("SENKO_IMPORT_MAX_CELLS", default.max_cells),
            min_year=config.get("SENKO_IMPORT_MIN_YEAR", default.min_year),
            max_year=config.get("SENKO_IMPORT_MAX_YEAR", default.max_year),
        )


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


@dataclass
class Problem:
    """One error or warning about one row: where (sheet, Excel row, column label), what (value) and why."""

    sheet: str
    row: int
    column: str | None
    value: str | None
    reason: str
    message: str = ""

    def __post_init__(self):
        if not self.message:
            self.message = message_for(self.reason)

    def to_dict(self) -> dict:
        """The report item ``{"sheet", "row", "column", "value", "reason", "message"}``."""
        return asdict(self)


@dataclass
class PreviewRow:
    """A normalised row next to the original cell text (column label → text as the sheet shows it)."""

    row: int
    values: dict[str, object]
    original: dict[str, str]

    def to_dict(self) -> dict:
        """JSON-ready: dates as ISO strings."""
        return {"row": self.row, "values": {k: _plain(v) for k, v in self.values.items()},
                "original": dict(self.original)}


@dataclass
class SheetPreview:
    """What the reader found in one sheet: its table, the flattened headers and a proposed mapping."""

    name: str
    hidden: bool
    selected: bool
    region: str
    header_rows: list[int]
    columns: list[str]
    mapping: dict[str, str | None]
    confidence: dict[str, float]
    signature: str
    rows: list[PreviewRow] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON-ready (rows, errors and warnings are those of the first 20 data rows)."""
        data = {key: getattr(self, key) for key in (
            "name", "hidden", "selected", "region", "header_rows", "columns", "mapping", "confidence", "signature")}
        data["rows"] = [row.to_dict() for row in self.rows]
        data["errors"] = [problem.to_dict() for problem in self.errors]
        data["warnings"] = [problem.to_dict() for problem in self.warnings]
        return data


@dataclass
class RowResult:
    """One applicant's row: its values (``applied_at`` a date, ``decision`` "OK"/"NG"/None) and its problems."""

    row: int
    values: dict[str, object]
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # Column label → the cell's text as the sheet shows it (for the preview and the report).
    original: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """A row with any error is not imported (rows are all-or-nothing)."""
        return not self.errors

    def to_dict(self) -> dict:
        """JSON-ready."""
        return {"row": self.row, "values": {k: _plain(v) for k, v in self.values.items()},
                "errors": [p.to_dict() for p in self.errors], "warnings": [p.to_dict() for p in self.warnings],
                "original": dict(self.original)}


@dataclass
class SheetResult:
    """Every data row of a sheet's table, in order; rows with errors are for the report, not for import."""

    name: str
    rows: list[RowResult] = field(default_factory=list)
    # Problems not tied to an applicant (a skipped subtotal row, a repeated header row).
    warnings: list[Problem] = field(default_factory=list)

    def errors(self) -> list[Problem]:
        """Every error of every row, in row order."""
        return [problem for row in self.rows for problem in row.errors]

    def all_warnings(self) -> list[Problem]:
        """Every warning: the sheet's own and every row's, in row order."""
        items = list(self.warnings) + [p for row in self.rows for p in row.warnings]
        return sorted(items, key=lambda p: p.row)
