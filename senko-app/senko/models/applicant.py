"""Applicants: one person applying, their résumé status, score and the human decision."""
from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .mixins import Timestamp, TimestampMixin, isoformat

STATUSES = ("no_resume", "queued", "processing", "scored", "unscored", "failed")
FAILURE_REASONS = ("encrypted", "no_text", "unreadable_font", "unparseable", "too_many_pages", "timeout")
DECISIONS = ("OK", "NG")


class Applicant(TimestampMixin, db.Model):
    """A job applicant. Senko scores them; a person decides (``decision``, ``decided_by``, ``decided_at``)."""

    __tablename__ = "applicants"
    __table_args__ = (
        Index("ix_applicants_created_at_id", "created_at", "id"),
        Index("ix_applicants_status", "status"),
        Index("ix_applicants_decision", "decision"),
        Index("ix_applicants_score", "score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    # Where the name came from: typed in (``entered``), a bulk upload's file name (``filename``,
    # provisional: the worker replaces it with the résumé's 氏名) or read from the résumé (``resume``).
    name_source: Mapped[str] = mapped_column(String(16), nullable=False, default="entered", server_default="entered")
    furigana: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
    applied_at: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="no_resume")
    failure_reason: Mapped[str | None] = mapped_column(String(32))
    score: Mapped[float | None] = mapped_column(Float)
    model_version: Mapped[str | None] = mapped_column(String(64))
    decision: Mapped[str | None] = mapped_column(String(2))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(Timestamp)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    failure_detail: Mapped[str | None] = mapped_column(String(500))
    resume_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    resume_filename: Mapped[str | None] = mapped_column(String(255))
    resume_size: Mapped[int | None] = mapped_column(Integer)
    resume_pages: Mapped[int | None] = mapped_column(Integer)
    # How often the worker started on the current résumé: a file that kills its worker every time
    # is given up as a timeout instead of being redelivered forever.
    # The résumé whose nouns are stored: a redelivered task skips straight to scoring.
    processed_sha256: Mapped[str | None] = mapped_column(String(64))
    processing_attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    masked_tokens: Mapped[int | None] = mapped_column(Integer)
    explanation: Mapped[list | None] = mapped_column(JSON)
    scored_at: Mapped[datetime | None] = mapped_column(Timestamp)


    decided_by = relationship("User", foreign_keys=[decided_by_id], lazy="joined")

    def triage(self, threshold: float) -> str:
        """``review`` when the score reaches ``threshold``, ``below`` under it, ``pending`` without a score."""
        if self.score is None:
            return "pending"
        return "review" if self.score >= threshold else "below"

    def to_dict(self, threshold: float, detail: bool = True) -> dict:
        """Public representation; lists leave out the (large) ``explanation`` (``detail=False``)."""
        data = {
            "id": self.id,
            "name": self.name,
            "name_source": self.name_source,
            "furigana": self.furigana,
            "email": self.email,
            "phone": self.phone,
            "applied_at": self.applied_at.isoformat() if self.applied_at else None,
            "source": self.source,
            "note": self.note,
            "status": self.status,
            "failure_reason": self.failure_reason,
            "failure_detail": self.failure_detail,
            "resume": None if not self.resume_sha256 else {
                "filename": self.resume_filename, "size": self.resume_size, "pages": self.resume_pages,
                "sha256": self.resume_sha256,
            },
            "masked_tokens": self.masked_tokens,
            "score": self.score,
            "model_version": self.model_version,
            "scored_at": isoformat(self.scored_at),
            "triage": self.triage(threshold),
            "decision": self.decision,
            "decided_by": self.decided_by.email if self.decided_by else None,
            "decided_at": isoformat(self.decided_at),
            "created_at": isoformat(self.created_at),
            "updated_at": isoformat(self.updated_at),
        }
        if detail:
            data["explanation"] = self.explanation
        return data
