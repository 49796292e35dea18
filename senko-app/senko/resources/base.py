"""Base resources: one applies authentication for all the others, one adds the admin role."""
from functools import wraps

import flask_restful
from flask import current_app
from flask_jwt_extended import current_user, jwt_required

from ..errors import ApiError


class PublicResource(flask_restful.Resource):
    """A resource anyone may call (health checks, login)."""


def role_required(*roles: str):
    """Allow the wrapped view only to users whose token carries one of ``roles`` (else 403)."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if current_user.role not in roles:
                raise ApiError(403, f"This needs the {' or '.join(roles)} role")
            return view(*args, **kwargs)

        return wrapper

    return decorator


class Resource(flask_restful.Resource):
    """A resource that needs a valid, unrevoked access token."""

    method_decorators = [jwt_required()]


class AdminResource(Resource):
    """A resource only admins may call."""

    method_decorators = [role_required("admin"), *Resource.method_decorators]


class AuditorResource(Resource):
    """A resource only auditors and admins may call (protected attributes, adverse-impact figures)."""

    method_decorators = [role_required("auditor", "admin"), *Resource.method_decorators]


def setting(name: str):
    """A value from the app config (settings are loaded once by the factory)."""
    return current_app.config[name]
