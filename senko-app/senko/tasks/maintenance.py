"""Safety nets for the pipeline: nothing stays queued or processing forever."""
from datetime import timedelta

from celery import shared_task
from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import Applicant
from ..models.mixins import utcnow


@shared_task(name="senko.tasks.maintenance.recover_stuck")
def recover_stuck(queued_after: int = 600) -> dict:
    """Requeue résumés queued too long (lost message) or processing past the hard time limit (killed worker)."""
    from .ingest import enqueue_resume

    now = utcnow()
    processing_cutoff = now - timedelta(seconds=current_app.config["SENKO_PDF_TIME_LIMIT"] + 60)
    queued_cutoff = now - timedelta(seconds=queued_after)
    stuck = db.session.scalars(
        select(Applicant.id).where(
            ((Applicant.status == "processing") & (Applicant.updated_at < processing_cutoff))
            | ((Applicant.status == "queued") & (Applicant.updated_at < queued_cutoff))
        )
    ).all()
    for applicant_id in stuck:
        # process_resume counts attempts and gives up as "timeout" past SENKO_PDF_MAX_ATTEMPTS.
        enqueue_resume(applicant_id)
    return {"requeued": len(stuck)}
