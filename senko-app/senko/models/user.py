"""Users of Senko: recruiters, admins and auditors (who read the adverse-impact report)."""
from datetime import datetime

from sqlalchemy import Boolean, Integer, String, select, true
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .mixins import Timestamp, TimestampMixin, isoformat

ROLES = ("admin", "recruiter", "auditor")


class User(TimestampMixin, db.Model):
    """A person who can log in. ``role`` decides what they may do."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False, default="recruiter")
    last_login_at: Mapped[datetime | None] = mapped_column(Timestamp, nullable=True)
    # Users are deactivated, never deleted while anything refers to them (decisions, audit entries).
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True, server_default=true())
    # Every token carries the generation it was issued under; raising it ends all of the user's sessions.
    token_generation: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")

    @classmethod
    def by_email(cls, email: str) -> "User | None":
        """The user with this email (emails are stored lower-cased), or None."""
        return db.session.scalar(select(cls).where(cls.email == email.strip().lower()))

    def end_sessions(self) -> None:
        """Invalidate every token issued so far (password change, deactivation, "log out everywhere")."""
        self.token_generation = (self.token_generation or 0) + 1

    def set_active(self, active: bool) -> None:
        """Activate or deactivate; deactivating also ends every session."""
        if self.active and not active:
            self.end_sessions()
        self.active = active

    def to_dict(self) -> dict:
        """Public representation (never the password hash)."""
        return {
            "id": self.id,
            "email": self.email,
            "name": self.name,
            "role": self.role,
            "active": self.active,
            "created_at": isoformat(self.created_at),
            "last_login_at": isoformat(self.last_login_at),
        }
