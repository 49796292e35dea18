"""What one chunk computes before anything is written: batched predictions, and for retokenizing the résumés re-read.

Nothing here writes to the database; ``chunks.apply`` stores the results in one transaction.
"""
import time
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select

from senko_predict.contract import documents_from_counts, nouns_from_counts

from ..exceptions import Unavailable
from ..extensions import db
from ..ingest.attributes import read_attributes
from ..ingest.doctype import not_resume_reason
from ..ingest.extract import ExtractionFailed
from ..ingest.pipeline import pdf_limits, resume_nouns
from ..ingest.readers import read_pdf
from ..ingest.storage import resume_path
from ..models import Applicant, ApplicantNoun
from ..scoring.client import NoModel, predict
from .jobs import RESCORE, RETOKENIZE


class NotServingYet(Unavailable):
    """senko-predict's workers still answer with another model than the job's: ask again in a moment."""


@dataclass
class Outcome:
    """A chunk's results: scores per applicant, re-read nouns per applicant, failures, and where the time went."""

    kind: str = RESCORE
    model_version: str | None = None
    scores: dict[int, tuple[float, list]] = field(default_factory=dict)
    nouns: dict[int, tuple[dict, int]] = field(default_factory=dict)
    attributes: dict[int, object] = field(default_factory=dict)
    failed: dict[int, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def timed(self, step: str, started: float) -> None:
        """Add the seconds since ``started`` to ``step``."""
        self.timings[step] = self.timings.get(step, 0.0) + time.perf_counter() - started


def stored_documents(applicant_ids: list[int]) -> dict[int, list[str]]:
    """The stored nouns of many applicants as documents, in one query (an applicant without nouns: an empty one)."""
    rows = db.session.execute(
        select(ApplicantNoun.applicant_id, ApplicantNoun.noun, ApplicantNoun.count)
        .where(ApplicantNoun.applicant_id.in_(applicant_ids))
        .order_by(ApplicantNoun.applicant_id, ApplicantNoun.noun)).all()
    documents = documents_from_counts(rows)
    return {applicant_id: documents.get(applicant_id, []) for applicant_id in applicant_ids}


def score_documents(documents: dict[int, list[str]], outcome: Outcome, expected: str | None, exact: bool = True) -> None:
    """Predict ``documents`` in batches of ``SENKO_RESCORE_BATCH`` into ``outcome.scores``.

    ``expected``: the job's model version. Raises ``NotServingYet`` while senko-predict has no model
    loaded yet although one is active, or (``exact``) answers with another version. A job planned
    without an active model scores nothing.
    """
    batch = max(1, current_app.config["SENKO_RESCORE_BATCH"])
    ids = list(documents)
    for start in range(0, len(ids), batch):
        part = ids[start:start + batch]
        started = time.perf_counter()
        try:
            answer = predict([documents[applicant_id] for applicant_id in part])
        except NoModel as exc:
            if expected:
                raise NotServingYet(f"senko-predict has not loaded {expected} yet") from exc
            return
        finally:
            outcome.timed("predict", started)
        if exact and expected and answer["model_version"] != expected:
            raise NotServingYet(f"senko-predict serves {answer['model_version']}, not {expected}")
        outcome.model_version = answer["model_version"]
        for applicant_id, probability, explanation in zip(part, answer["probabilities"], answer["explanations"],
                                                          strict=True):
            outcome.scores[applicant_id] = (probability, explanation)


def rescore(applicants: list[Applicant], version: str | None) -> Outcome:
    """Scores of ``applicants`` from their stored nouns by model ``version``."""
    outcome = Outcome()
    started = time.perf_counter()
    documents = stored_documents([applicant.id for applicant in applicants])
    outcome.timed("read", started)
    score_documents(documents, outcome, version)
    return outcome


def reread(applicant: Applicant):
    """Extract and tokenize the stored résumé again, as the pipeline does (child process, limits, masking, stop words).

    Returns the nouns and the stated attributes (audit only); raises ``ExtractionFailed`` (reason
    ``not_resume`` included) when the pipeline would fail the file today.
    """
    data = resume_path(applicant.resume_sha256).read_bytes()
    extraction = read_pdf(data, pdf_limits())
    reason = not_resume_reason(extraction.text)
    if reason:
        raise ExtractionFailed("not_resume", reason)
    return resume_nouns(extraction.text, applicant.name, applicant.furigana), read_attributes(extraction.text)


def retokenize(applicants: list[Applicant], version: str | None) -> Outcome:
    """New nouns for every applicant whose résumé can still be read, then scores for the undecided among them."""
    outcome = Outcome(kind=RETOKENIZE)
    documents = {}
    for applicant in applicants:
        started = time.perf_counter()
        try:
            result, outcome.attributes[applicant.id] = reread(applicant)
        except ExtractionFailed as exc:
            outcome.failed[applicant.id] = exc.reason
            continue
        except FileNotFoundError:
            outcome.failed[applicant.id] = "missing"
            continue
        finally:
            outcome.timed("extract", started)
        outcome.nouns[applicant.id] = (dict(result.counts), result.masked)
        if applicant.decision is None:
            documents[applicant.id] = nouns_from_counts(sorted(result.counts.items()))
    if documents and version:  # planned without an active model: nothing to score with
        score_documents(documents, outcome, version, exact=False)
    return outcome
