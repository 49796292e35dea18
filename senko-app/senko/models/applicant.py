"""Applicants: one person applying, their résumé's way through the pipeline, the score and the human decision.

The status changes only through the transition methods of ``Applicant`` (the state machine drawn in
docs/architecture.md); each checks that the move is legal, raises ``IllegalTransition`` when it is
not, and records the event the UI shows. The caller commits.
"""
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, Integer, String, Text, bindparam, case, update
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..exceptions import IllegalTransition
from ..extensions import db
from .applicant_json import applicant_fields, triage
from .decision import DecisionChange
from .event import record_event
from .kana import KEY_LENGTH, fold
from .mixins import Timestamp, TimestampMixin, utcnow
from .source import ExternalId


class ApplicantStatus(StrEnum):
    """Where an applicant's résumé is in the pipeline (stored as its value, e.g. ``"queued"``)."""

    NO_RESUME = "no_resume"
    QUEUED = "queued"
    PROCESSING = "processing"
    SCORED = "scored"
    UNSCORED = "unscored"
    FAILED = "failed"


S = ApplicantStatus
STATUSES = tuple(status.value for status in ApplicantStatus)
# Target status → the statuses it may be reached from. Attaching a résumé is legal from anywhere.
TRANSITIONS: dict[ApplicantStatus, frozenset[ApplicantStatus]] = {
    S.QUEUED: frozenset(S),
    S.PROCESSING: frozenset({S.QUEUED, S.PROCESSING}),
    S.FAILED: frozenset({S.QUEUED, S.PROCESSING}),
    S.SCORED: frozenset({S.PROCESSING, S.SCORED, S.UNSCORED}),
    S.UNSCORED: frozenset({S.PROCESSING, S.SCORED, S.UNSCORED}),
}
# Statuses whose résumé is waiting for (or in) the pipeline.
IN_PIPELINE = frozenset({S.QUEUED, S.PROCESSING})
FAILURE_REASONS = ("encrypted", "no_text", "unreadable_font", "unparseable", "too_many_pages", "too_large", "timeout",
                   "not_resume")
DECISIONS = ("OK", "NG")
# Binary collation: folded keys sort in code-point (あいうえお) order and a prefix is a plain index range.
FoldedKey = String(KEY_LENGTH).with_variant(mysql.VARCHAR(KEY_LENGTH, charset="utf8mb4", collation="utf8mb4_bin"),
                                            "mysql", "mariadb")


