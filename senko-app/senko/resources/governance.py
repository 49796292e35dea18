"""Model governance over HTTP: the model card and its acknowledgement, shadow scoring and its comparison.

Cards and shadow comparisons carry group figures, so auditors may read them too; acknowledging a card
and starting shadow scoring are for admins.
"""
from flask import request
from flask_jwt_extended import current_user
from pydantic import Field, field_validator

from .. import queue
from ..errors import ApiError
from ..training import governance, registry, shadow
from .audit import audit
from .base import AuditorResource, role_required
from .schemas import Body, parse, visible_text


class CardAck(Body):
    note: str | None = Field(default=None, max_length=500)

    @field_validator("note")
    @classmethod
    def _visible(cls, value: str | None) -> str | None:
        return visible_text(value, multiline=True)


class ModelCard(AuditorResource):
    """``GET /models/<version>/card``: the model card (built once, then frozen) and whether it is acknowledged."""

    def get(self, version: str):
        model = registry.by_version(version)
        card = governance.card(model, registry.read_verified)
        audit("model.card_view", "model", version)
        return {"card": card, "acknowledgement": governance.card_state(model)}


class ModelCardAck(AuditorResource):
    """``POST /models/<version>/card/ack``: an admin acknowledges the card; activation needs this first."""

    @role_required("admin")
    def post(self, version: str):
        body = parse(CardAck, request.get_json(silent=True) if request.data else {})
        model = governance.acknowledge(registry.by_version(version), registry.read_verified, current_user.id,
                                       body.note)
        audit("model.card_ack", "model", version)
        return {"message": f"Acknowledged the model card of {version}; it may now be activated",
                "model": model.to_dict(), "acknowledgement": governance.card_state(model)}


class ModelShadow(AuditorResource):
    """``GET /models/<version>/shadow``: shadow scores against the active model and human decisions;
    ``POST``: (re)run shadow scoring in the background (admins)."""

    def get(self, version: str):
        return {"shadow": shadow.compare(registry.by_version(version))}

    @role_required("admin")
    def post(self, version: str):
        model = registry.by_version(version)
        if model.status == "active":
            raise ApiError(409, f"Model {version} is active: its scores are the applicants' own, not a shadow")
        task_id = queue.shadow_score(version)
        audit("model.shadow", "model", version)
        return {"message": f"Shadow scoring with {version} queued", "task_id": task_id}, 202
