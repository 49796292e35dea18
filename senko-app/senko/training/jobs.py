"""The model jobs the workers run: train a candidate on request, and the nightly retrain."""
import logging

from flask import current_app
from sqlalchemy import func, select

from .. import queue
from ..exceptions import SenkoError, Unavailable
from ..extensions import db
from ..models import Applicant, MlModel, record_event
from . import registry

log = logging.getLogger(__name__)


def train_candidate(algorithm: str | None = None, user_id: int | None = None, activate: bool = False) -> str | None:
    """Train a candidate; asked to activate, it is proposed instead (the card needs an admin). Failures become events."""
    try:
        model = registry.train(algorithm, user_id)
    except SenkoError as exc:
        db.session.rollback()
        record_event("model_training_failed", f"モデルを学習できませんでした: {exc.message}", reason=exc.message)
        db.session.commit()
        return None
    if activate:  # a new model's card needs an admin's acknowledgement first: it is proposed, not activated
        propose(model)
    return model.version


def propose(model: MlModel) -> dict:
    """Announce a new candidate for review (a ``model_proposed`` event with its fairness check) and queue its
    shadow scoring; activation is left to an admin who acknowledges the model card."""
    check = (model.metrics or {}).get("fairness_check") or {}
    passed = check.get("passed")
    record_event("model_proposed", f"モデル {model.version} を提案しました: モデルカードを確認してから有効にしてください"
                 + ("" if passed is not False else " (公平性チェックで警告があります)"),
                 version=model.version, fairness_check_passed=passed, roc_auc=(model.metrics or {}).get("roc_auc"))
    db.session.commit()
    try:
        queue.shadow_score(model.version)
    except Unavailable:
        log.warning("shadow scoring of %s not queued: the task queue is unavailable", model.version)
    return {"fairness_check_passed": passed}


def decisions_since_last_model() -> int:
    """Decisions recorded after the newest model was trained (all decisions when there is none)."""
    last = db.session.scalar(select(func.max(MlModel.trained_at)))
    query = select(func.count()).select_from(Applicant).where(Applicant.decision.is_not(None))
    if last is not None:
        query = query.where(Applicant.decided_at > last)
    return db.session.scalar(query)


def nightly_retrain() -> dict:
    """Train a candidate when enough new decisions arrived and propose it; never activate it.

    Activation needs an admin who read and acknowledged the model card (metrics with intervals, the
    comparison with the active model on the same hold-out, group metrics), so nothing is activated
    unattended, whether or not the fairness check passed. ``SENKO_AUTO_ACTIVATE`` is no longer honoured.
    """
    new = decisions_since_last_model()
    if new < current_app.config["SENKO_RETRAIN_MIN_NEW_DECISIONS"]:
        return {"trained": None, "new_decisions": new}
    try:
        model = registry.train(None, None)
    except SenkoError as exc:
        db.session.rollback()
        return {"trained": None, "new_decisions": new, "reason": exc.message}
    proposal = propose(model)
    log.info("nightly retrain: %s proposed (fairness check passed: %s)", model.version, proposal["fairness_check_passed"])
    return {"trained": model.version, "new_decisions": new, "activated": False, **proposal}
