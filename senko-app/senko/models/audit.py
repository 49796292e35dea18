"""The audit trail: who did what to which record, when and from where, kept after the record is gone.

Entries name records by type and id only, never by their personal data (a deleted applicant's
entry says ``applicant 42``, not the name), so deleting personal data leaves the trail intact.
"""
from datetime import datetime

from flask import has_request_context, request
from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .mixins import Timestamp, isoformat, utcnow


class AuditEntry(db.Model):
    """One action by a person (``actor_id``) or by Senko itself (no actor, e.g. the CLI or a job)."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_target", "target_type", "target_id"),
        Index("ix_audit_log_actor_id_id", "actor_id", "id"),
        Index("ix_audit_log_action_id", "action", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, nullable=False, index=True)
    # No ON DELETE: a user something refers to cannot be deleted, only deactivated.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40), nullable=False)
    target_type: Mapped[str | None] = mapped_column(String(20))
    target_id: Mapped[str | None] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(45))
    data: Mapped[dict | None] = mapped_column(JSON)

    actor = relationship("User", lazy="joined")

    def to_dict(self) -> dict:
        """Public representation (for admins)."""
        return {
            "id": self.id,
            "created_at": isoformat(self.created_at),
            "actor_id": self.actor_id,
            "actor": self.actor.email if self.actor else None,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "address": self.address,
            "data": self.data or {},
        }


def record_audit(action: str, actor_id: int | None, target_type: str | None = None, target_id=None, **data) -> AuditEntry:
    """Add an audit entry to the session (the caller commits it with the change it reports).

    The client's address comes from the request when there is one (after ProxyFix, the real client).
    """
    entry = AuditEntry(action=action, actor_id=actor_id, target_type=target_type,
                       target_id=None if target_id is None else str(target_id),
                       address=request.remote_addr if has_request_context() else None, data=data or None)
    db.session.add(entry)
    return entry
