"""Shadow scoring: a candidate model scores new and recently decided applicants without affecting anything.

The scores go to ``shadow_scores`` only: no applicant's score, status, triage or events change, nothing
is sent to senko-predict (the worker loads the candidate's verified file itself), and the active model
stays active. ``compare`` then sets the candidate against the active model (the applicants' real scores,
as they were when shadow-scored) and against the people's decisions.
"""
from datetime import timedelta

import numpy as np
from flask import current_app
from sqlalchemy import delete, func, insert, or_, select

from senko_predict.contract import document_text, documents_from_counts

from ..exceptions import Conflict
from ..extensions import db
from ..fairness.stats import rate, wilson
from ..models import Applicant, ApplicantNoun, MlModel, ShadowScore
from ..models.mixins import isoformat, utcnow
from . import registry


def applicants_to_shadow(model: MlModel, days: int) -> list[int]:
    """Applicants with stored nouns added or decided in the last ``days`` days, or added since ``model`` was trained."""
    since = utcnow() - timedelta(days=days)
    newer = [Applicant.created_at >= since, Applicant.decided_at >= since]
    if model.trained_at is not None:
        newer.append(Applicant.created_at >= model.trained_at)
    query = (select(Applicant.id).where(Applicant.processed_sha256.is_not(None), or_(*newer))
             .where(select(ApplicantNoun.applicant_id).where(ApplicantNoun.applicant_id == Applicant.id).exists())
             .order_by(Applicant.id))
    return list(db.session.scalars(query))


def run(model: MlModel, pipeline, days: int | None = None) -> dict:
    """Score the applicants of ``applicants_to_shadow`` with ``pipeline`` (the model's loaded file) into ``shadow_scores``.

    ``Conflict`` for the active model (its scores are the real ones). Commits only shadow rows.
    """
    if model.status == "active":
        raise Conflict(f"Model {model.version} is active: its scores are the applicants' own, not a shadow")
    days = current_app.config["SENKO_SHADOW_DAYS"] if days is None else days
    ids = applicants_to_shadow(model, days)
    if not ids:
        return {"version": model.version, "shadowed": 0}
    rows = db.session.execute(select(ApplicantNoun.applicant_id, ApplicantNoun.noun, ApplicantNoun.count)
                              .where(ApplicantNoun.applicant_id.in_(ids))).all()
    nouns = documents_from_counts((a, n, c) for a, n, c in rows)
    ids = sorted(nouns)
    probabilities = np.asarray(pipeline.predict_proba([document_text(nouns[i]) for i in ids]), dtype=float)[:, 1]
    active = dict((r.id, (r.score, r.model_version)) for r in db.session.execute(
        select(Applicant.id, Applicant.score, Applicant.model_version).where(Applicant.id.in_(ids))))
    now = utcnow()
    db.session.execute(delete(ShadowScore).where(ShadowScore.model_id == model.id, ShadowScore.applicant_id.in_(ids)))
    db.session.execute(insert(ShadowScore), [
        {"model_id": model.id, "applicant_id": i, "score": float(p), "active_score": active[i][0],
         "active_version": active[i][1], "scored_at": now} for i, p in zip(ids, probabilities, strict=True)])
    db.session.commit()
    return {"version": model.version, "shadowed": len(ids)}


def _auc(labels: list[int], scores: list[float]) -> float | None:
    from sklearn.metrics import roc_auc_score

    return round(float(roc_auc_score(labels, scores)), 4) if len(set(labels)) == 2 else None


def compare(model: MlModel) -> dict:
    """The candidate's shadow scores against the active model's scores and against human decisions."""
    threshold = current_app.config["SENKO_TRIAGE_THRESHOLD"]
    rows = db.session.execute(select(ShadowScore.score, ShadowScore.active_score, ShadowScore.active_version,
                                     Applicant.decision)
                              .join(Applicant, Applicant.id == ShadowScore.applicant_id)
                              .where(ShadowScore.model_id == model.id)).all()
    last = db.session.scalar(select(func.max(ShadowScore.scored_at)).where(ShadowScore.model_id == model.id))
    both = [r for r in rows if r.active_score is not None]
    agree = sum((r.score >= threshold) == (r.active_score >= threshold) for r in both)
    decided = [r for r in rows if r.decision is not None]
    labels = [1 if r.decision == "OK" else 0 for r in decided]
    shadow_hits = sum((r.score >= threshold) == (r.decision == "OK") for r in decided)
    decided_both = [r for r in decided if r.active_score is not None]
    active_hits = sum((r.active_score >= threshold) == (r.decision == "OK") for r in decided_both)
    versions = sorted({r.active_version for r in both if r.active_version})
    return {
        "version": model.version, "status": model.status, "threshold": threshold, "shadowed": len(rows),
        "scored_at": isoformat(last),
        "vs_active": {
            "compared": len(both), "active_versions": versions,
            "agreement": rate(agree, len(both)), "agreement_ci": _ci(agree, len(both)),
            "mean_abs_difference": round(float(np.mean([abs(r.score - r.active_score) for r in both])), 4) if both else None,
            "into_review": sum(r.score >= threshold > r.active_score for r in both),
            "out_of_review": sum(r.active_score >= threshold > r.score for r in both),
        },
        "vs_human": {
            "decided": len(decided), "ok": sum(labels),
            "shadow_agreement": rate(shadow_hits, len(decided)), "shadow_agreement_ci": _ci(shadow_hits, len(decided)),
            "shadow_auc": _auc(labels, [r.score for r in decided]),
            "active_compared": len(decided_both),
            "active_agreement": rate(active_hits, len(decided_both)),
            "active_agreement_ci": _ci(active_hits, len(decided_both)),
            "active_auc": _auc([1 if r.decision == "OK" else 0 for r in decided_both],
                               [r.active_score for r in decided_both]),
        },
    }


def _ci(successes: int, trials: int) -> list[float] | None:
    interval = wilson(successes, trials)
    return list(interval) if interval else None


def run_version(version: str) -> dict:
    """Shadow-score with model ``version`` (what the worker's task calls)."""
    model = registry.by_version(version)
    return run(model, registry.load_pipeline(model))


def run_newest_candidate() -> dict | None:
    """Shadow-score with the newest candidate trained after the active model was activated (beat, hourly).

    New applicants keep arriving while an admin weighs a proposal: each run adds them. None when there
    is no such candidate (nothing proposed since the last activation).
    """
    active = MlModel.active()
    query = select(MlModel).where(MlModel.status == "candidate")
    if active is not None and active.activated_at is not None:
        query = query.where(MlModel.created_at > active.activated_at)
    model = db.session.scalar(query.order_by(MlModel.id.desc()).limit(1))
    return run(model, registry.load_pipeline(model)) if model is not None else None
