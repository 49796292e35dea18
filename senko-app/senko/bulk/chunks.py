"""Running one chunk of a bulk job: claim it with a lease, compute, apply the results exactly once.

A chunk may be delivered more than once (``acks_late``: a killed worker's message comes back; the
recovery sweep re-sends a chunk whose lease ran out). The apply transaction starts by moving the
chunk from ``running`` *under this run's lease token* to ``done``: a second run of the same chunk,
or a run whose lease was taken over, changes no row there and rolls back. So each item's
``applied`` becomes 1 once, whatever the deliveries.
"""
import logging
import time
import uuid
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from ..exceptions import SenkoError
from ..extensions import db
from ..ingest.attributes import store_attributes
from ..ingest.pipeline import store_nouns
from ..models import Applicant, BulkChunk, BulkJob, BulkJobItem, MlModel, record_event
from ..models.mixins import utcnow
from . import work
from .jobs import RESCORE, eligible

log = logging.getLogger(__name__)
FINAL = ("done", "failed", "skipped")


class LeaseHeld(SenkoError):
    """Another worker holds the chunk (it may still finish): look again after ``wait`` seconds."""

    def __init__(self, message: str, wait: float):
        super().__init__(message)
        self.wait = wait


def claim(chunk_id: int, worker: str) -> tuple[BulkChunk, BulkJob, str] | dict:
    """Take the chunk under a new lease (committed); a dict says why there is nothing to do.

    Raises ``LeaseHeld`` while another worker's lease on it runs.
    """
    chunk = db.session.scalar(select(BulkChunk).where(BulkChunk.id == chunk_id).with_for_update())
    if chunk is None or chunk.status in FINAL:
        db.session.commit()
        return {"chunk": chunk_id, "status": chunk.status if chunk else "gone"}
    job = db.session.get(BulkJob, chunk.job_id)
    now = utcnow()
    if job.status != "running":
        chunk.status, chunk.finished_at, chunk.lease_token = "skipped", now, None
        db.session.commit()
        return {"chunk": chunk_id, "status": "skipped"}
    if chunk.status == "running" and chunk.lease_until and chunk.lease_until > now:
        wait = (chunk.lease_until - now).total_seconds()
        holder = chunk.worker
        db.session.commit()
        raise LeaseHeld(f"chunk {chunk_id} is held by {holder} for {wait:.0f} s more", wait)
    token = uuid.uuid4().hex
    chunk.status, chunk.lease_token, chunk.worker = "running", token, worker[:255]
    chunk.lease_until = now + timedelta(seconds=current_app.config["SENKO_BULK_LEASE_SECONDS"])
    chunk.attempts += 1
    chunk.started_at = now
    db.session.commit()
    return chunk, job, token


def release(chunk_id: int, token: str) -> None:
    """Give the chunk back (pending) so the task's retry may take it at once."""
    db.session.rollback()
    db.session.execute(update(BulkChunk).where(BulkChunk.id == chunk_id, BulkChunk.lease_token == token)
                       .values(status="pending", lease_token=None, lease_until=None))
    db.session.commit()


def run(chunk_id: int, worker: str) -> dict:
    """Claim, compute and apply chunk ``chunk_id`` as Celery node ``worker``; returns a report for the log.

    Domain errors (senko-predict down, ``NotServingYet``) give the chunk back and propagate: the task retries.
    """
    claimed = claim(chunk_id, worker)
    if isinstance(claimed, dict):
        return claimed
    chunk, job, token = claimed
    job_id, seq, size, kind, version = job.id, chunk.seq, chunk.size, job.kind, job.model_version
    try:
        ids = db.session.scalars(select(BulkJobItem.applicant_id).where(
            BulkJobItem.job_id == job_id, BulkJobItem.chunk_seq == seq).order_by(BulkJobItem.applicant_id)).all()
        applicants = db.session.scalars(select(Applicant).where(Applicant.id.in_(ids), *eligible(kind))).all()
        compute = work.rescore if kind == RESCORE else work.retokenize
        outcome = compute(applicants, version)
    except work.NotServingYet:
        active = MlModel.active()
        if active is None or active.version != version:
            if kind == RESCORE:
                return cancel(chunk_id, job_id, token, "another model was activated")
            release(chunk_id, token)
            db.session.execute(update(BulkJob).where(BulkJob.id == job_id)  # retokenize: score with the new one
                               .values(model_version=active.version if active else None))
            db.session.commit()
            raise
        release(chunk_id, token)
        raise
    except SenkoError:
        release(chunk_id, token)
        raise
    delay = current_app.config["SENKO_BULK_CHUNK_DELAY"]
    if delay:
        time.sleep(delay)  # tests: a chunk long enough to kill its worker in the middle of it
    return apply(chunk_id, job_id, seq, token, size, applicants, outcome)


def _fence(chunk_id: int, token: str | None, status: str, done: int, failed: int) -> bool:
    """Move the chunk to its final ``status`` if this run still holds it; False when it does not (nothing applied)."""
    held = BulkChunk.lease_token == token if token else BulkChunk.status == "pending"
    moved = db.session.execute(update(BulkChunk).where(BulkChunk.id == chunk_id, held, BulkChunk.status.not_in(FINAL))
                               .values(status=status, done=done, failed=failed, finished_at=utcnow(),
                                       lease_token=None, lease_until=None)).rowcount
    if moved != 1:
        db.session.rollback()
        return False
    return True


