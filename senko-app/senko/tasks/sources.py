"""Job-board tasks: Celery's side of ``senko.sources.runner`` (a run, and the every-minute dispatch)."""
from celery import shared_task

from .. import queue
from ..sources import runner


@shared_task(name=queue.RUN_SOURCE, acks_late=True, reject_on_worker_lost=True)
def run_source(run_id: int) -> dict | None:
    """Carry out a recorded run; a redelivery after a crash resumes after the last committed page."""
    return runner.execute(run_id)


@shared_task(name=queue.DISPATCH_SOURCES)
def dispatch_due() -> list[int]:
    """Start the sources whose schedule window has come (beat runs this every minute)."""
    return runner.dispatch_due()
