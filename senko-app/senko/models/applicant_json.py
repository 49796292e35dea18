"""An applicant as the API shows it: from an ``Applicant``, or from a row of the list's column-only SELECT.

The list (``senko.listing``) reads plain rows, not ORM objects: building 20 mapped instances, their
identity map entries and the joined ``decided_by`` user cost more than the query itself. A row of
``LIST_COLUMNS`` has the attributes an ``Applicant`` has (``explanation`` aside), so both are shown
by the same ``applicant_fields``.
"""
import struct

from .mixins import isoformat


def stored_score(value: float) -> float:
    """``value`` as the FLOAT column ``applicants.score`` holds it (single precision).

    Compare stored scores in SQL with this, not with ``value``: a score of 0.65 is stored as
    0.64999998 and reads back as 0.65, so ``score >= 0.65`` in SQL would leave out what the API
    shows as 0.65 and triages as ``review``.
    """
    return struct.unpack("f", struct.pack("f", value))[0]


def triage(score: float | None, threshold: float) -> str:
    """``review`` when ``score`` reaches ``threshold``, ``below`` under it, ``pending`` without a score."""
    if score is None:
        return "pending"
    return "review" if score >= threshold else "below"


def applicant_fields(values, threshold: float, decided_by: str | None, detail: bool = False) -> dict:
    """The public fields of ``values`` (an ``Applicant`` or a list row); ``explanation`` only with ``detail``."""
    data = {
        "id": values.id,
        "name": values.name,
        "name_source": values.name_source,
        "furigana": values.furigana,
        "email": values.email,
        "phone": values.phone,
        "applied_at": values.applied_at.isoformat() if values.applied_at else None,
        "source": values.source,
        "external_id": values.external_id,
        "possible_duplicate_of": values.duplicate_of_id,
        "note": values.note,
        "status": values.status,
        "failure_reason": values.failure_reason,
        "failure_detail": values.failure_detail,
        "resume": None if not values.resume_sha256 else {
            "filename": values.resume_filename, "size": values.resume_size, "pages": values.resume_pages,
            "sha256": values.resume_sha256,
        },
        "masked_tokens": values.masked_tokens,
        "hidden_chars": values.hidden_chars,
        "score": values.score,
        "model_version": values.model_version,
        "scored_at": isoformat(values.scored_at),
        "triage": triage(values.score, threshold),
        "decision": values.decision,
        "decided_by": decided_by,
        "decided_at": isoformat(values.decided_at),
        "created_at": isoformat(values.created_at),
        "updated_at": isoformat(values.updated_at),
    }
    if detail:
        data["explanation"] = values.explanation
    return data
