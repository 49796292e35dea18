"""Base resources: one applies authentication for all the others."""
import flask_restful
from flask import current_app
from flask_jwt_extended import jwt_required

from ..errors import ApiError
from ..extensions import db


class PublicResource(flask_restful.Resource):
    """A resource anyone may call (health checks, login)."""


class Resource(flask_restful.Resource):
    """A resource that needs a valid, unrevoked access token."""

    method_decorators = [jwt_required()]


def get_or_404(model, object_id: int, what: str):
    """Load ``model`` by primary key or answer 404 naming ``what``."""
    obj = db.session.get(model, object_id)
    if obj is None:
        raise ApiError(404, f"{what} {object_id} not found")
    return obj


def setting(name: str):
    """A value from the app config (settings are loaded once by the factory)."""
    return current_app.config[name]
