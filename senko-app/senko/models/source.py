"""Job-board sources (媒体), their runs, the applications fetched from them, and the SSRF allow list."""
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, select
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .mixins import Timestamp, TimestampMixin, isoformat, utcnow

RUN_STATUSES = ("running", "ok", "partial", "failed")
# A board's application id, compared byte for byte: "abc" and "ABC" are two applications (the default
# collation would call them equal, and the second would never be imported).
ExternalId = String(200).with_variant(mysql.VARCHAR(200, charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb")


class Source(TimestampMixin, db.Model):
    """A board Senko fetches applications from. ``name`` is also each applicant's ``source``.

    ``settings`` holds what may be shown; the secrets (passwords, API keys) are only in
    ``secrets_encrypted`` (Fernet, key from the environment) and never leave the server.
    """

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    settings: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    secrets_encrypted: Mapped[str | None] = mapped_column(Text)
    # Times of day (HH:MM, Asia/Tokyo) when beat runs it.
    schedule: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    lookback_days: Mapped[int] = mapped_column(Integer, nullable=False, default=30)
    # Where an incremental board continues on the next run (advanced only after a committed page).
    cursor: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    def latest_run(self) -> "SourceRun | None":
        """The newest run of this source, if any."""
        return db.session.scalar(select(SourceRun).where(SourceRun.source_id == self.id)
                                 .order_by(SourceRun.id.desc()).limit(1))


class SourceRun(db.Model):
    """One fetch of one source: when, how it ended, what it counted, and the problems of single items."""

    __tablename__ = "source_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True, nullable=False)
    trigger: Mapped[str] = mapped_column(String(16), nullable=False, default="manual")  # manual | schedule
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="running")
    started_at: Mapped[datetime] = mapped_column(Timestamp, nullable=False, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(Timestamp)
    seen: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    new: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    errors: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    reason: Mapped[str | None] = mapped_column(String(500))
    item_errors: Mapped[list | None] = mapped_column(JSON)
    # The page this run has committed up to: a crashed run resumes after it.
    cursor: Mapped[str | None] = mapped_column(String(500))

    source = relationship(Source)

    def to_dict(self) -> dict:
        """Public representation (the fixed contract of ``GET /sources/<id>/runs``, plus trigger and item errors)."""
        return {
            "id": self.id,
            "status": self.status,
            "trigger": self.trigger,
            "started_at": isoformat(self.started_at),
            "finished_at": isoformat(self.finished_at),
            "seen": self.seen,
            "new": self.new,
            "duplicates": self.duplicates,
            "errors": self.errors,
            "reason": self.reason,
            "item_errors": self.item_errors or [],
        }


class SourceItem(db.Model):
    """An application fetched from a source: (source, external id) is fetched exactly once.

    The row stays when its applicant is deleted (``applicant_id`` becomes null): a deleted applicant
    is not fetched again within the look-back. It holds the board's id, no personal data.
    """

    __tablename__ = "source_items"

    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True)
    external_id: Mapped[str] = mapped_column(ExternalId, primary_key=True)
    applicant_id: Mapped[int | None] = mapped_column(ForeignKey("applicants.id", ondelete="SET NULL"), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("source_runs.id", ondelete="SET NULL"))
    fetched_at: Mapped[datetime] = mapped_column(Timestamp, nullable=False, default=utcnow)


class SourceAllowList(db.Model):
    """The admins' SSRF allow list (one row): addresses a source may reach although they are private or loopback."""

    __tablename__ = "source_allow_list"

    id: Mapped[int] = mapped_column(primary_key=True)
    entries: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime | None] = mapped_column(Timestamp)

    updated_by = relationship("User")

    @classmethod
    def current(cls) -> "SourceAllowList":
        """The stored list (an empty, unsaved one before the first change)."""
        return db.session.get(cls, 1) or cls(id=1, entries=[])
