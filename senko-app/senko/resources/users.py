"""Users: login, tokens, logout, and admin-only user creation."""
from flask import current_app, request
from flask_jwt_extended import (
    create_access_token,
    create_refresh_token,
    current_user,
    get_jwt,
    jwt_required,
)
from sqlalchemy import select

from ..auth.accounts import check_password_length, create_user
from ..auth.passwords import hash_password, needs_rehash, verify_password
from ..auth.tokens import revoke
from ..errors import ApiError
from ..extensions import db, limiter
from ..models import User
from ..models.mixins import utcnow
from .base import PublicResource, Resource, role_required
from .schemas import Login, UserCreate, parse


def issue_tokens(user: User) -> dict:
    """Access and refresh tokens for ``user``."""
    return {
        "access_token": create_access_token(identity=str(user.id)),
        "refresh_token": create_refresh_token(identity=str(user.id)),
    }


def _login_rate() -> str:
    return current_app.config["SENKO_LOGIN_RATE_LIMIT"]


def _login_email_key() -> str:
    data = request.get_json(silent=True)
    email = data.get("email") if isinstance(data, dict) else None
    return f"login-email:{str(email or '').strip().lower()[:254]}"


def _failed(response) -> bool:
    return response.status_code == 401


class UserCreateResource(Resource):
    """``POST /user``: admins create users (no self-registration: Senko holds personal data)."""

    @role_required("admin")
    def post(self):
        body = parse(UserCreate)
        user = create_user(body.email, body.name, body.password, body.role)
        return {"message": f"Created user {user.email}", "user": user.to_dict()}, 201


class UserLogin(PublicResource):
    """``POST /user/login``: email + password → access and refresh tokens."""

    decorators = [
        limiter.limit(_login_rate, deduct_when=_failed, methods=["POST"]),
        limiter.limit(_login_rate, key_func=_login_email_key, deduct_when=_failed, methods=["POST"]),
    ]

    def post(self):
        body = parse(Login)
        check_password_length(body.password)
        user = User.by_email(body.email)
        if not verify_password(user.password_hash if user else None, body.password):
            raise ApiError(401, "Wrong email or password")
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(body.password)
        user.last_login_at = utcnow()
        db.session.commit()
        return {"message": f"Logged in as {user.email}", **issue_tokens(user)}


class UserRefresh(PublicResource):
    """``POST /user/refresh``: a refresh token → a new access token."""

    @jwt_required(refresh=True)
    def post(self):
        return {"access_token": create_access_token(identity=str(current_user.id))}


class UserLogout(PublicResource):
    """``POST /user/logout``: revoke the access token used for this call."""

    @jwt_required()
    def post(self):
        revoke(get_jwt())
        return {"message": "Access token revoked"}


class UserLogoutRefresh(PublicResource):
    """``POST /user/logout/refresh``: revoke the refresh token used for this call."""

    @jwt_required(refresh=True)
    def post(self):
        revoke(get_jwt())
        return {"message": "Refresh token revoked"}


class UserList(Resource):
    """``GET /user/list``: every user (no password hashes)."""

    def get(self):
        users = db.session.scalars(select(User).order_by(User.id)).all()
        return {"users": [user.to_dict() for user in users]}


class UserMe(Resource):
    """``GET /user/me``: the user this token belongs to."""

    def get(self):
        return {"user": current_user.to_dict()}