def apply(chunk_id: int, job_id: int, seq: int, token: str, size: int, applicants: list[Applicant],
          outcome: "work.Outcome") -> dict:
    """Store the chunk's results and count its items applied, in one transaction behind the lease fence."""
    failed = len(outcome.failed)
    started = time.perf_counter()
    read = {applicant.id: applicant.processed_sha256 for applicant in applicants}  # as computed (no commit since)
    if not _fence(chunk_id, token, "done", size - failed, failed):
        log.info("chunk %s: lease lost, results dropped (another run applied it)", chunk_id)
        return {"chunk": chunk_id, "status": "lease lost"}
    fresh, undecided = unchanged(outcome.kind, read)
    for applicant in applicants:
        if applicant.id in outcome.nouns and applicant.id in fresh:
            counts, masked = outcome.nouns[applicant.id]
            store_nouns(applicant.id, counts)
            store_attributes(applicant.id, outcome.attributes[applicant.id])
            applicant.masked_tokens = masked
    db.session.flush()
    scores = {i: score for i, score in outcome.scores.items() if i in undecided}
    Applicant.record_scores(applicants, scores, outcome.model_version)  # one UPDATE for the chunk
    if len(fresh) < len(read):
        log.info("chunk %s: %d applicants changed while it ran (new résumé or decision), left as they are",
                 chunk_id, len(read) - len(fresh))
    db.session.execute(update(BulkJobItem).where(BulkJobItem.job_id == job_id, BulkJobItem.chunk_seq == seq)
                       .values(applied=BulkJobItem.applied + 1))
    finished = count_progress(job_id, size - failed, failed)
    db.session.commit()
    outcome.timed("write", started)
    log.info("bulk job %s chunk %s: %d applicants, %d failed, timings %s", job_id, seq, size, failed,
             {step: round(seconds, 4) for step, seconds in outcome.timings.items()})
    return {"chunk": chunk_id, "status": "done", "job_finished": finished, "timings": outcome.timings}


def unchanged(kind: str, read: dict[int, str | None]) -> tuple[set[int], set[int]]:
    """Of the applicants read (id → processed digest), those still eligible with the same résumé, and the undecided
    among them: locking reads, so a new résumé, a decision or a deletion since the read is seen and left alone."""
    rows = db.session.execute(select(Applicant.id, Applicant.processed_sha256, Applicant.decision)
                              .where(Applicant.id.in_(list(read)), *eligible(kind)).with_for_update()).all()
    fresh = {row.id for row in rows if row.processed_sha256 == read[row.id]}
    return fresh, {row.id for row in rows if row.id in fresh and row.decision is None}


def count_progress(job_id: int, done: int, failed: int) -> bool:
    """Add a chunk's counts to its job, record the progress event (and the finish); True when the job is done."""
    db.session.execute(update(BulkJob).where(BulkJob.id == job_id)
                       .values(done=BulkJob.done + done, failed=BulkJob.failed + failed))
    finished = db.session.execute(
        update(BulkJob).where(BulkJob.id == job_id, BulkJob.status == "running",
                              BulkJob.done + BulkJob.failed >= BulkJob.total)
        .values(status="done", finished_at=utcnow())).rowcount == 1
    job = db.session.execute(select(BulkJob.kind, BulkJob.done, BulkJob.failed, BulkJob.total, BulkJob.model_version)
                             .where(BulkJob.id == job_id)).one()
    record_event("bulk_progress", f"一括処理 {job_id} ({job.kind}): {job.done + job.failed}/{job.total}", job_id=job_id,
                 job_kind=job.kind, done=job.done, failed=job.failed, total=job.total)
    if finished:
        verb = "再採点" if job.kind == RESCORE else "再解析"
        record_event(f"{job.kind}_finished", f"{job.done} 名の{verb}が終わりました (失敗 {job.failed} 名)", job_id=job_id,
                     version=job.model_version, rescored=job.done, failed=job.failed)
    return finished


def cancel(chunk_id: int, job_id: int, token: str, why: str) -> dict:
    """Stop the job (a newer activation rescores instead): this chunk is skipped, the others skip when they come."""
    db.session.rollback()
    if _fence(chunk_id, token, "skipped", 0, 0):
        db.session.execute(update(BulkJob).where(BulkJob.id == job_id, BulkJob.status == "running")
                           .values(status="cancelled", finished_at=utcnow()))
        db.session.commit()
    return {"chunk": chunk_id, "status": "cancelled", "why": why}


def give_up(chunk_id: int, why: str) -> dict:
    """senko-predict stayed away through every retry: the chunk's applicants count as failed (they keep their scores)."""
    chunk = db.session.get(BulkChunk, chunk_id)
    if chunk is None or not _fence(chunk_id, None, "failed", 0, chunk.size):
        return {"chunk": chunk_id, "status": "not given up"}
    count_progress(chunk.job_id, 0, chunk.size)
    db.session.commit()
    log.warning("bulk chunk %s given up: %s", chunk_id, why)
    return {"chunk": chunk_id, "status": "failed", "why": why}
