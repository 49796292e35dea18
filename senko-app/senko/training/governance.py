"""Model governance: how good a model is, with intervals; how it treats groups; its card; the admin's acknowledgement.

At training, ``assess`` adds to a candidate's metrics what the hold-out alone cannot say:

- ``intervals``: 95 % percentile-bootstrap intervals (``BOOTSTRAP`` resamples of the hold-out) of every metric;
- ``cross_validation``: 5-fold stratified cross-validation of the same procedure on all labelled data,
  i.e. an estimate for the refit model that is deployed, with per-fold AUCs and bootstrap intervals of
  the pooled out-of-fold predictions;
- ``comparison``: the candidate and the active model on the *same* hold-out. A trained active model's
  procedure (its algorithm) is refit on the same training split; an imported one is run as it is and
  flagged, since it may have seen those applicants. The AUC difference has a paired-bootstrap interval;
- ``groups`` and ``fairness_check``: the adverse-impact summary (``senko.fairness``) of the out-of-fold
  predictions per stated attribute; the check fails on any four-fifths warning about the model;
- ``data``: the decision dates of the training data.

The model card (``card``) is built from these once and frozen; an admin acknowledges it
(``acknowledge``) before the model is activated for the first time (``registry.activate`` refuses otherwise).
"""
import numpy as np
from flask import current_app
from sqlalchemy import func, select

from senko_predict import artifact

from ..exceptions import Conflict
from ..extensions import db
from ..fairness.report import groups_of, summarize
from ..models import Applicant, MlModel, record_event
from ..models.fairness import ATTRIBUTES
from ..models.mixins import isoformat, utcnow
from .evaluation import bootstrap_intervals, cross_validated, evaluate, holdout_split, paired_auc_difference

TOP_NOUNS = 15


def _fairness(ids: list[int], probabilities, labels: list[int], threshold: float) -> tuple[dict, dict]:
    """Group summaries per attribute and the check (fails on any warning about the model's selection rates)."""
    min_group = current_app.config["SENKO_FAIRNESS_MIN_GROUP"]
    groups, failures = {}, []
    for attribute in ATTRIBUTES:
        of = groups_of(ids, attribute)
        rows = [(of[i], float(p), "OK" if y else "NG") for i, p, y in zip(ids, probabilities, labels, strict=True)]
        groups[attribute] = summarize(rows, threshold, min_group)
        failures += [{"attribute": attribute, **w} for w in groups[attribute]["warnings"] if w["measure"] == "model"]
    return groups, {"passed": not failures, "failures": failures, "min_group_size": min_group}


def _compare(make_estimator, algorithm_names, load_active, split, candidate_p, threshold: float) -> dict | None:
    """The candidate and the active model on the same hold-out (None when there is no active model)."""
    active = MlModel.active()
    if active is None:
        return None
    train_x, test_x, train_y, test_y = split
    if active.source == "trained" and active.algorithm in algorithm_names:
        estimator = make_estimator(active.algorithm)
        estimator.fit(train_x, train_y)
        method, note = "refit", "the active model's algorithm refit on the candidate's training split"
    else:
        estimator = load_active(active)
        method, note = "artifact", "the active model's own file; it may have been trained on some of these applicants"
    active_p = estimator.predict_proba(test_x)[:, 1]
    return {"active_version": active.version, "method": method, "note": note, "holdout_size": len(test_y),
            "candidate": evaluate(test_y, candidate_p, threshold), "active": evaluate(test_y, active_p, threshold),
            "auc_difference": paired_auc_difference(test_y, candidate_p, active_p)}


def assess(make_estimator, algorithm: str, algorithm_names, load_active, ids: list[int], texts: list[str],
           labels: list[int], candidate_p) -> dict:
    """The governance metrics of a candidate trained by ``registry.train`` (see the module's docstring)."""
    threshold = current_app.config["SENKO_TRIAGE_THRESHOLD"]
    split = holdout_split(texts, labels)
    oof, folds = cross_validated(lambda: make_estimator(algorithm), texts, labels)
    groups, check = _fairness(ids, oof, labels, threshold)
    first, last = db.session.execute(select(func.min(Applicant.decided_at), func.max(Applicant.decided_at))
                                     .where(Applicant.id.in_(ids))).one()
    try:
        comparison = _compare(make_estimator, algorithm_names, load_active, split, candidate_p, threshold)
    except Exception as exc:  # a broken active model must not stop training: the card says why
        comparison = {"error": f"{type(exc).__name__}: {exc}"}
    return {
        "intervals": bootstrap_intervals(split[3], candidate_p, threshold),
        "cross_validation": {**evaluate(labels, oof, threshold), "folds": folds,
                             "intervals": bootstrap_intervals(labels, oof, threshold)},
        "comparison": comparison,
        "groups": groups,
        "fairness_check": check,
        "data": {"decided_from": isoformat(first), "decided_to": isoformat(last), "size": len(labels)},
    }


