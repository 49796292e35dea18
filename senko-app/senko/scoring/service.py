"""Scoring rules: when an applicant is scored, what happens when senko-predict cannot answer.

A score comes from senko-predict (``scoring.client``) for the applicant's stored nouns. Without an
active model the applicant is ``unscored`` (not failed); while senko-predict is down the scoring
task retries, then leaves it unscored for the periodic rescore to catch up.
"""
from flask import current_app
from sqlalchemy import select

from senko_predict.contract import nouns_from_counts

from .. import queue
from ..extensions import db
from ..models import Applicant, ApplicantNoun, ApplicantStatus
from .client import NoModel, PredictUnavailable, predict


def threshold() -> float:
    """The triage threshold: scores at or above it go to human review."""
    return current_app.config["SENKO_TRIAGE_THRESHOLD"]


def document_of(applicant_id: int) -> list[str]:
    """The applicant's nouns as one document (each noun repeated by its count)."""
    rows = db.session.execute(
        select(ApplicantNoun.noun, ApplicantNoun.count).where(ApplicantNoun.applicant_id == applicant_id)
    ).all()
    return nouns_from_counts(rows)


def try_score(applicant: Applicant) -> str:
    """Score ``applicant`` now and commit: ``scored``, or ``unscored`` without an active model.

    Raises PredictUnavailable when senko-predict cannot answer (the caller decides about retrying).
    """
    try:
        answer = predict([document_of(applicant.id)])
    except NoModel as exc:
        applicant.mark_unscored(f"no active model ({exc.message})")
        db.session.commit()
        return applicant.status
    applicant.record_score(answer["probabilities"][0], answer["model_version"], answer["explanations"][0], threshold())
    db.session.commit()
    return applicant.status


def score(applicant_id: int) -> str | None:
    """Score one applicant if it can be scored (None when deleted or not at that stage).

    Raises PredictUnavailable while senko-predict is down.
    """
    applicant = db.session.get(Applicant, applicant_id)
    if applicant is None or not applicant.can_become(ApplicantStatus.SCORED):
        return None
    return try_score(applicant)


def give_up(applicant_id: int, why: str) -> str | None:
    """senko-predict stayed down through every retry: leave the applicant unscored (a later rescore catches up)."""
    applicant = db.session.get(Applicant, applicant_id)
    if applicant is None or not applicant.can_become(ApplicantStatus.UNSCORED):
        return None
    applicant.mark_unscored(f"senko-predict unavailable; a later rescore catches up ({why})")
    db.session.commit()
    return applicant.status


def score_or_queue(applicant: Applicant) -> str:
    """Score right away (saves a queue round trip); if senko-predict is down, hand over to the retrying task."""
    try:
        return try_score(applicant)
    except PredictUnavailable:
        queue.score_applicant(applicant.id, countdown=current_app.config["SENKO_SCORE_RETRY_BACKOFF"])
        return "queued for scoring"


def rescore_unscored(limit: int = 500) -> int:
    """Queue scoring for applicants left unscored (senko-predict was down or had no model)."""
    ids = db.session.scalars(
        select(Applicant.id).where(Applicant.status == ApplicantStatus.UNSCORED).limit(limit)).all()
    for applicant_id in ids:
        queue.score_applicant(applicant_id)
    return len(ids)
