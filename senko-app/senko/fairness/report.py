"""The adverse-impact report: per stated group, how often the model puts people above the threshold, how often
people were judged OK, the four-fifths ratios against the highest group, and calibration by group.

Groups come from ``applicant_attributes`` (what résumés state); applicants who state nothing for the
attribute are counted as ``not_stated`` and left out of the ratios. Nothing here reaches the model.
"""
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from ..exceptions import Invalid
from ..extensions import db
from ..models import Applicant, ApplicantAttributes
from ..models.fairness import ATTRIBUTES
from .stats import group_rates, impact, rate, wilson

FOUR_FIFTHS = 0.8
METHOD = ("Rates with 95% Wilson score intervals; each group's rate divided by the highest group's (the reference: "
          "highest rate among groups with at least min_group_size) with a 95% Katz log interval for the ratio "
          "(0.5 added to every count when one is zero). A warning needs a ratio below 0.8 and at least "
          "min_group_size people in both groups.")
MEASURES = {"model": ("above", "with_score", "share of scored applicants at or above the threshold"),
            "human": ("ok", "decided", "share of decided applicants judged OK")}


def attribute_column(attribute: str):
    """The ``applicant_attributes`` column of ``attribute`` (``Invalid`` for any other name)."""
    if attribute not in ATTRIBUTES:
        raise Invalid(f"attribute must be one of {', '.join(ATTRIBUTES)}")
    return getattr(ApplicantAttributes, attribute)


def groups_of(applicant_ids: list[int], attribute: str) -> dict[int, str | None]:
    """The stated group of each applicant (None: not stated or no attributes row)."""
    column = attribute_column(attribute)
    found = dict(db.session.execute(select(ApplicantAttributes.applicant_id, column)
                                    .where(ApplicantAttributes.applicant_id.in_(applicant_ids))).all()) if applicant_ids else {}
    return {i: found.get(i) for i in applicant_ids}


def summarize(rows: list[tuple[str | None, float | None, str | None]], threshold: float, min_group: int) -> dict:
    """Groups, ratios and warnings from ``(group, score, decision)`` rows (group None: not stated)."""
    stated = [row for row in rows if row[0] is not None]
    counts = group_rates(stated, threshold)
    impacts = {measure: impact(counts, successes, trials, min_group)
               for measure, (successes, trials, _) in MEASURES.items()}
    groups, warnings = [], []
    for name in sorted(counts):
        g = counts[name]
        entry = {
            "group": name, "applicants": g["applicants"], "with_score": g["with_score"], "above_threshold": g["above"],
            "share_above": rate(g["above"], g["with_score"]), "share_above_ci": wilson(g["above"], g["with_score"]),
            "decided": g["decided"], "ok": g["ok"], "ok_rate": rate(g["ok"], g["decided"]),
            "ok_rate_ci": wilson(g["ok"], g["decided"]),
            "model_ratio": impacts["model"]["ratios"][name], "human_ratio": impacts["human"]["ratios"][name],
            "calibration": {
                "n": g["calibration_n"],
                "mean_score": rate(g["calibration_score"], g["calibration_n"]),
                "ok_rate": rate(g["calibration_ok"], g["calibration_n"]),
                "gap": (round((g["calibration_score"] - g["calibration_ok"]) / g["calibration_n"], 4)
                        if g["calibration_n"] else None),
            },
        }
        entry["share_above_ci"] = list(entry["share_above_ci"]) if entry["share_above_ci"] else None
        entry["ok_rate_ci"] = list(entry["ok_rate_ci"]) if entry["ok_rate_ci"] else None
        groups.append(entry)
        for measure, (_, trials, what) in MEASURES.items():
            ratio, reference = entry[f"{measure}_ratio"], impacts[measure]["reference"]
            if (ratio is None or ratio["value"] >= FOUR_FIFTHS or name == reference
                    or g[trials] < min_group or counts[reference][trials] < min_group):
                continue
            warnings.append({
                "group": name, "measure": measure, "reference": reference, "ratio": ratio,
                "confident": ratio["high"] < FOUR_FIFTHS,
                "message": f"{name}: {what} is {ratio['value']:.2f} of {reference}'s (95% CI {ratio['low']:.2f}–"
                           f"{ratio['high']:.2f}), below the four-fifths rule",
            })
    return {"groups": groups, "reference": {m: impacts[m]["reference"] for m in MEASURES},
            "not_stated": len(rows) - len(stated), "warnings": warnings}


def report(attribute: str, since: datetime | None = None, until: datetime | None = None) -> dict:
    """The adverse-impact report for ``attribute`` over applicants added between ``since`` and ``until``."""
    column = attribute_column(attribute)
    config = current_app.config
    threshold, min_group = config["SENKO_TRIAGE_THRESHOLD"], config["SENKO_FAIRNESS_MIN_GROUP"]
    query = select(column, Applicant.score, Applicant.decision).outerjoin(  # no attributes row: not stated
        ApplicantAttributes, ApplicantAttributes.applicant_id == Applicant.id)
    if since is not None:
        query = query.where(Applicant.created_at >= since)
    if until is not None:
        query = query.where(Applicant.created_at <= until)
    rows = [tuple(row) for row in db.session.execute(query).all()]
    summary = summarize(rows, threshold, min_group)
    return {"attribute": attribute, "threshold": threshold, "min_group_size": min_group, "applicants": len(rows),
            "method": METHOD, **summary}
