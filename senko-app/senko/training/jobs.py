"""The model jobs the workers run: train a candidate on request, and the nightly retrain."""
import logging

from flask import current_app
from sqlalchemy import func, select

from ..exceptions import SenkoError
from ..extensions import db
from ..models import Applicant, MlModel, record_event
from . import registry

log = logging.getLogger(__name__)


def train_candidate(algorithm: str | None = None, user_id: int | None = None, activate: bool = False) -> str | None:
    """Train a candidate (and activate it when asked); a failure becomes a ``model_training_failed`` event."""
    try:
        model = registry.train(algorithm, user_id)
    except SenkoError as exc:
        db.session.rollback()
        record_event("model_training_failed", f"モデルを学習できませんでした: {exc.message}", reason=exc.message)
        db.session.commit()
        return None
    if activate:
        registry.activate(model)
    return model.version


def decisions_since_last_model() -> int:
    """Decisions recorded after the newest model was trained (all decisions when there is none)."""
    last = db.session.scalar(select(func.max(MlModel.trained_at)))
    query = select(func.count()).select_from(Applicant).where(Applicant.decision.is_not(None))
    if last is not None:
        query = query.where(Applicant.decided_at > last)
    return db.session.scalar(query)


def nightly_retrain() -> dict:
    """Train a candidate when enough new decisions arrived; activate it only if configured and its AUC is not worse."""
    new = decisions_since_last_model()
    if new < current_app.config["SENKO_RETRAIN_MIN_NEW_DECISIONS"]:
        return {"trained": None, "new_decisions": new}
    try:
        model = registry.train(None, None)
    except SenkoError as exc:
        db.session.rollback()
        return {"trained": None, "new_decisions": new, "reason": exc.message}
    active = MlModel.active()
    activated = False
    if current_app.config["SENKO_AUTO_ACTIVATE"]:
        new_auc = (model.metrics or {}).get("roc_auc") or 0
        old_auc = ((active.metrics or {}).get("roc_auc") or 0) if active else 0
        if active is None or new_auc >= old_auc:
            registry.activate(model)
            activated = True
    log.info("nightly retrain: %s (activated: %s)", model.version, activated)
    return {"trained": model.version, "new_decisions": new, "activated": activated}
