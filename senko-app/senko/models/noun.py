"""The nouns kept from each applicant's résumé, with counts: the model's features, queryable for analysis."""
from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

# Binary collation: "データ" and "でーた" are different nouns (the *_ci collations would merge them).
NounText = String(100).with_variant(mysql.VARCHAR(100, charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb")


class ApplicantNoun(db.Model):
    """One noun of one applicant's résumé and how often it occurs."""

    __tablename__ = "applicant_nouns"
    __table_args__ = (Index("ix_applicant_nouns_noun", "noun"),)

    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id", ondelete="CASCADE"), primary_key=True)
    noun: Mapped[str] = mapped_column(NounText, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, nullable=False)
