"""Bulk jobs: re-scoring or re-tokenizing many applicants in chunks spread over the Celery workers.

A job (``bulk_jobs``) freezes the applicants it covers as items (``bulk_job_items``), each in one
chunk (``bulk_chunks``). A worker claims a chunk with a lease; its results are applied in one
transaction that first moves the chunk from ``running`` under *its* lease token to ``done``, so a
chunk delivered twice (a killed worker's message coming back, a lease that expired) is applied once.
Each item's ``applied`` counts how often a result was applied to that applicant: always 1.
"""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .mixins import Timestamp, TimestampMixin, isoformat

JOB_KINDS = ("rescore", "retokenize")
JOB_STATUSES = ("running", "done", "cancelled")
CHUNK_STATUSES = ("pending", "running", "done", "failed", "skipped")


class BulkJob(TimestampMixin, db.Model):
    """One bulk run over many applicants: what, for which model, how far."""

    __tablename__ = "bulk_jobs"
    __table_args__ = (Index("ix_bulk_jobs_kind_status", "kind", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="running")
    # The model the scores must come from (None: the active one when the chunk runs).
    model_version: Mapped[str | None] = mapped_column(String(64))
    chunk_size: Mapped[int] = mapped_column(Integer, nullable=False)
    chunks: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    done: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    failed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    finished_at: Mapped[datetime | None] = mapped_column(Timestamp)

    def to_dict(self, chunks: dict | None = None) -> dict:
        """Public representation; ``chunks`` counts the chunks per status."""
        return {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "model_version": self.model_version,
            "total": self.total,
            "done": self.done,
            "failed": self.failed,
            "chunk_size": self.chunk_size,
            "chunks": {"total": self.chunks, **{status: (chunks or {}).get(status, 0) for status in CHUNK_STATUSES}},
            "created_at": isoformat(self.created_at),
            "updated_at": isoformat(self.updated_at),
            "finished_at": isoformat(self.finished_at),
        }


class BulkChunk(db.Model):
    """A slice of a job (``seq``-th, ``size`` applicants) and who works on it under which lease."""

    __tablename__ = "bulk_chunks"
    __table_args__ = (UniqueConstraint("job_id", "seq", name="uq_bulk_chunks_job_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("bulk_jobs.id", ondelete="CASCADE"), nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="pending")
    # The Celery node holding (or last holding) the chunk, e.g. ``worker@host``.
    worker: Mapped[str | None] = mapped_column(String(255))
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    lease_token: Mapped[str | None] = mapped_column(String(32))
    lease_until: Mapped[datetime | None] = mapped_column(Timestamp)
    done: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    failed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    started_at: Mapped[datetime | None] = mapped_column(Timestamp)
    finished_at: Mapped[datetime | None] = mapped_column(Timestamp)


class BulkJobItem(db.Model):
    """One applicant of a job, in chunk ``chunk_seq``; ``applied`` counts the results applied to it (exactly once: 1)."""

    __tablename__ = "bulk_job_items"
    __table_args__ = (Index("ix_bulk_job_items_job_chunk", "job_id", "chunk_seq"),)

    job_id: Mapped[int] = mapped_column(ForeignKey("bulk_jobs.id", ondelete="CASCADE"), primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id", ondelete="CASCADE"), primary_key=True)
    chunk_seq: Mapped[int] = mapped_column(Integer, nullable=False)
    applied: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
