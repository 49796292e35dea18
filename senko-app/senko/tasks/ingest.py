"""Résumé pipeline: extract text → keep nouns → store them → hand over to scoring.

Every step records the applicant's status; failures are classified (``failure_reason``) and the
applicant stays. Tasks take ids, and re-running one never duplicates nouns.
"""
import logging
import time

from billiard.exceptions import SoftTimeLimitExceeded
from celery import shared_task
from flask import current_app
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import OperationalError

from ..extensions import db
from ..ingest.extract import ExtractionFailed, extract_text
from ..ingest.nouns import extract_nouns, load_stopwords, name_parts
from ..ingest.profile import read_name_fields
from ..ingest.storage import resume_path
from ..models import Applicant, ApplicantNoun, record_event

log = logging.getLogger(__name__)


def enqueue_resume(applicant_id: int) -> None:
    """Queue the résumé of ``applicant_id`` for processing with the configured time limits."""
    config = current_app.config
    process_resume.apply_async(
        (applicant_id,), soft_time_limit=config["SENKO_PDF_SOFT_TIME_LIMIT"], time_limit=config["SENKO_PDF_TIME_LIMIT"]
    )


def fail(applicant: Applicant, reason: str, detail: str) -> None:
    """Mark the applicant failed with ``reason`` and tell the UI."""
    applicant.status = "failed"
    applicant.failure_reason = reason
    applicant.failure_detail = detail[:500]
    record_event("failed", f"{applicant.name}さんの書類を読み取れませんでした ({reason})", applicant.id,
                 name=applicant.name, failure_reason=reason, detail=detail[:500])
    db.session.commit()
    log.info("applicant %s failed: %s (%s)", applicant.id, reason, detail)


def store_nouns(applicant_id: int, counts: dict) -> None:
    """Replace the applicant's stored nouns with ``counts`` (idempotent)."""
    # DELETE only when rows exist: on InnoDB a DELETE matching nothing still takes a gap lock, and two
    # workers inserting neighbouring applicants then deadlock.
    exists = db.session.scalar(select(ApplicantNoun.applicant_id).where(ApplicantNoun.applicant_id == applicant_id).limit(1))
    if exists is not None:
        db.session.execute(delete(ApplicantNoun).where(ApplicantNoun.applicant_id == applicant_id))
    if counts:
        db.session.execute(insert(ApplicantNoun), [
            {"applicant_id": applicant_id, "noun": noun, "count": count} for noun, count in counts.items()
        ])


def name_from_resume(applicant: Applicant, text: str) -> None:
    """Replace a bulk upload's provisional name (the file name) with the résumé's 氏名 and ふりがな."""
    if applicant.name_source != "filename":
        return
    found = read_name_fields(text)
    if found.name:
        applicant.name, applicant.name_source = found.name[:100], "resume"
    if found.furigana and not applicant.furigana:
        applicant.furigana = found.furigana[:100]


_stopwords_cache: dict = {}


def stopwords():
    """The configured stop list, loaded once per process."""
    key = (current_app.config["SENKO_STOPWORDS_FILE"], tuple(current_app.config["SENKO_EXTRA_STOPWORDS"]))
    if key not in _stopwords_cache:
        _stopwords_cache[key] = load_stopwords(key[0] or None, list(key[1]))
    return _stopwords_cache[key]


@shared_task(bind=True, name="senko.tasks.ingest.process_resume", acks_late=True, reject_on_worker_lost=True,
             max_retries=5)
def process_resume(self, applicant_id: int) -> dict | None:
    """Extract, tokenize and store the résumé of ``applicant_id``, then score it.

    A database hiccup (deadlock, lost connection) rolls back and retries the task shortly; the
    task is idempotent, so a retry or a redelivery never stores anything twice.
    """
    # The limits travel with the message (enqueue_resume); report the one that applied.
    soft_limit = (self.request.timelimit or (None, None))[1] or current_app.config["SENKO_PDF_SOFT_TIME_LIMIT"]
    try:
        return _process_resume(applicant_id, soft_limit)
    except OperationalError as exc:
        db.session.rollback()
        log.warning("applicant %s: database error, retrying: %s", applicant_id, exc.orig)
        raise self.retry(countdown=1 + self.request.retries, exc=exc)


def _process_resume(applicant_id: int, soft_limit: float) -> dict | None:
    applicant = db.session.get(Applicant, applicant_id)
    if applicant is None or not applicant.resume_sha256:
        return None  # deleted (or résumé removed) since it was queued
    if applicant.status not in ("queued", "processing"):
        return None  # already done: running twice changes nothing twice
    from .scoring import score_or_queue

    if applicant.processed_sha256 == applicant.resume_sha256:
        score_or_queue(applicant)  # redelivered after the nouns were stored
        return {"status": "already extracted"}
    applicant.processing_attempts += 1
    if applicant.processing_attempts > current_app.config["SENKO_PDF_MAX_ATTEMPTS"]:
        fail(applicant, "timeout", "Processing was interrupted repeatedly (time or memory limit); the file is likely hostile")
        return {"status": "failed"}
    applicant.status = "processing"
    db.session.commit()

    timings = {}
    try:
        started = time.perf_counter()
        data = resume_path(applicant.resume_sha256).read_bytes()
        extraction = extract_text(data, current_app.config["SENKO_PDF_MAX_PAGES"])
        timings["extract"] = time.perf_counter() - started
        name_from_resume(applicant, extraction.text)

        started = time.perf_counter()
        result = extract_nouns(extraction.text, stopwords(), name_parts(applicant.name, applicant.furigana))
        timings["tokenize"] = time.perf_counter() - started
    except ExtractionFailed as exc:
        fail(applicant, exc.reason, exc.detail)
        return {"status": "failed", "reason": exc.reason}
    except SoftTimeLimitExceeded:
        db.session.rollback()
        fail(db.session.get(Applicant, applicant_id), "timeout", f"Processing took longer than {soft_limit:g} s")
        return {"status": "failed", "reason": "timeout"}
    except FileNotFoundError:
        fail(applicant, "unparseable", "The stored résumé file is missing")
        return {"status": "failed", "reason": "unparseable"}

    started = time.perf_counter()
    store_nouns(applicant_id, result.counts)
    applicant.resume_pages = extraction.pages
    applicant.masked_tokens = result.masked
    applicant.processed_sha256 = applicant.resume_sha256
    applicant.failure_reason = None
    applicant.failure_detail = "; ".join(extraction.warnings)[:500] or None
    db.session.commit()
    timings["store"] = time.perf_counter() - started

    started = time.perf_counter()
    outcome = score_or_queue(applicant)
    timings["score"] = time.perf_counter() - started
    log.info("applicant %s: %d pages, %d nouns, %d masked, %s, timings %s", applicant_id, extraction.pages,
             len(result.counts), result.masked, outcome, {k: round(v, 4) for k, v in timings.items()})
    return {"status": "extracted", "outcome": outcome, "nouns": len(result.counts), "timings": timings}
