"""Spreadsheet imports (神エクセル, issue 11): one uploaded applicant list, its preview, the chosen mapping and the report.

An import moves ``parsing`` → ``ready`` (the worker read the sheets: ``preview`` holds them) →
``committing`` (a person confirmed the sheets and mappings: ``choice``) → ``done`` (``report``), or
to ``failed`` from any of the first three with a message. The status changes only through the
methods below; the caller commits. ``ImportMapping`` remembers the mapping chosen for a header
signature, so next month's file of the same layout maps itself.
"""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..exceptions import Conflict
from ..extensions import db
from .mixins import Timestamp, TimestampMixin, isoformat, utcnow


class ImportStatus(StrEnum):
    """Where an import is: parsing, ready (previewed, waiting for a person), committing, done, failed."""

    PARSING = "parsing"
    READY = "ready"
    COMMITTING = "committing"
    DONE = "done"
    FAILED = "failed"


St = ImportStatus
IMPORT_STATUSES = tuple(status.value for status in ImportStatus)
FINISHED = frozenset({St.DONE, St.FAILED})


class SpreadsheetImport(TimestampMixin, db.Model):
    """One uploaded spreadsheet (or CSV) of applicants, stored by its sha256 until it is done."""

    __tablename__ = "spreadsheet_imports"
    __table_args__ = (Index("ix_spreadsheet_imports_created_at_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=St.PARSING.value)
    # Why it failed (``unsupported``, ``too_large``, ``invalid``, ``error``), and the message a person reads.
    reason: Mapped[str | None] = mapped_column(String(32))
    message: Mapped[str | None] = mapped_column(String(500))
    # The sheets as the reader saw them (``SheetPreview.to_dict()`` each), with the proposed mappings.
    preview: Mapped[list | None] = mapped_column(JSON)
    # What a person confirmed: ``{"sheets": [{"name", "mapping"}], "options": {...}}``.
    choice: Mapped[dict | None] = mapped_column(JSON)
    # ``{"created": [ids], "errors": [...], "warnings": [...], "counts": {...}, "sheets_done": [...]}``.
    report: Mapped[dict | None] = mapped_column(JSON)
    rows_total: Mapped[int | None] = mapped_column(Integer)
    rows_done: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    # How often a worker started on the current phase (reading, committing): a file that kills its worker
    # every time is given up instead of being redelivered forever.
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    finished_at: Mapped[datetime | None] = mapped_column(Timestamp)

    # ---- the lifecycle ---------------------------------------------------------------------------
    def mark_ready(self, preview: list[dict]) -> None:
        """The worker read the sheets: keep the preview (with the proposed mappings) for a person to confirm."""
        if self.status != St.PARSING:
            raise Conflict(f"Import {self.id} is {self.status}, not {St.PARSING.value}")
        self.status, self.preview, self.message = St.READY.value, preview, None

    def start_commit(self, choice: dict, rows_total: int | None) -> None:
        """A person confirmed sheets and mappings: the worker may commit (only from ``ready``, else ``Conflict``)."""
        if self.status != St.READY:
            raise Conflict(f"Import {self.id} is {self.status}: only a ready import can be committed")
        self.status, self.choice, self.rows_total, self.rows_done = St.COMMITTING.value, choice, rows_total, 0
        self.attempts = 0
        self.report = {"created": [], "errors": [], "warnings": [], "counts": {}, "sheets_done": []}

    def mark_done(self, message: str) -> None:
        """Every chosen sheet is committed (``report`` is complete)."""
        if self.status != St.COMMITTING:
            raise Conflict(f"Import {self.id} is {self.status}, not {St.COMMITTING.value}")
        self.status, self.message, self.finished_at = St.DONE.value, message[:500], utcnow()

    def fail(self, reason: str, message: str) -> None:
        """The file cannot be read or committed: keep the import with the reason (sheets committed stay)."""
        if self.status in FINISHED:
            raise Conflict(f"Import {self.id} is already {self.status}")
        self.status, self.reason, self.message, self.finished_at = St.FAILED.value, reason[:32], message[:500], utcnow()

    def count_attempt(self) -> int:
        """Count one more start of a worker on the current phase; returns the count (the caller commits)."""
        self.attempts = (self.attempts or 0) + 1
        return self.attempts

    @property
    def finished(self) -> bool:
        """True when done or failed."""
        return self.status in FINISHED

    def to_dict(self, detail: bool = True) -> dict:
        """Public representation (the contract of ``GET /imports/<id>``); lists leave out the sheets."""
        counts = (self.report or {}).get("counts") or {}
        data = {
            "id": self.id,
            "filename": self.filename,
            "sha256": self.sha256,
            "size": self.size,
            "status": self.status,
            "reason": self.reason,
            "message": self.message,
            "progress": {"done": self.rows_done or 0, "total": self.rows_total},
            "counts": counts,
            "created_at": isoformat(self.created_at),
            "finished_at": isoformat(self.finished_at),
        }
        if detail:
            data["sheets"] = self.preview or []
            data["choice"] = self.choice
        return data


class ImportMapping(TimestampMixin, db.Model):
    """The mapping (column label → Senko field or None) last confirmed for a header signature."""

    __tablename__ = "import_mappings"

    id: Mapped[int] = mapped_column(primary_key=True)
    signature: Mapped[str] = mapped_column(String(128), nullable=False, unique=True)
    mapping: Mapped[dict] = mapped_column(JSON, nullable=False)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
