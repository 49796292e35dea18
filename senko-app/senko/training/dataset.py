"""Training data: applicants with a human decision and stored nouns."""
from collections import defaultdict

from sqlalchemy import func, select

from ..extensions import db
from ..models import Applicant, ApplicantNoun


def document_text(nouns: list[str]) -> str:
    """The model input for one applicant: nouns joined by single spaces (the documented contract)."""
    return " ".join(n.replace(" ", "") for n in nouns)


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
    nouns, decisions = defaultdict(list), {}
    for applicant_id, noun, count, decision in rows:
        nouns[applicant_id].extend([noun] * count)
        decisions[applicant_id] = decision
    ids = sorted(nouns)
    return ids, [document_text(nouns[i]) for i in ids], [1 if decisions[i] == "OK" else 0 for i in ids]
