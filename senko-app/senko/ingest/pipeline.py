"""The résumé pipeline: extract text → keep nouns → store them → hand over to scoring.

``process(applicant_id)`` is the one function the Celery task calls. Every step moves the
applicant through its lifecycle (``senko.models.Applicant``); failures are classified
(``failure_reason``) and the applicant stays. Running it twice never stores anything twice.
"""
import logging
import time

from flask import current_app
from sqlalchemy import delete, insert, select

from ..extensions import db
from ..metrics import observe_ingest
from ..models import Applicant, ApplicantNoun, ApplicantStatus
from ..models.applicant import IN_PIPELINE
from ..scoring.service import score_or_queue
from .attributes import read_attributes, store_attributes
from .doctype import not_resume_reason
from .extract import ExtractionFailed
from .nouns import NounResult, extract_nouns, load_stopwords, name_parts
from .profile import read_name_fields
from .readers import read_pdf
from .sandbox import Limits
from .storage import resume_path

log = logging.getLogger(__name__)
_stopwords_cache: dict = {}


def stopwords() -> frozenset[str]:
    """The configured stop list, loaded once per process."""
    key = (current_app.config["SENKO_STOPWORDS_FILE"], tuple(current_app.config["SENKO_EXTRA_STOPWORDS"]))
    if key not in _stopwords_cache:
        _stopwords_cache[key] = load_stopwords(key[0] or None, list(key[1]))
    return _stopwords_cache[key]


def store_nouns(applicant_id: int, counts: dict) -> None:
    """Replace the applicant's stored nouns with ``counts`` (idempotent; the caller commits)."""
    # DELETE only when rows exist: on InnoDB a DELETE matching nothing still takes a gap lock, and two
    # workers inserting neighbouring applicants then deadlock.
    exists = db.session.scalar(select(ApplicantNoun.applicant_id).where(ApplicantNoun.applicant_id == applicant_id).limit(1))
    if exists is not None:
        db.session.execute(delete(ApplicantNoun).where(ApplicantNoun.applicant_id == applicant_id))
    if counts:
        db.session.execute(insert(ApplicantNoun), [
            {"applicant_id": applicant_id, "noun": noun, "count": count} for noun, count in counts.items()
        ])


def resume_nouns(text: str, name: str | None, furigana: str | None) -> NounResult:
    """The nouns of a résumé's extracted ``text``, masked for the applicant called ``name`` (``furigana``).

    The name as typed and as the résumé writes it (氏名/フリガナ) are both masked, in every script.
    """
    found = read_name_fields(text)
    personal = name_parts(name, furigana, found.name, found.furigana)
    return extract_nouns(text, stopwords(), personal, keep_schools=current_app.config["SENKO_KEEP_SCHOOL_NAMES"])


def pdf_limits() -> Limits:
    """What reading one PDF may take, from the settings."""
    config = current_app.config
    return Limits(max_pages=config["SENKO_PDF_MAX_PAGES"], min_text_pt=config["SENKO_PDF_MIN_TEXT_PT"],
                  max_decoded_bytes=config["SENKO_PDF_MAX_DECODED_BYTES"], memory_mb=config["SENKO_PDF_MEMORY_MB"],
                  seconds=config["SENKO_PDF_EXTRACT_SECONDS"])


def fail(applicant: Applicant, reason: str, detail: str) -> dict:
    """Mark the applicant failed with ``reason`` (and commit); returns the task's report."""
    applicant.fail(reason, detail)
    db.session.commit()
    log.info("applicant %s failed: %s (%s)", applicant.id, reason, detail)
    return {"status": applicant.status, "reason": reason}


def fail_timeout(applicant_id: int, limit: float) -> dict | None:
    """The time limit hit while processing: the applicant fails as ``timeout`` (call after a rollback)."""
    applicant = db.session.get(Applicant, applicant_id)
    if applicant is None or not applicant.can_become(ApplicantStatus.FAILED):
        return None
    return fail(applicant, "timeout", f"Processing took longer than {limit:g} s")


def process(applicant_id: int) -> dict | None:
    """Extract, tokenize and store the résumé of ``applicant_id``, then score it.

    Returns a small report for the task's log, or None when there is nothing to do (the applicant
    was deleted, its résumé removed, or it is done already).
    """
    applicant = db.session.get(Applicant, applicant_id)
    if applicant is None or not applicant.resume_sha256 or applicant.status not in IN_PIPELINE:
        return None
    if applicant.extracted:
        score_or_queue(applicant)  # redelivered after the nouns were stored
        return {"status": "already extracted"}
    if applicant.count_attempt() > current_app.config["SENKO_PDF_MAX_ATTEMPTS"]:
        return fail(applicant, "timeout",
                    "Processing was interrupted repeatedly (time or memory limit); the file is likely hostile")
    applicant.start_processing()
    db.session.commit()

    timings = {}
    try:
        started = time.perf_counter()
        data = resume_path(applicant.resume_sha256).read_bytes()
        extraction = read_pdf(data, pdf_limits())  # in a child process, with memory and time limits
        timings["extract"] = time.perf_counter() - started
        found = read_name_fields(extraction.text)
        applicant.adopt_resume_name(found.name, found.furigana)
        reason = not_resume_reason(extraction.text)
        if reason:
            return fail(applicant, "not_resume", reason)

        started = time.perf_counter()
        result = resume_nouns(extraction.text, applicant.name, applicant.furigana)
        timings["tokenize"] = time.perf_counter() - started
    except ExtractionFailed as exc:
        return fail(applicant, exc.reason, exc.detail)
    except FileNotFoundError:
        return fail(applicant, "unparseable", "The stored résumé file is missing")

    started = time.perf_counter()
    store_nouns(applicant_id, result.counts)
    store_attributes(applicant_id, read_attributes(extraction.text))  # audit only: never a feature
    applicant.record_extraction(extraction.pages, result.masked, extraction.warnings, extraction.hidden)
    db.session.commit()
    timings["store"] = time.perf_counter() - started

    started = time.perf_counter()
    outcome = score_or_queue(applicant)
    timings["score"] = time.perf_counter() - started
    observe_ingest(timings)
    log.info("applicant %s: %d pages, %d nouns, %d masked, %d hidden, %s, timings %s", applicant_id, extraction.pages,
             len(result.counts), result.masked, extraction.hidden_chars, outcome,
             {k: round(v, 4) for k, v in timings.items()})
    return {"status": "extracted", "outcome": outcome, "nouns": len(result.counts), "timings": timings}
