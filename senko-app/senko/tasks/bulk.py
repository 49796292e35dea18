"""Bulk-job tasks: Celery's side of ``senko.bulk`` (one chunk per task, retries, the recovery sweep)."""
from celery import shared_task
from flask import current_app

from .. import queue
from ..bulk import chunks, jobs
from ..exceptions import Unavailable


@shared_task(bind=True, name=queue.RUN_BULK_CHUNK, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def run_chunk(self, chunk_id: int, outages: int = 0) -> dict:
    """Run one chunk; acknowledged only when done, so a chunk whose worker died is delivered again (applied once).

    ``outages`` counts the retries after MySQL, Redis or senko-predict were unavailable, up to
    ``SENKO_BULK_RETRIES``; waiting out another worker's lease is not an outage and costs none of them.
    """
    try:
        return chunks.run(chunk_id, self.request.hostname or "worker")
    except chunks.LeaseHeld as exc:
        raise self.retry(countdown=exc.wait + 1, kwargs={"outages": outages}, max_retries=None) from exc
    except Unavailable as exc:
        if outages < current_app.config["SENKO_BULK_RETRIES"]:
            raise self.retry(countdown=min(2 ** outages, 60), kwargs={"outages": outages + 1}, max_retries=None) from exc
        return chunks.give_up(chunk_id, exc.message)


@shared_task(name=queue.RECOVER_BULK)
def recover() -> int:
    """Re-send the chunks whose worker's lease ran out."""
    return jobs.recover()
