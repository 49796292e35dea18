"""The model registry over HTTP (admins only): list, train, import, export, activate, roll back."""
import io

from flask import request, send_file
from flask_jwt_extended import current_user
from pydantic import Field
from sqlalchemy import select

from senko_predict import artifact

from .. import queue
from ..extensions import db
from ..models import MlModel
from ..training import registry
from .audit import audit, audited
from .base import AdminResource, setting
from .schemas import Body, parse
from .uploads import read_upload, require_form, upload_limit


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
        audit("model.train", algorithm=algorithm, activate=body.activate)
        return {"message": f"Training {algorithm} on {counts['OK']} OK and {counts['NG']} NG decisions",
                "task_id": task_id, "algorithm": algorithm}, 202


class ModelActivate(AdminResource):
    """``POST /models/<version>/activate``: senko-predict switches within seconds; undecided applicants are rescored."""

    @audited("model.activate", "model", "version")
    def post(self, version: str):
        model = registry.activate(registry.by_version(version))
        return {"message": f"Activated {model.version}; rescoring undecided applicants", "model": model.to_dict()}


class ModelRollback(AdminResource):
    """``POST /models/rollback``: back to the previously active model."""

    def post(self):
        model = registry.rollback()
        audit("model.rollback", "model", model.version)
        return {"message": f"Rolled back to {model.version}", "model": model.to_dict()}


class ModelImport(AdminResource):
    """``POST /models/import``: register a skops pipeline trained elsewhere, after a check on the hold-out set.

    Only skops files whose types are all on the allow-list load; a pickle is refused (415) unread.
    """

    decorators = [upload_limit]

    def post(self):
        require_form("a 'model' file field", "the skops file")
        data = read_upload(request.files.get("model"), "model", setting("SENKO_MAX_MODEL_BYTES"))
        algorithm = (request.form.get("algorithm") or "").strip()[:100]
        model = registry.import_model(data, algorithm, current_user.id)
        audit("model.import", "model", model.version)
        return {"message": f"Imported as {model.version} (candidate)", "model": model.to_dict()}, 201


class ModelExport(AdminResource):
    """``GET /models/<version>/export``: the model's skops file (checked against its sha256), to import elsewhere."""

    @audited("model.export", "model", "version")
    def get(self, version: str):
        model = registry.by_version(version)
        data = registry.export(model)
        return send_file(io.BytesIO(data), mimetype=artifact.MEDIA_TYPE, as_attachment=True,
                         download_name=f"senko-{model.version}{artifact.SUFFIX}")
