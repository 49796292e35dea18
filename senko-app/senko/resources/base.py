"""Base resources: authentication and the roles each resource allows (staff by default)."""
from functools import wraps

import flask_restful
from flask import current_app, request
from flask_jwt_extended import current_user, verify_jwt_in_request

from ..errors import ApiError
from ..models.user import ROLES

STAFF = ("admin", "recruiter")


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
    """A resource that needs a valid, unrevoked access token of a user whose role is in ``roles``.

    Least privilege by default: staff (admins and recruiters) only. A subclass widens or narrows
    ``roles``; an auditor reaches only what names that role (their own account, the fairness figures).
    """

    roles: tuple[str, ...] = STAFF

    def dispatch_request(self, *args, **kwargs):
        """Check the token and the role before any method decorator or view runs (403 names the roles)."""
        if request.method != "OPTIONS":  # a CORS preflight carries no token
            verify_jwt_in_request()
            if current_user.role not in self.roles:
                raise ApiError(403, f"This needs the {' or '.join(self.roles)} role")
        return super().dispatch_request(*args, **kwargs)


class AccountResource(Resource):
    """A resource about the caller's own account (every role, the auditor included)."""

    roles = ROLES


class AdminResource(Resource):
    """A resource only admins may call."""

    roles = ("admin",)


class AuditorResource(Resource):
    """A resource only auditors and admins may call (protected attributes, adverse-impact figures)."""

    roles = ("auditor", "admin")


def setting(name: str):
    """A value from the app config (settings are loaded once by the factory)."""
    return current_app.config[name]
