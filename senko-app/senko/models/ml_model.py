"""The model registry: every trained or imported model, its metrics, file digest and status."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .mixins import Timestamp, TimestampMixin, isoformat

MODEL_STATUSES = ("candidate", "active", "retired")


class MlModel(TimestampMixin, db.Model):
    """One model version. Exactly one is ``active``; senko-predict serves that one."""

    __tablename__ = "ml_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    algorithm: Mapped[str] = mapped_column(String(100), nullable=False)
    source: Mapped[str] = mapped_column(String(16), nullable=False, default="trained")  # trained | imported
    params: Mapped[dict | None] = mapped_column(JSON)
    metrics: Mapped[dict | None] = mapped_column(JSON)
    training_size: Mapped[int | None] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="candidate", index=True)
    trained_at: Mapped[datetime | None] = mapped_column(Timestamp)
    activated_at: Mapped[datetime | None] = mapped_column(Timestamp)
    # Set when a rollback took this model out of service: later rollbacks skip it, so rolling back
    # twice steps back two versions instead of bouncing between the last two. Activating clears it.
    rolled_back_at: Mapped[datetime | None] = mapped_column(Timestamp)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The model card (``training.governance``), frozen when first built; an admin acknowledges it before
    # the model is activated for the first time.
    card: Mapped[dict | None] = mapped_column(JSON)
    card_acknowledged_at: Mapped[datetime | None] = mapped_column(Timestamp)
    card_acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    card_note: Mapped[str | None] = mapped_column(String(500))

    created_by = relationship("User", lazy="joined", foreign_keys=[created_by_id])
    card_acknowledged_by = relationship("User", lazy="joined", foreign_keys=[card_acknowledged_by_id])

    @classmethod
    def active(cls) -> "MlModel | None":
        """The active model, if any."""
        return db.session.scalar(select(cls).where(cls.status == "active").order_by(cls.activated_at.desc()).limit(1))

    @classmethod
    def by_version(cls, version: str) -> "MlModel | None":
        """The model with this version string, or None."""
        return db.session.scalar(select(cls).where(cls.version == version))

    def to_dict(self) -> dict:
        """Public representation."""
        return {
            "version": self.version,
            "algorithm": self.algorithm,
            "source": self.source,
            "status": self.status,
            "params": self.params or {},
            "metrics": self.metrics or {},
            "training_size": self.training_size,
            "sha256": self.sha256,
            "created_by": self.created_by.email if self.created_by else None,
            "created_at": isoformat(self.created_at),
            "trained_at": isoformat(self.trained_at),
            "activated_at": isoformat(self.activated_at),
            "rolled_back_at": isoformat(self.rolled_back_at),
            "card_acknowledged_at": isoformat(self.card_acknowledged_at),
            "card_acknowledged_by": self.card_acknowledged_by.email if self.card_acknowledged_by else None,
        }
