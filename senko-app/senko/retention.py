"""Retention: applicants' personal data is kept for a purpose-bound period, then deleted.

An applicant expires ``SENKO_RETENTION_MONTHS`` after the decision (``decided_at``); one never
decided expires the same number of months after it was added (``created_at``): an application left
undecided that long has no purpose left either. ``0`` keeps everything forever.

Expired applicants go through the applicant service (``applicants.remove``: the row, its nouns,
events and decision history, the résumé file when nobody else refers to it, an ``applicant.delete``
audit entry), in batches. The audit entries about them keep who did what when, but their payloads
(``data``) are cleared. What stays is a count: one ``retention.run`` audit entry per run. Models
trained on a deleted applicant keep working (a model holds term weights, no personal data); the
next training simply no longer has that applicant.
"""
import calendar
from datetime import datetime
from typing import NamedTuple

from flask import current_app
from sqlalchemy import and_, or_, select, update

from . import applicants
from .exceptions import NotFound
from .extensions import db
from .models import Applicant, AuditEntry, record_audit
from .models.mixins import utcnow

BATCH = 100


class Expired(NamedTuple):
    """One applicant that would go: its id, when it was decided (or None) and why it expired."""

    id: int
    decided_at: datetime | None
    created_at: datetime
    reason: str


def months_before(moment: datetime, months: int) -> datetime:
    """``moment`` minus whole calendar ``months`` (the 31st becomes the month's last day)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def cutoff(now: datetime | None = None, months: int | None = None) -> datetime | None:
    """The moment before which a decision (or an undecided application) has expired; None: keep forever."""
    months = current_app.config["SENKO_RETENTION_MONTHS"] if months is None else months
    if months <= 0:
        return None
    return months_before(now or utcnow(), months)


def expired_query(limit: int | None, now: datetime | None = None):
    """Expired applicants, oldest first (``Expired`` rows); empty when retention is off."""
    before = cutoff(now)
    if before is None:
        return []
    decided = and_(Applicant.decided_at.is_not(None), Applicant.decided_at < before)
    undecided = and_(Applicant.decided_at.is_(None), Applicant.created_at < before)
    rows = db.session.execute(select(Applicant.id, Applicant.decided_at, Applicant.created_at)
                              .where(or_(decided, undecided)).order_by(Applicant.id).limit(limit)).all()
    return [Expired(row.id, row.decided_at, row.created_at,
                    "decided before cutoff" if row.decided_at else "undecided, added before cutoff") for row in rows]


def preview(limit: int | None = None, now: datetime | None = None) -> list[Expired]:
    """What a run would delete now, without deleting anything."""
    return expired_query(limit, now)


def scrub_audit(applicant_ids: list[int]) -> int:
    """Clear the payload of every audit entry about these applicants; returns how many were cleared."""
    if not applicant_ids:
        return 0
    result = db.session.execute(update(AuditEntry)
                                .where(AuditEntry.target_type == "applicant",
                                       AuditEntry.target_id.in_([str(i) for i in applicant_ids]),
                                       AuditEntry.data.is_not(None))
                                .values(data=None))
    return result.rowcount or 0


def run(now: datetime | None = None, batch: int = BATCH) -> dict:
    """Delete every expired applicant (in batches of ``batch``) and scrub their audit payloads.

    Idempotent: a second run finds nothing. Returns and records (audit ``retention.run``) only counts.
    """
    months = current_app.config["SENKO_RETENTION_MONTHS"]
    deleted = scrubbed = 0
    while True:
        ids = [row.id for row in expired_query(batch, now)]
        if not ids:
            break
        for applicant_id in ids:
            try:
                applicants.remove(applicant_id, None)
            except NotFound:  # deleted by someone else meanwhile
                db.session.rollback()
        scrubbed += scrub_audit(ids)
        db.session.commit()
        deleted += len(ids)
    counts = {"deleted": deleted, "audit_scrubbed": scrubbed, "months": months}
    if months > 0:
        record_audit("retention.run", None, **counts)
        db.session.commit()
    current_app.logger.info("retention: %d applicants deleted, %d audit payloads cleared", deleted, scrubbed)
    return counts
