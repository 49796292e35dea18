"""Users of Senko: recruiters and admins."""
from datetime import datetime

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .mixins import Timestamp, TimestampMixin, isoformat

ROLES = ("admin", "recruiter")


class User(TimestampMixin, db.Model):
    """A person who can log in. ``role`` decides what they may do."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False, default="recruiter")
    last_login_at: Mapped[datetime | None] = mapped_column(Timestamp, nullable=True)

    @classmethod
    def by_email(cls, email: str) -> "User | None":
        """The user with this email (emails are stored lower-cased), or None."""
        return db.session.scalar(select(cls).where(cls.email == email.strip().lower()))

    def to_dict(self) -> dict:
        """Public representation (never the password hash)."""
        return {
            "id": self.id,
            "email": self.email,
            "name": self.name,
            "role": self.role,
            "created_at": isoformat(self.created_at),
            "last_login_at": isoformat(self.last_login_at),
        }
