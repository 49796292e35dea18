"""The model registry over HTTP (admins only): list, train, import, activate, roll back."""
from flask import current_app, request
from flask_jwt_extended import current_user
from kombu.exceptions import OperationalError as BrokerError
from pydantic import Field
from sqlalchemy import select

from ..auth.roles import role_required
from ..errors import ApiError
from ..extensions import db
from ..ingest.upload import read_upload
from ..models import MlModel
from ..schemas import Body, parse
from ..training import registry
from .base import Resource


class TrainRequest(Body):
    algorithm: str | None = Field(default=None, max_length=100)
    activate: bool = False


class AdminResource(Resource):
    """A resource only admins may call."""

    method_decorators = [role_required("admin"), *Resource.method_decorators]


def model_or_404(version: str) -> MlModel:
    model = MlModel.by_version(version)
    if model is None:
        raise ApiError(404, f"Model {version} not found")
    return model


class ModelList(AdminResource):
    """``GET /models``: every model, newest first, with its metrics."""

    def get(self):
        models = db.session.scalars(select(MlModel).order_by(MlModel.id.desc())).all()
        active = next((m.version for m in models if m.status == "active"), None)
        return {"models": [m.to_dict() for m in models], "active": active,
                "algorithms": sorted(registry.factories()), "default_algorithm": current_app.config["SENKO_MODEL_DEFAULT"]}


class ModelDetail(AdminResource):
    """``GET /models/<version>``."""

    def get(self, version: str):
        return {"model": model_or_404(version).to_dict()}


class ModelTrain(AdminResource):
    """``POST /models/train``: check there are enough decisions, then train in the background (202 + task id)."""

    def post(self):
        body = parse(TrainRequest, request.get_json(silent=True) if request.data else {})
        algorithm = body.algorithm or current_app.config["SENKO_MODEL_DEFAULT"]
        if algorithm not in registry.factories():
            raise ApiError(422, f"Unknown algorithm {algorithm!r}; configured: {', '.join(registry.factories())}")
        counts = registry.require_enough_labels()
        from ..tasks.training import train_model

        try:
            task = train_model.delay(algorithm, current_user.id, body.activate)
        except BrokerError as exc:
            raise ApiError(503, "The task queue is unavailable") from exc
        return {"message": f"Training {algorithm} on {counts['OK']} OK and {counts['NG']} NG decisions",
                "task_id": task.id, "algorithm": algorithm}, 202


class ModelActivate(AdminResource):
    """``POST /models/<version>/activate``: senko-predict switches within seconds; undecided applicants are rescored."""

    def post(self, version: str):
        model = registry.activate(model_or_404(version))
        return {"message": f"Activated {model.version}; rescoring undecided applicants", "model": model.to_dict()}


class ModelRollback(AdminResource):
    """``POST /models/rollback``: back to the previously active model."""

    def post(self):
        model = registry.rollback()
        return {"message": f"Rolled back to {model.version}", "model": model.to_dict()}


class ModelImport(AdminResource):
    """``POST /models/import``: register a pickled pipeline trained elsewhere, after a check on the hold-out set."""

    def post(self):
        if request.mimetype != "multipart/form-data":
            raise ApiError(415, "Send the pickle as multipart/form-data with a 'model' file field")
        data = read_upload(request.files.get("model"), "model", current_app.config["SENKO_MAX_MODEL_BYTES"])
        algorithm = (request.form.get("algorithm") or "").strip()[:100]
        model = registry.import_model(data, algorithm, current_user.id)
        return {"message": f"Imported as {model.version} (candidate)", "model": model.to_dict()}, 201