class Applicant(TimestampMixin, db.Model):
    """A job applicant. Senko scores them; a person decides (``decision``, ``decided_by``, ``decided_at``)."""

    __tablename__ = "applicants"
    __table_args__ = (
        Index("ix_applicants_created_at_id", "created_at", "id"),
        Index("ix_applicants_email", "email"),
        # GET /applicants: each filter/sort combination it offers walks one of these in order (bench/explain.txt).
        Index("ix_applicants_score_id", "score", "id"),
        Index("ix_applicants_status_score_id", "status", "score", "id"),
        Index("ix_applicants_status_applied_at_id", "status", "applied_at", "id"),
        Index("ix_applicants_status_updated_at_id", "status", "updated_at", "id"),
        Index("ix_applicants_decision_score_id", "decision", "score", "id"),
        Index("ix_applicants_source_score_id", "source", "score", "id"),
        Index("ix_applicants_applied_at_id", "applied_at", "id"),
        Index("ix_applicants_updated_at_id", "updated_at", "id"),
        Index("ix_applicants_furigana_key_id", "furigana_key", "id"),
        Index("ix_applicants_name_key", "name_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    # Where the name came from: typed in (``entered``), a bulk upload's file name (``filename``,
    # provisional: the worker replaces it with the résumé's 氏名) or read from the résumé (``resume``).
    name_source: Mapped[str] = mapped_column(String(16), nullable=False, default="entered", server_default="entered")
    furigana: Mapped[str | None] = mapped_column(String(100))
    # Kana-folded sort and prefix keys (``kana.fold``), kept by ``_fold_name_keys``: the name's, and the
    # ふりがな's (the name's when there is no ふりがな) for sorting in ふりがな order.
    name_key: Mapped[str | None] = mapped_column(FoldedKey)
    furigana_key: Mapped[str | None] = mapped_column(FoldedKey)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
    applied_at: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(String(100))
    # The application's id on the job board it came from (with ``source``, the board's name).
    external_id: Mapped[str | None] = mapped_column(ExternalId)
    # Another applicant who looks like the same person (same e-mail, or name + phone): flagged, never merged.
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("applicants.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=ApplicantStatus.NO_RESUME.value)
    failure_reason: Mapped[str | None] = mapped_column(String(32))
    score: Mapped[float | None] = mapped_column(Float)
    model_version: Mapped[str | None] = mapped_column(String(64))
    decision: Mapped[str | None] = mapped_column(String(2))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(Timestamp)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    failure_detail: Mapped[str | None] = mapped_column(String(500))
    resume_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    resume_filename: Mapped[str | None] = mapped_column(String(255))
    resume_size: Mapped[int | None] = mapped_column(Integer)
    resume_pages: Mapped[int | None] = mapped_column(Integer)
    # How often the worker started on the current résumé: a file that kills its worker every time
    # is given up as a timeout instead of being redelivered forever.
    # The résumé whose nouns are stored: a redelivered task skips straight to scoring.
    processed_sha256: Mapped[str | None] = mapped_column(String(64))
    processing_attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    masked_tokens: Mapped[int | None] = mapped_column(Integer)
    # Characters of the résumé a reader does not see (invisible, background-coloured, tiny, off the page):
    # left out of the nouns; more than 0 flags the applicant (score stuffing).
    hidden_chars: Mapped[int | None] = mapped_column(Integer)
    explanation: Mapped[list | None] = mapped_column(JSON)
    scored_at: Mapped[datetime | None] = mapped_column(Timestamp)

    decided_by = relationship("User", foreign_keys=[decided_by_id], lazy="joined")

    @validates("name", "furigana")
    def _fold_name_keys(self, field: str, value: str | None) -> str | None:
        """The one place ``name_key``/``furigana_key`` are set: whenever the name or the ふりがな is."""
        name = value if field == "name" else self.name
        furigana = value if field == "furigana" else self.furigana
        self.name_key, self.furigana_key = fold(name), fold(furigana or name)
        return value

    # ---- the lifecycle ---------------------------------------------------------------------------
    def can_become(self, target: ApplicantStatus) -> bool:
        """True when moving to ``target`` from the current status is legal (a new, unsaved applicant has no résumé)."""
        return ApplicantStatus(self.status or S.NO_RESUME) in TRANSITIONS[target]

    def _move(self, target: ApplicantStatus) -> None:
        if not self.can_become(target):
            raise IllegalTransition(f"Applicant {self.id} cannot go from {self.status} to {target.value}")
        self.status = target.value

    def attach_resume(self, sha256: str, filename: str, size: int) -> str | None:
        """Take a (new) résumé and queue it: every pipeline result of the previous one is cleared.

        Returns the digest of the résumé this one replaced, or None.
        """
        previous = self.resume_sha256
        self._move(S.QUEUED)
        self.resume_sha256, self.resume_filename, self.resume_size = sha256, filename, size
        self.resume_pages = self.masked_tokens = self.processed_sha256 = self.hidden_chars = None
        self.failure_reason = self.failure_detail = None
        self.score = self.model_version = self.explanation = self.scored_at = None
        self.processing_attempts = 0
        return previous if previous != sha256 else None

    def count_attempt(self) -> int:
        """Count one more start of the worker on the current résumé; returns the count."""
        self.processing_attempts = (self.processing_attempts or 0) + 1
        return self.processing_attempts

    def start_processing(self) -> None:
        """The worker begins reading the résumé."""
        self._move(S.PROCESSING)

    def fail(self, reason: str, detail: str) -> None:
        """The résumé cannot be processed: keep the applicant, say why (``reason`` is a FAILURE_REASONS word)."""
        self._move(S.FAILED)
        self.failure_reason, self.failure_detail = reason, detail[:500]
        record_event("failed", f"{self.name}さんの書類を読み取れませんでした ({reason})", self.id,
                     name=self.name, failure_reason=reason, detail=detail[:500])

    def adopt_resume_name(self, name: str | None, furigana: str | None) -> None:
        """Replace a bulk upload's provisional name (its file name) with the 氏名/ふりがな read from the résumé.

        A name typed by a person (``name_source`` ``entered``) is never overwritten.
        """
        if self.name_source != "filename":
            return
        if name:
            self.name, self.name_source = name[:100], "resume"
        if furigana and not self.furigana:
            self.furigana = furigana[:100]

    def record_extraction(self, pages: int, masked_tokens: int, warnings: list[str],
                          hidden: dict[str, int] | None = None) -> None:
        """The nouns of the current résumé are stored; scoring comes next (the status stays ``processing``).

        ``hidden`` counts the characters left out as unseen, by reason; any at all are told with a ``hidden_text`` event.
        """
        if self.status != S.PROCESSING:
            raise IllegalTransition(f"Applicant {self.id} is {self.status}, not processing")
        self.resume_pages, self.masked_tokens = pages, masked_tokens
        self.processed_sha256 = self.resume_sha256
        self.failure_reason = None
        self.failure_detail = "; ".join(warnings)[:500] or None
        self.hidden_chars = sum((hidden or {}).values())
        if self.hidden_chars:
            record_event("hidden_text", f"{self.name}さんの書類に見えない文字が{self.hidden_chars}文字あります (採点には使いません)",
                         self.id, name=self.name, hidden_chars=self.hidden_chars, reasons=hidden)

    @property
    def extracted(self) -> bool:
        """True when the nouns of the current résumé are stored."""
        return bool(self.resume_sha256) and self.processed_sha256 == self.resume_sha256

    def record_score(self, probability: float, model_version: str, explanation: list, threshold: float,
                     notify: bool = True) -> None:
        """Store a score; unless ``notify`` is off (bulk rescoring), tell the UI with a ``scored`` event."""
        self._move(S.SCORED)
        self.score, self.model_version, self.explanation = float(probability), model_version, explanation
        self.scored_at = utcnow()
        self.failure_detail = None
        if notify:
            record_event("scored", f"{self.name}さんの書類選考スコア: {round(self.score * 100)}%", self.id,
                         name=self.name, score=self.score, model_version=model_version,
                         triage=self.triage(threshold))

    @classmethod
    def record_scores(cls, applicants: list["Applicant"], scores: dict, model_version: str) -> int:
        """Store many scores (``{id: (probability, explanation)}``) in ONE UPDATE, no events (bulk rescoring).

        Each move is checked like ``record_score``'s; the caller commits. Returns how many were stored.
        """
        ids = [a.id for a in applicants if a.id in scores]
        for applicant in applicants:
            if applicant.id in scores and not applicant.can_become(S.SCORED):
                raise IllegalTransition(f"Applicant {applicant.id} cannot go from {applicant.status} to scored")
        if ids:
            explanations = {i: bindparam(None, scores[i][1], type_=JSON) for i in ids}
            db.session.execute(update(cls).where(cls.id.in_(ids)).values(
                status=S.SCORED.value, model_version=model_version, scored_at=utcnow(), failure_detail=None,
                score=case({i: float(scores[i][0]) for i in ids}, value=cls.id),
                explanation=case(explanations, value=cls.id)), execution_options={"synchronize_session": False})
        return len(ids)

    def mark_unscored(self, why: str) -> None:
        """No score for now (no active model, or senko-predict down): not a failure; a later rescore catches up."""
        self._move(S.UNSCORED)
        self.failure_detail = why[:500]
        record_event("unscored", f"{self.name}さんの書類を取り込みました (スコア未算出)", self.id,
                     name=self.name, detail=why[:500])

    def decide(self, decision: str | None, user_id: int | None, note: str | None = None) -> bool:
        """Record a person's decision (``OK``/``NG``, or None to clear it) with who and when; True if it changed.

        Every change is kept in the applicant's decision history (``DecisionChange``), an undo included.
        Deciding does not depend on the pipeline: a person may decide without a score.
        """
        if decision not in (*DECISIONS, None):
            raise ValueError(f"decision must be one of {DECISIONS} or None")
        if decision == self.decision:
            return False
        db.session.add(DecisionChange(applicant=self, from_decision=self.decision, to_decision=decision,
                                      note=note, changed_by_id=user_id, changed_at=utcnow()))
        self.decision = decision
        self.decided_by_id = user_id if decision else None
        self.decided_at = utcnow() if decision else None
        return True

    def triage(self, threshold: float) -> str:
        """``review`` when the score reaches ``threshold``, ``below`` under it, ``pending`` without a score."""
        return triage(self.score, threshold)

    def to_dict(self, threshold: float, detail: bool = True) -> dict:
        """Public representation; lists leave out the (large) ``explanation`` (``detail=False``)."""
        return applicant_fields(self, threshold, self.decided_by.email if self.decided_by else None, detail)
