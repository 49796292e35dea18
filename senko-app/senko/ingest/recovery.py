"""Safety net for the pipeline: nothing stays queued or processing forever."""
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from .. import queue
from ..extensions import db
from ..models import Applicant, ApplicantStatus
from ..models.mixins import utcnow


def requeue_stuck(queued_after: int = 600) -> dict:
    """Requeue résumés queued too long (lost message) or processing past the hard time limit (killed worker).

    The pipeline counts attempts and gives up as ``timeout`` past ``SENKO_PDF_MAX_ATTEMPTS``.
    """
    now = utcnow()
    processing_cutoff = now - timedelta(seconds=current_app.config["SENKO_PDF_TIME_LIMIT"] + 60)
    queued_cutoff = now - timedelta(seconds=queued_after)
    stuck = db.session.scalars(
        select(Applicant.id).where(
            ((Applicant.status == ApplicantStatus.PROCESSING) & (Applicant.updated_at < processing_cutoff))
            | ((Applicant.status == ApplicantStatus.QUEUED) & (Applicant.updated_at < queued_cutoff))
        )
    ).all()
    for applicant_id in stuck:
        queue.process_resume(applicant_id)
    return {"requeued": len(stuck)}
