"""Model tasks: training in the background, rescoring after an activation, the nightly retrain."""
import logging

from celery import shared_task
from flask import current_app
from sqlalchemy import func, select

from ..errors import ApiError
from ..extensions import db
from ..models import Applicant, MlModel, record_event
from ..scoring.client import NoModel, PredictUnavailable, predict
from .scoring import apply_score, document_of

log = logging.getLogger(__name__)


@shared_task(name="senko.tasks.training.train_model")
def train_model(algorithm: str | None = None, user_id: int | None = None, activate: bool = False) -> str | None:
    """Train a candidate (and activate it when asked); failures become a 'model_training_failed' event."""
    from ..training import registry

    try:
        model = registry.train(algorithm, user_id)
    except ApiError as exc:
        db.session.rollback()
        record_event("model_training_failed", f"モデルを学習できませんでした: {exc.message}", reason=exc.message)
        db.session.commit()
        return None
    if activate:
        registry.activate(model)
    return model.version


@shared_task(bind=True, name="senko.tasks.training.rescore_all", max_retries=60)
def rescore_all(self, version: str) -> dict | None:
    """Rescore every undecided, processed applicant with model ``version`` in batches (waits until senko-predict serves it)."""
    active = MlModel.active()
    if active is None or active.version != version:
        return None  # superseded by another activation: that one rescores
    try:
        probe = predict([["経験"]])
    except (PredictUnavailable, NoModel) as exc:
        raise self.retry(countdown=2, exc=exc)
    if probe["model_version"] != version:
        raise self.retry(countdown=1)  # senko-predict's workers have not switched yet
    batch = current_app.config["SENKO_RESCORE_BATCH"]
    done, last_id = 0, 0
    while True:
        applicants = db.session.scalars(
            select(Applicant).where(Applicant.id > last_id, Applicant.decision.is_(None),
                                    Applicant.status.in_(("scored", "unscored")),
                                    Applicant.processed_sha256.is_not(None))
            .order_by(Applicant.id).limit(batch)
        ).all()
        if not applicants:
            break
        answer = predict([document_of(a.id) for a in applicants])
        for applicant, probability, explanation in zip(applicants, answer["probabilities"], answer["explanations"]):
            apply_score(applicant, probability, answer["model_version"], explanation, notify=False)
        db.session.commit()
        done += len(applicants)
        last_id = applicants[-1].id
    record_event("rescore_finished", f"モデル {version} で {done} 名を再採点しました", version=version, rescored=done)
    db.session.commit()
    return {"version": version, "rescored": done}


def decisions_since_last_model() -> int:
    """Decisions recorded after the newest model was trained (all decisions when there is none)."""
    last = db.session.scalar(select(func.max(MlModel.trained_at)))
    query = select(func.count()).select_from(Applicant).where(Applicant.decision.is_not(None))
    if last is not None:
        query = query.where(Applicant.decided_at > last)
    return db.session.scalar(query)


@shared_task(name="senko.tasks.training.nightly_retrain")
def nightly_retrain() -> dict:
    """Train a candidate when enough new decisions arrived; activate it only if configured and its AUC is not worse."""
    from ..training import registry

    new = decisions_since_last_model()
    if new < current_app.config["SENKO_RETRAIN_MIN_NEW_DECISIONS"]:
        return {"trained": None, "new_decisions": new}
    try:
        model = registry.train(None, None)
    except ApiError as exc:
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
