"""The model registry over HTTP (admins only): list, train, import, activate, roll back."""
from flask import request
from flask_jwt_extended import current_user
from pydantic import Field
from sqlalchemy import select

from .. import queue
from ..extensions import db
from ..models import MlModel
from ..training import registry
from .base import AdminResource, setting
from .schemas import Body, parse
from .uploads import read_upload, require_form


class TrainRequest(Body):
    algorithm: str | None = Field(default=None, max_length=100)
    activate: bool = False


class ModelList(AdminResource):
    """``GET /models``: every model, newest first, with its metrics."""

    def get(self):
        models = db.session.scalars(select(MlModel).order_by(MlModel.id.desc())).all()
        active = next((m.version for m in models if m.status == "active"), None)
        return {"models": [m.to_dict() for m in models], "active": active,
                "algorithms": sorted(registry.factories()), "default_algorithm": setting("SENKO_MODEL_DEFAULT")}


class ModelDetail(AdminResource):
    """``GET /models/<version>``."""

    def get(self, version: str):
        return {"model": registry.by_version(version).to_dict()}


class ModelTrain(AdminResource):
    """``POST /models/train``: check there are enough decisions, then train in the background (202 + task id)."""

    def post(self):
        body = parse(TrainRequest, request.get_json(silent=True) if request.data else {})
        algorithm = body.algorithm or setting("SENKO_MODEL_DEFAULT")
        registry.check_algorithm(algorithm)
        counts = registry.require_enough_labels()
        task_id = queue.train_model(algorithm, current_user.id, body.activate)
        return {"message": f"Training {algorithm} on {counts['OK']} OK and {counts['NG']} NG decisions",
                "task_id": task_id, "algorithm": algorithm}, 202


class ModelActivate(AdminResource):
    """``POST /models/<version>/activate``: senko-predict switches within seconds; undecided applicants are rescored."""

    def post(self, version: str):
        model = registry.activate(registry.by_version(version))
        return {"message": f"Activated {model.version}; rescoring undecided applicants", "model": model.to_dict()}


class ModelRollback(AdminResource):
    """``POST /models/rollback``: back to the previously active model."""

    def post(self):
        model = registry.rollback()
        return {"message": f"Rolled back to {model.version}", "model": model.to_dict()}


class ModelImport(AdminResource):
    """``POST /models/import``: register a pickled pipeline trained elsewhere, after a check on the hold-out set."""

    def post(self):
        require_form("a 'model' file field", "the pickle")
        data = read_upload(request.files.get("model"), "model", setting("SENKO_MAX_MODEL_BYTES"))
        algorithm = (request.form.get("algorithm") or "").strip()[:100]
        model = registry.import_model(data, algorithm, current_user.id)
        return {"message": f"Imported as {model.version} (candidate)", "model": model.to_dict()}, 201
