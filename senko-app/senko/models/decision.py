"""The history of a person's decisions on an applicant: every change is kept, an undo included."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .mixins import Timestamp, isoformat, utcnow


class DecisionChange(db.Model):
    """One change of ``Applicant.decision``: from → to, by whom, when, and why (``note``)."""

    __tablename__ = "decision_changes"
    __table_args__ = (Index("ix_decision_changes_applicant_id_id", "applicant_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The history is part of the applicant's personal data: it goes when the applicant goes.
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id", ondelete="CASCADE"), nullable=False)
    from_decision: Mapped[str | None] = mapped_column(String(2))
    to_decision: Mapped[str | None] = mapped_column(String(2))
    note: Mapped[str | None] = mapped_column(Text)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, nullable=False)

    applicant = relationship("Applicant")
    changed_by = relationship("User", lazy="joined")

    def to_dict(self) -> dict:
        """Public representation."""
        return {
            "id": self.id,
            "from": self.from_decision,
            "to": self.to_decision,
            "note": self.note,
            "changed_by": self.changed_by.email if self.changed_by else None,
            "changed_at": isoformat(self.changed_at),
        }
