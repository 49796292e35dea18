"""Events: completions and failures, read by the UI with a cursor (``GET /events?after=<id>``)."""
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .mixins import Timestamp, isoformat, utcnow


class Event(db.Model):
    """Something the UI may tell the user about; ``id`` is the cursor."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    # Events about an applicant go when the applicant goes (they name the person).
    applicant_id: Mapped[int | None] = mapped_column(ForeignKey("applicants.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(String(500), nullable=False)
    data: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[object] = mapped_column(Timestamp, default=utcnow, nullable=False)

    def to_dict(self) -> dict:
        """Public representation of the event."""
        return {
            "id": self.id,
            "kind": self.kind,
            "applicant_id": self.applicant_id,
            "message": self.message,
            "data": self.data or {},
            "created_at": isoformat(self.created_at),
        }


def record_event(kind: str, message: str, applicant_id: int | None = None, **data) -> Event:
    """Add an event to the session (the caller commits it with the change it reports)."""
    event = Event(kind=kind, message=message, applicant_id=applicant_id, data=data or None)
    db.session.add(event)
    return event
