"""The report of an import: the contract's JSON, and the same as a CSV a person opens in Excel.

The CSV is UTF-8 with a BOM (Excel then reads the Japanese right), one line per problem: errors
(rows not imported) first, then warnings; every cell goes through ``senko.imports.csv_safe`` so a
value beginning with ``= + - @`` stays text when the file is opened again.
"""
import csv
import io

from ..imports import csv_safe
from ..models import SpreadsheetImport

CSV_COLUMNS = ("kind", "sheet", "row", "column", "value", "reason", "message")


def as_json(job: SpreadsheetImport) -> dict:
    """``{"created": [ids], "errors": [...], "warnings": [...], "counts": {...}}`` (empty until the commit starts)."""
    report = job.report or {}
    return {"id": job.id, "status": job.status, "message": job.message,
            "created": list(report.get("created") or []), "errors": list(report.get("errors") or []),
            "warnings": list(report.get("warnings") or []), "counts": dict(report.get("counts") or {})}


def as_csv(job: SpreadsheetImport) -> str:
    """The errors and warnings as CSV text (with a BOM), safe to open in a spreadsheet program."""
    report = job.report or {}
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for kind in ("errors", "warnings"):
        for item in report.get(kind) or []:
            writer.writerow([kind[:-1], *(csv_safe(item.get(key)) for key in CSV_COLUMNS[1:])])
    return out.getvalue()


def filename(job: SpreadsheetImport) -> str:
    """The download's file name (ASCII: the original name may be Japanese)."""
    return f"import-{job.id}-report.csv"
