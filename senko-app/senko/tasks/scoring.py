"""Scoring: ask senko-predict for the OK probability of an applicant's nouns and store it."""
import logging

from celery import shared_task
from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import Applicant, ApplicantNoun, record_event
from ..models.mixins import utcnow
from ..scoring.client import NoModel, PredictUnavailable, predict

log = logging.getLogger(__name__)
SCORABLE = ("processing", "unscored", "scored")


def document_of(applicant_id: int) -> list[str]:
    """The applicant's nouns as one document (each noun repeated by its count)."""
    rows = db.session.execute(
        select(ApplicantNoun.noun, ApplicantNoun.count).where(ApplicantNoun.applicant_id == applicant_id)
    ).all()
    return [noun for noun, count in rows for _ in range(count)]


def apply_score(applicant: Applicant, probability: float, model_version: str, explanation: list,
                notify: bool = True) -> None:
    """Store a score and (unless ``notify`` is off, as in bulk rescoring) tell the UI; the caller commits."""
    applicant.score = float(probability)
    applicant.model_version = model_version
    applicant.explanation = explanation
    applicant.scored_at = utcnow()
    applicant.status = "scored"
    applicant.failure_detail = None
    if not notify:
        return
    threshold = current_app.config["SENKO_TRIAGE_THRESHOLD"]
    record_event("scored", f"{applicant.name}さんの書類選考スコア: {round(probability * 100)}%", applicant.id,
                 name=applicant.name, score=applicant.score, model_version=model_version,
                 triage=applicant.triage(threshold))


def mark_unscored(applicant: Applicant, why: str) -> None:
    """Leave the applicant without a score (not a failure) and tell the UI (the caller commits)."""
    applicant.status = "unscored"
    applicant.failure_detail = why[:500]
    record_event("unscored", f"{applicant.name}さんの書類を取り込みました (スコア未算出)", applicant.id,
                 name=applicant.name, detail=why[:500])


def try_score(applicant: Applicant) -> str:
    """Score ``applicant`` now: ``scored``, or ``unscored`` without an active model.

    Raises PredictUnavailable when senko-predict cannot answer (the caller decides about retrying).
    """
    try:
        answer = predict([document_of(applicant.id)])
    except NoModel as exc:
        mark_unscored(applicant, f"no active model ({exc})")
        db.session.commit()
        return "unscored"
    apply_score(applicant, answer["probabilities"][0], answer["model_version"], answer["explanations"][0])
    db.session.commit()
    return "scored"


@shared_task(bind=True, name="senko.tasks.scoring.score_applicant", acks_late=True, reject_on_worker_lost=True)
def score_applicant(self, applicant_id: int) -> str | None:
    """Score one applicant; retries with exponential backoff while senko-predict is down, then leaves it unscored."""
    applicant = db.session.get(Applicant, applicant_id)
    if applicant is None or applicant.status not in SCORABLE:
        return None
    try:
        return try_score(applicant)
    except PredictUnavailable as exc:
        retries = current_app.config["SENKO_SCORE_RETRIES"]
        if self.request.retries < retries:
            raise self.retry(countdown=current_app.config["SENKO_SCORE_RETRY_BACKOFF"] ** (self.request.retries + 1),
                             max_retries=retries) from exc
        mark_unscored(applicant, f"senko-predict unavailable; a later rescore catches up ({exc})")
        db.session.commit()
        return "unscored"


def score_or_queue(applicant: Applicant) -> str:
    """Score right away (saves a queue round trip); if senko-predict is down, hand over to the retrying task."""
    try:
        return try_score(applicant)
    except PredictUnavailable:
        score_applicant.apply_async((applicant.id,), countdown=current_app.config["SENKO_SCORE_RETRY_BACKOFF"])
        return "queued for scoring"


@shared_task(name="senko.tasks.scoring.rescore_unscored")
def rescore_unscored(limit: int = 500) -> int:
    """Queue scoring for applicants left unscored (predict was down or had no model)."""
    ids = db.session.scalars(select(Applicant.id).where(Applicant.status == "unscored").limit(limit)).all()
    for applicant_id in ids:
        score_applicant.delay(applicant_id)
    return len(ids)
