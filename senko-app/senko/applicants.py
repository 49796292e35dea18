"""The applicant service: what every entry point (API, CLI, demo loader, importers) does with applicants.

Create one, give it a résumé (check, store, attach, commit, queue), change its fields, record a
decision, remove it with its stored file. Resources and commands call only these functions; the
lifecycle rules themselves are the transition methods of ``senko.models.Applicant``.
"""
import logging
import unicodedata
from collections.abc import Iterable
from pathlib import PurePath

from flask import current_app
from sqlalchemy import func, or_, select

from . import queue
from .exceptions import Invalid, NotFound, Unavailable
from .extensions import db
from .ingest.checks import check_resume
from .ingest.storage import delete_resume, save_resume
from .models import Applicant, DecisionChange, record_audit

log = logging.getLogger(__name__)

PROVISIONAL_NAME = "名前未設定"


def get(applicant_id: int) -> Applicant:
    """The applicant with this id, or ``NotFound``."""
    applicant = db.session.get(Applicant, applicant_id)
    if applicant is None:
        raise NotFound(f"Applicant {applicant_id} not found")
    return applicant


def clean_filename(filename: str | None) -> str:
    """The base name of an uploaded file, NFKC-normalised and length-capped."""
    name = PurePath(unicodedata.normalize("NFKC", filename or "resume.pdf").replace("\\", "/")).name
    return name[:255] or "resume.pdf"


def name_from_filename(filename: str) -> str:
    """A provisional applicant name (bulk uploads): the file name without extension."""
    stem = clean_filename(filename).rsplit(".", 1)[0].strip()
    return stem[:100] or PROVISIONAL_NAME


def add(fields: dict, created_by_id: int | None = None) -> Applicant:
    """Add an applicant without a résumé to the session (status ``no_resume``); the caller commits."""
    applicant = Applicant(**fields, created_by_id=created_by_id)
    db.session.add(applicant)
    return applicant


def add_with_resume(fields: dict, data: bytes, filename: str, created_by_id: int | None = None) -> Applicant:
    """Check and store a résumé and add its applicant (status ``queued``) to the session.

    The caller commits, then queues processing (``queue_processing``): importers add many applicants
    in one transaction with what they record about them.
    """
    check_resume(data, filename, current_app.config["SENKO_MAX_RESUME_BYTES"])
    applicant = Applicant(**fields, created_by_id=created_by_id)
    _attach(applicant, data, filename)
    db.session.add(applicant)
    return applicant


def create(fields: dict, created_by_id: int | None = None) -> Applicant:
    """Create and commit an applicant without a résumé (status ``no_resume``, the column's default)."""
    applicant = add(fields, created_by_id)
    _record_creation(applicant, created_by_id)
    db.session.commit()
    return applicant


def _record_creation(applicant: Applicant, created_by_id: int | None) -> None:
    db.session.flush()
    record_audit("applicant.create", created_by_id, "applicant", applicant.id)


def _attach(applicant: Applicant, data: bytes, filename: str) -> str | None:
    """Store the file and attach it; returns the digest it replaced."""
    return applicant.attach_resume(save_resume(data), clean_filename(filename), len(data))


def create_with_resume(fields: dict, data: bytes, filename: str, created_by_id: int | None = None,
                       enqueue: bool = True) -> Applicant:
    """Create an applicant with a résumé and queue it for processing (checked first: nothing is stored if it fails).

    ``enqueue=False`` leaves the queueing to the caller (the demo loader runs the pipeline inline).
    """
    applicant = add_with_resume(fields, data, filename, created_by_id)
    _record_creation(applicant, created_by_id)
    db.session.commit()
    if enqueue:
        queue_processing([applicant.id])
    return applicant


def create_from_files(files: Iterable[tuple[str, bytes]], source: str | None = None,
                      created_by_id: int | None = None) -> list[Applicant]:
    """One applicant per résumé, named provisionally after its file (the worker reads the real 氏名).

    Every file is checked before anything is stored: one bad file refuses the whole batch.
    """
    files = list(files)
    limit = current_app.config["SENKO_MAX_RESUME_BYTES"]
    for filename, data in files:
        check_resume(data, filename, limit)
    applicants = []
    for filename, data in files:
        applicant = Applicant(name=name_from_filename(filename), name_source="filename", source=source,
                              created_by_id=created_by_id)
        _attach(applicant, data, filename)
        db.session.add(applicant)
        applicants.append(applicant)
    db.session.flush()
    record_audit("applicant.bulk_create", created_by_id, ids=[a.id for a in applicants])
    db.session.commit()
    queue_processing([a.id for a in applicants])
    return applicants


