"""Rescoring after an activation: every undecided, processed applicant gets the new model's score."""
from flask import current_app
from sqlalchemy import select

from ..exceptions import Unavailable
from ..extensions import db
from ..models import Applicant, ApplicantStatus, MlModel, record_event
from ..scoring.client import predict
from ..scoring.service import document_of, threshold


class NotServingYet(Unavailable):
    """senko-predict's workers still answer with another model: ask again in a moment."""


def rescore_all(version: str) -> dict | None:
    """Rescore every undecided, processed applicant with model ``version`` in batches; commits per batch.

    Returns None when another model has been activated since (that activation rescores). Raises
    ``Unavailable`` (``NotServingYet`` or the client's errors) while senko-predict does not serve
    ``version`` yet: the task retries.
    """
    active = MlModel.active()
    if active is None or active.version != version:
        return None
    probe = predict([["経験"]])
    if probe["model_version"] != version:
        raise NotServingYet(f"senko-predict still serves {probe['model_version']}, not {version}")
    batch = current_app.config["SENKO_RESCORE_BATCH"]
    done, last_id = 0, 0
    while True:
        applicants = db.session.scalars(
            select(Applicant).where(Applicant.id > last_id, Applicant.decision.is_(None),
                                    Applicant.status.in_((ApplicantStatus.SCORED, ApplicantStatus.UNSCORED)),
                                    Applicant.processed_sha256.is_not(None))
            .order_by(Applicant.id).limit(batch)
        ).all()
        if not applicants:
            break
        answer = predict([document_of(a.id) for a in applicants])
        for applicant, probability, explanation in zip(applicants, answer["probabilities"], answer["explanations"],
                                                       strict=True):
            applicant.record_score(probability, answer["model_version"], explanation, threshold(), notify=False)
        db.session.commit()
        done += len(applicants)
        last_id = applicants[-1].id
    record_event("rescore_finished", f"モデル {version} で {done} 名を再採点しました", version=version, rescored=done)
    db.session.commit()
    return {"version": version, "rescored": done}
