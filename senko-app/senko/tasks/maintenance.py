"""Maintenance tasks: Celery's side of the pipeline's safety net, of retention and of the read audits."""
from celery import shared_task

from .. import auditlog, queue, retention
from ..ingest.recovery import requeue_stuck


@shared_task(name=queue.RECOVER_STUCK)
def recover_stuck(queued_after: int = 600) -> dict:
    """Requeue résumés queued too long (lost message) or processing past the hard time limit (killed worker)."""
    return requeue_stuck(queued_after)


@shared_task(name=queue.APPLY_RETENTION)
def apply_retention() -> dict:
    """Delete applicants past the retention period (``SENKO_RETENTION_MONTHS``); returns the counts."""
    return retention.run()


@shared_task(name=queue.FLUSH_READ_AUDITS)
def flush_read_audits() -> int:
    """Write the queued audit entries of reads into ``audit_log`` even when no request comes to flush them."""
    return auditlog.flush()
