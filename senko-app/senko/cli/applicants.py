"""``flask applicants ...``: bulk jobs over every applicant (rescore, retokenize), followed with a progress bar."""
import time

import click

from ..bulk import jobs
from ..extensions import db
from .base import SenkoGroup

applicants = SenkoGroup("applicants", help="Bulk work over all applicants, spread over the Celery workers.")
WAIT = click.option("--wait/--no-wait", default=True, show_default=True,
                    help="Follow the job with a progress bar until it ends (the workers do the work either way).")
POLL = click.option("--poll", default=1.0, show_default=True, type=click.FloatRange(0.05, 60),
                    help="Seconds between looks at the job's progress.")


def follow(job_id: int, poll: float) -> dict:
    """Show the job's progress until it is no longer running; returns its last state."""
    state = jobs.describe(job_id)
    with click.progressbar(length=max(state["total"], 1), label=f"Job {job_id} ({state['kind']})",
                           show_pos=True, show_percent=True) as bar:
        shown = 0
        while True:
            processed = state["done"] + state["failed"]
            bar.update(processed - shown)
            shown = processed
            if state["status"] != "running":
                break
            time.sleep(poll)
            db.session.rollback()  # a fresh snapshot: see what the workers committed meanwhile
            state = jobs.describe(job_id)
    return state


def report(job, wait: bool, poll: float) -> None:
    """Print the started job, follow it when asked, and fail (exit 1) when it was cancelled or had failures."""
    click.echo(f"Job {job.id}: {job.kind} of {job.total} applicants in {job.chunks} chunks of {job.chunk_size}")
    if not wait:
        click.echo(f"Follow it with GET /jobs/{job.id}")
        return
    state = follow(job.id, poll)
    click.echo(f"Job {job.id} {state['status']}: {state['done']} done, {state['failed']} failed of {state['total']}")
    if state["status"] != "done" or state["failed"]:
        raise click.exceptions.Exit(1)


@applicants.command("rescore")
@WAIT
@POLL
def rescore(wait, poll):
    """Rescore every undecided, processed applicant with the active model, in chunks on the workers."""
    report(jobs.start_rescore(), wait, poll)


@applicants.command("retokenize")
@WAIT
@POLL
def retokenize(wait, poll):
    """Re-read every processed résumé (after a tokenizer or dictionary change), then rescore the undecided."""
    report(jobs.start_retokenize(), wait, poll)
