"""Role checks as one decorator."""
from functools import wraps

from flask_jwt_extended import current_user

from ..errors import ApiError


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