def linear_weights(pipeline) -> tuple[list[str], np.ndarray] | None:
    """(feature names, coefficients) of a vectorizer → linear model pipeline (also calibrated SVMs), else None."""
    steps = getattr(pipeline, "steps", None)
    if not steps or len(steps) != 2:
        return None
    vectorizer, estimator = steps[0][1], steps[1][1]
    if hasattr(estimator, "coef_"):
        coef = np.asarray(estimator.coef_)
    elif hasattr(estimator, "calibrated_classifiers_"):
        coefs = [np.asarray(c.estimator.coef_) for c in estimator.calibrated_classifiers_ if hasattr(c.estimator, "coef_")]
        if not coefs:
            return None
        coef = np.mean(coefs, axis=0)
    else:
        return None
    return list(vectorizer.get_feature_names_out()), coef.ravel()


def top_nouns(pipeline, top: int = TOP_NOUNS) -> dict | None:
    """The ``top`` nouns with the largest positive and negative weights (None for non-linear models)."""
    weights = linear_weights(pipeline)
    if weights is None:
        return None
    names, coef = weights
    order = np.argsort(coef)
    pick = lambda idx: [{"noun": names[i], "weight": round(float(coef[i]), 4)} for i in idx]  # noqa: E731
    return {"positive": pick(order[::-1][:top]), "negative": pick(order[:top])}


def card(model: MlModel, read_verified) -> dict:
    """The model card of ``model``: built once from its metrics and file, then frozen in the registry."""
    if model.card is None:
        metrics = dict(model.metrics or {})
        governance = {key: metrics.pop(key, None) for key in
                      ("intervals", "cross_validation", "comparison", "groups", "fairness_check", "data")}
        try:
            nouns = top_nouns(artifact.loads(read_verified(model)))
        except Exception as exc:  # a missing or refused file: the card says so rather than failing
            nouns = {"error": f"{type(exc).__name__}: {exc}"}
        data = governance["data"] or {}
        model.card = {
            "version": model.version, "algorithm": model.algorithm, "source": model.source,
            "trained_at": isoformat(model.trained_at), "built_at": isoformat(utcnow()),
            "data": {"size": model.training_size, "class_balance": metrics.get("class_balance"),
                     "decided_from": data.get("decided_from"), "decided_to": data.get("decided_to")},
            "holdout": {"metrics": metrics, "intervals": governance["intervals"]},
            "cross_validation": governance["cross_validation"],
            "comparison": governance["comparison"],
            "groups": governance["groups"],
            "fairness_check": governance["fairness_check"],
            "top_nouns": nouns,
        }
        db.session.commit()
    return model.card


def card_state(model: MlModel) -> dict:
    """Whether the card is acknowledged, by whom and when, with the note."""
    return {"acknowledged": model.card_acknowledged_at is not None,
            "acknowledged_at": isoformat(model.card_acknowledged_at),
            "acknowledged_by": model.card_acknowledged_by.email if model.card_acknowledged_by else None,
            "note": model.card_note}


def acknowledge(model: MlModel, read_verified, user_id: int | None, note: str | None) -> MlModel:
    """Record that an admin read the card (built now if needed); ``Conflict`` if it already was acknowledged."""
    if model.card_acknowledged_at is not None:
        raise Conflict(f"The card of {model.version} was already acknowledged")
    card(model, read_verified)
    model.card_acknowledged_at, model.card_acknowledged_by_id, model.card_note = utcnow(), user_id, note
    record_event("model_card_acknowledged", f"モデル {model.version} のモデルカードを確認しました", version=model.version)
    db.session.commit()
    return model
