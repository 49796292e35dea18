"""``GET /applicants/histogram``: how the scores spread, by decision, for the chart above the list.

Counts only (no names): staff (admins and recruiters) may read it, and it is not audited.
"""
from flask import request
from sqlalchemy import func, select

from ..errors import ApiError
from ..extensions import db
from ..models import Applicant
from .base import Resource, setting

DECISION_KEYS = {"OK": "OK", "NG": "NG", None: "none"}


def bin_count() -> int:
    """The ``bins`` query parameter: 2 to 50 (default 20, so the default threshold 0.65 falls on a bin's edge)."""
    try:
        bins = int(request.args.get("bins", 20))
    except ValueError:
        raise ApiError(400, "bins must be a whole number") from None
    if not 2 <= bins <= 50:
        raise ApiError(400, "bins must be between 2 and 50")
    return bins


class ApplicantHistogram(Resource):
    """Applicants with a score in ``bins`` equal score ranges × decision (OK, NG, none), those without, the threshold.

    A bin holds ``score_min <= score < score_max``; the last one also holds a score of exactly 1.
    """

    def get(self):
        bins = bin_count()
        index = func.least(func.floor(Applicant.score * bins), bins - 1).label("bin")
        rows = db.session.execute(
            select(index, Applicant.decision, func.count()).where(Applicant.score.is_not(None))
            .group_by(index, Applicant.decision)
        ).all()
        counts = [{"score_min": round(i / bins, 4), "score_max": round((i + 1) / bins, 4), "OK": 0, "NG": 0, "none": 0}
                  for i in range(bins)]
        for position, decision, count in rows:
            counts[max(0, int(position))][DECISION_KEYS.get(decision, "none")] += count
        without = db.session.scalar(select(func.count()).select_from(Applicant).where(Applicant.score.is_(None)))
        return {"threshold": setting("SENKO_TRIAGE_THRESHOLD"), "bins": counts, "without_score": without,
                "with_score": sum(b["OK"] + b["NG"] + b["none"] for b in counts)}