def replace_resume(applicant_id: int, data: bytes, filename: str, user_id: int | None = None) -> Applicant:
    """Give an existing applicant a new résumé: the old results are cleared and the new one is queued."""
    check_resume(data, filename, current_app.config["SENKO_MAX_RESUME_BYTES"])
    applicant = get(applicant_id)
    replaced = _attach(applicant, data, filename)
    record_audit("applicant.resume_replace", user_id, "applicant", applicant.id)
    db.session.commit()
    release_resume(replaced)
    queue_processing([applicant.id])
    return applicant


def queue_processing(applicant_ids: list[int]) -> None:
    """Queue processing; if the broker is down the applicants stay queued and the recovery job requeues them."""
    try:
        for applicant_id in applicant_ids:
            task_id = queue.process_resume(applicant_id)
            log.info("applicant %s: résumé queued (task %s)", applicant_id, task_id)
    except Unavailable as exc:
        raise Unavailable("Stored, but the task queue is unavailable: processing starts when it is back") from exc


def update(applicant_id: int, changes: dict, user_id: int | None) -> Applicant:
    """Change an applicant's fields (and decision) as a person asked; commits, with an audit entry.

    A name typed by a person is never overwritten by the worker afterwards. ``decision_note`` is the
    reason kept with a decision change in the applicant's decision history.
    """
    applicant = get(applicant_id)
    changes = dict(changes)
    note = changes.pop("decision_note", None)
    if "name" in changes:
        if not changes["name"]:
            raise Invalid("name cannot be empty")
        applicant.name_source = "entered"
    if "decision" in changes:
        before = applicant.decision
        if applicant.decide(changes.pop("decision"), user_id, note):
            record_audit("applicant.decide", user_id, "applicant", applicant.id, **{"from": before, "to": applicant.decision})
    if changes:
        record_audit("applicant.update", user_id, "applicant", applicant.id, fields=sorted(changes))
    for field, value in changes.items():
        setattr(applicant, field, value)
    db.session.commit()
    return applicant


def decide(applicant_id: int, decision: str | None, user_id: int | None, note: str | None = None) -> Applicant:
    """Record a person's OK/NG decision (or clear it) with who, when and why; commits."""
    return update(applicant_id, {"decision": decision, "decision_note": note}, user_id)


def decisions(applicant_id: int) -> list[DecisionChange]:
    """The applicant's decision history, oldest first."""
    get(applicant_id)
    return list(db.session.scalars(select(DecisionChange).where(DecisionChange.applicant_id == applicant_id)
                                   .order_by(DecisionChange.id)))


def release_resume(sha256: str | None) -> None:
    """Delete a stored résumé once no applicant refers to it any more."""
    if not sha256:
        return
    users = db.session.scalar(select(func.count()).select_from(Applicant).where(Applicant.resume_sha256 == sha256))
    if not users:
        delete_resume(sha256)


def remove(applicant_id: int, user_id: int | None = None) -> None:
    """Delete an applicant: its nouns, events and decision history go with the row, its file when nobody else
    refers to it. The audit trail keeps who deleted which id when (no personal data)."""
    applicant = get(applicant_id)
    sha256 = applicant.resume_sha256
    db.session.delete(applicant)
    record_audit("applicant.delete", user_id, "applicant", applicant_id)
    db.session.commit()
    release_resume(sha256)


def flag_possible_duplicates(new: list[Applicant]) -> None:
    """Set ``duplicate_of_id`` of each (flushed) applicant to the oldest earlier one that looks like the same person:
    same e-mail, or same name and phone. Senko flags such pairs for a person to look at; it never merges them.

    Two queries for the whole list, whatever its length (importers call this once per page).
    """
    emails = {a.email.lower() for a in new if a.email}
    names = {a.name for a in new if a.name and a.phone}
    if not emails and not names:
        return
    # The column's collation (utf8mb4_unicode_520_ci) compares case-insensitively, and uses its index.
    rows = db.session.execute(select(Applicant.id, Applicant.email, Applicant.name, Applicant.phone)
                              .where(or_(Applicant.email.in_(emails), Applicant.name.in_(names)))
                              .order_by(Applicant.id)).all()
    by_email, by_name_phone = {}, {}
    for row in rows:
        if row.email:
            by_email.setdefault(row.email.lower(), []).append(row.id)
        if row.name and row.phone:
            by_name_phone.setdefault((row.name, row.phone), []).append(row.id)
    for applicant in new:
        candidates = by_email.get((applicant.email or "").lower(), []) + by_name_phone.get((applicant.name, applicant.phone), [])
        others = [other for other in candidates if other < applicant.id]  # flag the later of a pair, never both
        applicant.duplicate_of_id = min(others) if others else None
