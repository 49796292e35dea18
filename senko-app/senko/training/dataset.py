"""Training data: applicants with a human decision and stored nouns.

The texts are built by ``senko_predict.contract``, the same rule senko-predict applies when it scores.
"""
from sqlalchemy import func, select

from senko_predict.contract import document_text, documents_from_counts

from ..extensions import db
from ..models import Applicant, ApplicantNoun


def label_counts() -> dict:
    """How many decided applicants with nouns there are per decision."""
    rows = db.session.execute(
        select(Applicant.decision, func.count(func.distinct(Applicant.id)))
        .join(ApplicantNoun, ApplicantNoun.applicant_id == Applicant.id)
        .where(Applicant.decision.is_not(None))
        .group_by(Applicant.decision)
    ).all()
    counts = {"OK": 0, "NG": 0}
    counts.update({decision: n for decision, n in rows})
    return counts


def labelled_documents() -> tuple[list[int], list[str], list[int]]:
    """(applicant ids, texts, labels 1=OK 0=NG) of every decided applicant with nouns, in id order."""
    rows = db.session.execute(
        select(ApplicantNoun.applicant_id, ApplicantNoun.noun, ApplicantNoun.count, Applicant.decision)
        .join(Applicant, Applicant.id == ApplicantNoun.applicant_id)
        .where(Applicant.decision.is_not(None))
        .order_by(ApplicantNoun.applicant_id)
    ).all()
    nouns = documents_from_counts((applicant_id, noun, count) for applicant_id, noun, count, _ in rows)
    decisions = {applicant_id: decision for applicant_id, _, _, decision in rows}
    ids = sorted(nouns)
    return ids, [document_text(nouns[i]) for i in ids], [1 if decisions[i] == "OK" else 0 for i in ids]
