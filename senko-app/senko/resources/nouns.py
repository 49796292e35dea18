"""Stored résumé nouns: per applicant, and the most frequent across applicants (for analysis)."""
from flask import request
from sqlalchemy import func, select

from .. import applicants
from ..errors import ApiError
from ..extensions import db
from ..models import Applicant, ApplicantNoun
from .audit import audited
from .base import Resource


class ApplicantNouns(Resource):
    """``GET /applicant/<id>/nouns``: the nouns kept from the résumé, most frequent first."""

    @audited("applicant.nouns", "applicant", "applicant_id")
    def get(self, applicant_id: int):
        applicant = applicants.get(applicant_id)
        rows = db.session.execute(
            select(ApplicantNoun.noun, ApplicantNoun.count)
            .where(ApplicantNoun.applicant_id == applicant_id)
            .order_by(ApplicantNoun.count.desc(), ApplicantNoun.noun)
        ).all()
        return {
            "applicant_id": applicant_id,
            "status": applicant.status,
            "masked_tokens": applicant.masked_tokens,
            "nouns": [{"noun": noun, "count": count} for noun, count in rows],
        }


class NounStats(Resource):
    """``GET /nouns?decision=OK&limit=50``: nouns found in the most applicants' résumés."""

    def get(self):
        decision = request.args.get("decision")
        if decision not in (None, "OK", "NG"):
            raise ApiError(400, "decision must be OK or NG")
        try:
            limit = int(request.args.get("limit", 50))
        except ValueError:
            raise ApiError(400, "limit must be a number") from None
        if not 1 <= limit <= 500:
            raise ApiError(400, "limit must be between 1 and 500")
        query = (
            select(ApplicantNoun.noun, func.count().label("applicants"), func.sum(ApplicantNoun.count).label("total"))
            .group_by(ApplicantNoun.noun)
            .order_by(func.count().desc(), ApplicantNoun.noun)
            .limit(limit)
        )
        if decision:
            query = query.join(Applicant, Applicant.id == ApplicantNoun.applicant_id).where(Applicant.decision == decision)
        rows = db.session.execute(query).all()
        return {"decision": decision, "nouns": [{"noun": n, "applicants": a, "count": int(t)} for n, a, t in rows]}
