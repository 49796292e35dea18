"""Account rules shared by the API and the CLI: password bounds and user creation."""
from flask import current_app
from sqlalchemy.exc import IntegrityError

from ..exceptions import Conflict, Invalid, Malformed
from ..extensions import db
from ..models import User
from .passwords import hash_password


def check_password_length(password: str) -> None:
    """Refuse absurdly long passwords before any hashing (``Malformed``)."""
    limit = current_app.config["SENKO_PASSWORD_MAX"]
    if len(password) > limit:
        raise Malformed(f"Password longer than {limit} characters")


def validate_new_password(password: str) -> None:
    """Rules for a password being set: length bounds only (NIST 800-63B: no composition rules)."""
    check_password_length(password)
    minimum = current_app.config["SENKO_PASSWORD_MIN"]
    if len(password) < minimum:
        raise Invalid(f"Password must be at least {minimum} characters")


def create_user(email: str, name: str, password: str, role: str) -> User:
    """Create and commit a user; a duplicate email raises ``Conflict``."""
    validate_new_password(password)
    user = User(email=email.strip().lower(), name=name, password_hash=hash_password(password), role=role)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict(f"A user with email {user.email} already exists") from exc
    return user


def set_password(user: User, password: str) -> None:
    """Validate and store a new password for ``user``."""
    validate_new_password(password)
    user.password_hash = hash_password(password)
    db.session.commit()
