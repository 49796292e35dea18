"""Spreadsheet import tasks: Celery's side of ``senko.importing`` (reading the file, committing the rows)."""
from celery import shared_task

from .. import queue
from ..importing import commit, jobs

# A hostile or huge workbook must not hold a worker forever: past the soft limit the import fails.
SOFT_LIMIT, HARD_LIMIT = 900, 960


@shared_task(name=queue.PARSE_IMPORT, acks_late=True, reject_on_worker_lost=True,
             soft_time_limit=SOFT_LIMIT, time_limit=HARD_LIMIT)
def parse_import(import_id: int) -> str:
    """Read the uploaded file into the preview (``ready``) or fail the import with the reason."""
    return jobs.parse_import(import_id)


@shared_task(name=queue.COMMIT_IMPORT, acks_late=True, reject_on_worker_lost=True,
             soft_time_limit=SOFT_LIMIT, time_limit=HARD_LIMIT)
def commit_import(import_id: int) -> str:
    """Commit the confirmed sheets, one transaction each; a redelivery resumes after the last committed sheet."""
    return commit.commit_import(import_id)
