"""Maintenance tasks: Celery's side of the pipeline's safety net and of retention."""
from celery import shared_task

from .. import queue, retention
from ..ingest.recovery import requeue_stuck


@shared_task(name=queue.RECOVER_STUCK)
def recover_stuck(queued_after: int = 600) -> dict:
    """Requeue résumés queued too long (lost message) or processing past the hard time limit (killed worker)."""
    return requeue_stuck(queued_after)


@shared_task(name=queue.APPLY_RETENTION)
def apply_retention() -> dict:
    """Delete applicants past the retention period (``SENKO_RETENTION_MONTHS``); returns the counts."""
    return retention.run()
