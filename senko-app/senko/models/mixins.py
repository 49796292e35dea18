"""Column helpers shared by the models."""
from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import Mapped, mapped_column

# Microsecond precision on MySQL/MariaDB (DATETIME defaults to whole seconds there).
Timestamp = DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def utcnow() -> datetime:
    """Naive UTC now: every timestamp column stores UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def isoformat(value: datetime | None) -> str | None:
    """Render a stored naive-UTC timestamp as ISO 8601 with a ``Z``."""
    return None if value is None else value.isoformat(timespec="seconds") + "Z"


class TimestampMixin:
    """``created_at`` / ``updated_at`` maintained by SQLAlchemy."""

    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, onupdate=utcnow, nullable=False)
