"""Planning bulk jobs, reading their progress, and re-sending chunks a dead worker left behind."""
from flask import current_app
from sqlalchemy import func, insert, literal, select, update

from .. import queue
from ..exceptions import Conflict, NotFound, Unavailable
from ..extensions import db
from ..models import Applicant, ApplicantStatus, BulkChunk, BulkJob, BulkJobItem, MlModel
from ..models.mixins import utcnow

RESCORE, RETOKENIZE = "rescore", "retokenize"
PROCESSED = (ApplicantStatus.SCORED, ApplicantStatus.UNSCORED)


def eligible(kind: str) -> tuple:
    """The conditions an applicant must meet to be part of a job of ``kind`` (and still, when its chunk runs)."""
    processed = (Applicant.status.in_(PROCESSED), Applicant.processed_sha256.is_not(None))
    if kind == RESCORE:
        return (*processed, Applicant.decision.is_(None))
    return (*processed, Applicant.resume_sha256.is_not(None), Applicant.processed_sha256 == Applicant.resume_sha256)


def start_rescore(version: str | None = None, user_id: int | None = None) -> BulkJob:
    """Rescore every undecided, processed applicant with model ``version`` (default: the active one).

    Raises ``Conflict`` when no model is active.
    """
    if version is None:
        active = MlModel.active()
        if active is None:
            raise Conflict("No model is active: activate one before rescoring")
        version = active.version
    return start(RESCORE, version, user_id)


def start_retokenize(user_id: int | None = None) -> BulkJob:
    """Re-read every processed résumé (nouns again, with today's tokenizer and stop words), then rescore the undecided."""
    active = MlModel.active()
    return start(RETOKENIZE, active.version if active else None, user_id)


def start(kind: str, version: str | None, user_id: int | None = None) -> BulkJob:
    """Plan a job: freeze its applicants as items in chunks of ``SENKO_BULK_CHUNK_SIZE``, commit, queue every chunk.

    A job with nothing to do is done at once. A broker that cannot be reached raises ``Unavailable``
    after the commit; ``recover`` re-sends what was not sent.
    """
    size = max(1, current_app.config["SENKO_BULK_CHUNK_SIZE"])
    job = BulkJob(kind=kind, status="running", model_version=version, chunk_size=size, created_by_id=user_id,
                  chunks=0, total=0, done=0, failed=0)
    db.session.add(job)
    db.session.flush()
    seq = (func.row_number().over(order_by=Applicant.id) - 1) // size
    db.session.execute(insert(BulkJobItem).from_select(
        ["job_id", "applicant_id", "chunk_seq", "applied"],
        select(literal(job.id), Applicant.id, seq, literal(0)).where(*eligible(kind))))
    db.session.execute(insert(BulkChunk).from_select(
        ["job_id", "seq", "size", "status", "attempts", "done", "failed"],
        select(BulkJobItem.job_id, BulkJobItem.chunk_seq, func.count(), literal("pending"), literal(0), literal(0),
               literal(0)).where(BulkJobItem.job_id == job.id).group_by(BulkJobItem.job_id, BulkJobItem.chunk_seq)))
    job.total = db.session.scalar(select(func.count()).select_from(BulkJobItem).where(BulkJobItem.job_id == job.id))
    job.chunks = db.session.scalar(select(func.count()).select_from(BulkChunk).where(BulkChunk.job_id == job.id))
    if job.total == 0:
        job.status, job.finished_at = "done", utcnow()
    db.session.commit()
    try:
        for chunk_id in db.session.scalars(select(BulkChunk.id).where(BulkChunk.job_id == job.id).order_by(BulkChunk.seq)):
            queue.run_bulk_chunk(chunk_id)
    except Unavailable:  # the broker went away half-way: no job left running with chunks nobody will send
        db.session.rollback()
        db.session.execute(update(BulkJob).where(BulkJob.id == job.id, BulkJob.status == "running")
                           .values(status="cancelled", finished_at=utcnow()))
        db.session.commit()
        raise
    return job


def chunk_counts(job_id: int) -> dict[str, int]:
    """How many chunks of the job are in each status."""
    rows = db.session.execute(select(BulkChunk.status, func.count()).where(BulkChunk.job_id == job_id)
                              .group_by(BulkChunk.status)).all()
    return {status: count for status, count in rows}


def describe(job_id: int) -> dict:
    """The job's progress (status, total, done, failed, chunks per status); ``NotFound`` when there is no such job."""
    job = db.session.get(BulkJob, job_id)
    if job is None:
        raise NotFound(f"No bulk job {job_id}")
    db.session.refresh(job)  # a caller polling in one session must see the workers' commits
    return job.to_dict(chunk_counts(job_id))


def recent(limit: int = 20) -> list[dict]:
    """The newest jobs first, with their progress."""
    jobs = db.session.scalars(select(BulkJob).order_by(BulkJob.id.desc()).limit(limit)).all()
    return [job.to_dict(chunk_counts(job.id)) for job in jobs]


def recover() -> int:
    """Re-send each chunk of a running job whose worker's lease ran out (the worker died); returns how many.

    The broker gives a dead worker's message back as well (after the visibility timeout): whichever
    copy comes first runs the chunk, the others find it done (``chunks.run``).
    """
    stale = db.session.scalars(
        select(BulkChunk.id).join(BulkJob, BulkJob.id == BulkChunk.job_id)
        .where(BulkJob.status == "running", BulkChunk.status == "running", BulkChunk.lease_until < utcnow())).all()
    for chunk_id in stale:
        queue.run_bulk_chunk(chunk_id)
    return len(stale)
