"""The résumé task: Celery's side of ``senko.ingest.pipeline.process`` (limits, retries, acks)."""
import logging

from billiard.exceptions import SoftTimeLimitExceeded
from celery import shared_task
from flask import current_app
from sqlalchemy.exc import OperationalError

from .. import queue
from ..extensions import db
from ..ingest import pipeline

log = logging.getLogger(__name__)


@shared_task(bind=True, name=queue.PROCESS_RESUME, acks_late=True, reject_on_worker_lost=True, max_retries=5)
def process_resume(self, applicant_id: int) -> dict | None:
    """Run the résumé pipeline for ``applicant_id``.

    The soft time limit fails the applicant as ``timeout``; a database hiccup (deadlock, lost
    connection) rolls back and retries shortly. The pipeline is idempotent, so a retry or a
    redelivery never stores anything twice.
    """
    # The limits travel with the message (senko.queue.process_resume); report the one that applied.
    soft_limit = (self.request.timelimit or (None, None))[1] or current_app.config["SENKO_PDF_SOFT_TIME_LIMIT"]
    try:
        return pipeline.process(applicant_id)
    except SoftTimeLimitExceeded:
        db.session.rollback()
        return pipeline.fail_timeout(applicant_id, soft_limit)
    except OperationalError as exc:
        db.session.rollback()
        log.warning("applicant %s: database error, retrying: %s", applicant_id, exc.orig)
        raise self.retry(countdown=1 + self.request.retries, exc=exc) from exc
