"""Account rules shared by the API and the CLI: password bounds, creating, changing and deactivating users.

Every change here is written to the audit trail. Changing a password or deactivating a user ends
all of that user's sessions (``User.end_sessions``).
"""
from flask import current_app
from sqlalchemy.exc import IntegrityError

from ..exceptions import Conflict, Invalid, Malformed, NotFound
from ..extensions import db
from ..models import User, record_audit
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


def get_user(user_id: int) -> User:
    """The user with this id, or ``NotFound``."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(f"User {user_id} not found")
    return user


def create_user(email: str, name: str, password: str, role: str, actor_id: int | None = None) -> User:
    """Create and commit a user; a duplicate email raises ``Conflict``."""
    validate_new_password(password)
    user = User(email=email.strip().lower(), name=name, password_hash=hash_password(password), role=role)
    db.session.add(user)
    try:
        db.session.flush()
        record_audit("user.create", actor_id, "user", user.id, role=role)
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict(f"A user with email {user.email} already exists") from exc
    return user


def set_password(user: User, password: str, actor_id: int | None = None) -> None:
    """Validate and store a new password for ``user``, ending all of the user's sessions; commits."""
    validate_new_password(password)
    user.password_hash = hash_password(password)
    user.end_sessions()
    record_audit("user.password", actor_id, "user", user.id)
    db.session.commit()


def end_sessions(user: User, actor_id: int | None = None) -> None:
    """Log ``user`` out everywhere: every token issued so far stops working; commits."""
    user.end_sessions()
    record_audit("user.logout_all", actor_id, "user", user.id)
    db.session.commit()


def update_user(user: User, changes: dict, actor_id: int | None) -> User:
    """Change name, role, active flag or password as an admin asked; commits.

    An admin cannot deactivate or demote themselves (``Conflict``): someone must stay able to manage users.
    """
    if actor_id == user.id and (changes.get("active") is False or changes.get("role") not in (None, "admin")):
        raise Conflict("You cannot deactivate yourself or take away your own admin role")
    password = changes.pop("password", None)
    if password is not None:
        validate_new_password(password)
        user.password_hash = hash_password(password)
        user.end_sessions()
    if "active" in changes and changes["active"] is not None:
        user.set_active(changes.pop("active"))
    for field in ("name", "role"):
        if changes.get(field) is not None:
            setattr(user, field, changes[field])
    fields = sorted(k for k, v in changes.items() if v is not None) + (["password"] if password is not None else [])
    record_audit("user.update", actor_id, "user", user.id, fields=fields, active=user.active, role=user.role)
    db.session.commit()
    return user


def delete_user(user: User) -> None:
    """Delete a user nothing refers to; a user with decisions, applicants or audit entries is ``Conflict``
    (deactivate instead: who decided must never be lost)."""
    user_id = user.id
    db.session.delete(user)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict(f"User {user_id} is referred to by decisions, applicants or the audit trail: "
                       "deactivate the account instead") from exc
    record_audit("user.delete", None, "user", user_id)
    db.session.commit()
