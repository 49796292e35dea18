"""Scoring tasks: Celery's side of ``senko.scoring.service`` (retries with backoff)."""
from celery import shared_task
from flask import current_app

from .. import queue
from ..scoring import service
from ..scoring.client import PredictUnavailable


@shared_task(bind=True, name=queue.SCORE_APPLICANT, acks_late=True, reject_on_worker_lost=True)
def score_applicant(self, applicant_id: int) -> str | None:
    """Score one applicant; retries with exponential backoff while senko-predict is down, then leaves it unscored."""
    try:
        return service.score(applicant_id)
    except PredictUnavailable as exc:
        retries = current_app.config["SENKO_SCORE_RETRIES"]
        if self.request.retries < retries:
            raise self.retry(countdown=current_app.config["SENKO_SCORE_RETRY_BACKOFF"] ** (self.request.retries + 1),
                             max_retries=retries) from exc
        return service.give_up(applicant_id, exc.message)


@shared_task(name=queue.RESCORE_UNSCORED)
def rescore_unscored(limit: int = 500) -> int:
    """Queue scoring for applicants left unscored (senko-predict was down or had no model)."""
    return service.rescore_unscored(limit)
