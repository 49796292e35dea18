"""What an audit needs and the model may never see: stated attributes, and a candidate model's shadow scores.

``ApplicantAttributes`` keeps what a résumé itself states (性別 if written, an age band from 生年月日,
the prefecture of 住所), one row per applicant, deleted with the applicant (``ON DELETE CASCADE``).
Nothing here is a feature: the nouns are masked and the scoring client sends only nouns. Only
auditors and admins read it (``GET /fairness/report``).

``ShadowScore`` is a candidate model's score for an applicant, kept apart from ``Applicant.score``:
shadow scoring changes nothing anyone sees or decides on.
"""
from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .mixins import Timestamp, utcnow

GENDERS = ("female", "male", "other")
AGE_BANDS = ("<25", "25-34", "35-44", "45-54", "55+")
ATTRIBUTES = ("gender", "age_band", "prefecture")


class ApplicantAttributes(db.Model):
    """The protected attributes a résumé states, for adverse-impact audits only (None: not stated)."""

    __tablename__ = "applicant_attributes"

    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id", ondelete="CASCADE"), primary_key=True)
    gender: Mapped[str | None] = mapped_column(String(8))
    age_band: Mapped[str | None] = mapped_column(String(8))
    prefecture: Mapped[str | None] = mapped_column(String(8))
    extracted_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, nullable=False)


class ShadowScore(db.Model):
    """A candidate model's score for one applicant (never shown as the applicant's score)."""

    __tablename__ = "shadow_scores"
    __table_args__ = (UniqueConstraint("model_id", "applicant_id", name="uq_shadow_scores_model_applicant"),
                      Index("ix_shadow_scores_applicant_id", "applicant_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("ml_models.id", ondelete="CASCADE"), nullable=False)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id", ondelete="CASCADE"), nullable=False)
    score: Mapped[float] = mapped_column(Float, nullable=False)
    # The active model's score at the time, to compare like with like (None: unscored then).
    active_score: Mapped[float | None] = mapped_column(Float)
    active_version: Mapped[str | None] = mapped_column(String(64))
    scored_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, nullable=False)
