"""Users: login, tokens, logout, and admin-only user creation."""
from flask import current_app, request
from flask_jwt_extended import current_user, get_jwt, jwt_required
from sqlalchemy import select

from ..auth import throttle
from ..auth.accounts import (
    check_password_length,
    create_user,
    end_sessions,
    get_user,
    set_password,
    update_user,
)
from ..auth.passwords import hash_password, needs_rehash, verify_password
from ..auth.tokens import access_token_for, issue_tokens, revoke, revoke_pair
from ..errors import ApiError
from ..extensions import db, limiter
from ..metrics import count_login_failure
from ..models import User, record_audit
from ..models.mixins import utcnow
from .base import AccountResource, AdminResource, PublicResource, Resource, role_required
from .schemas import Login, PasswordChange, UserCreate, UserUpdate, parse


def _login_rate() -> str:
    return current_app.config["SENKO_LOGIN_RATE_LIMIT"]


def _failed(response) -> bool:
    return response.status_code == 401


def check_throttle(account: str) -> None:
    """429 with ``Retry-After`` while this client address is blocked on ``account`` after failed attempts."""
    wait = throttle.retry_after(request.remote_addr, account)
    if wait:
        raise ApiError(429, f"Too many failed attempts: try again in {wait} s", headers={"Retry-After": str(wait)},
                       code="login_throttled")


class UserCreateResource(Resource):
    """``POST /user``: admins create users (no self-registration: Senko holds personal data)."""

    @role_required("admin")
    def post(self):
        body = parse(UserCreate)
        user = create_user(body.email, body.name, body.password, body.role, current_user.id)
        return {"message": f"Created user {user.email}", "user": user.to_dict()}, 201


class UserLogin(PublicResource):
    """``POST /user/login``: email + password → access and refresh tokens.

    Failures are limited per client address (``SENKO_LOGIN_RATE_LIMIT``) and slowed per
    (address, account) with growing delays, so nobody can lock a user out from elsewhere.
    """

    decorators = [limiter.limit(_login_rate, deduct_when=_failed, methods=["POST"])]

    def post(self):
        body = parse(Login)
        check_password_length(body.password)
        check_throttle(body.email)
        user = User.by_email(body.email)
        if not verify_password(user.password_hash if user else None, body.password):
            throttle.record_failure(request.remote_addr, body.email)
            count_login_failure()
            record_audit("user.login_failed", None, "user", user.id if user else None)
            db.session.commit()
            raise ApiError(401, "Wrong email or password", code="wrong_credentials")
        throttle.record_success(request.remote_addr, body.email)
        if not user.active:
            raise ApiError(403, "This account is deactivated: ask an administrator", code="account_deactivated")
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(body.password)
        user.last_login_at = utcnow()
        record_audit("user.login", user.id, "user", user.id)
        db.session.commit()
        return {"message": f"Logged in as {user.email}", **issue_tokens(user)}


class UserRefresh(PublicResource):
    """``POST /user/refresh``: a refresh token → a new access token of the same session (``SENKO_REFRESH_RATE_LIMIT``)."""

    decorators = [limiter.limit(lambda: current_app.config["SENKO_REFRESH_RATE_LIMIT"], methods=["POST"])]

    @jwt_required(refresh=True)
    def post(self):
        return {"access_token": access_token_for(current_user, get_jwt()["jti"])}


class UserLogout(PublicResource):
    """``POST /user/logout``: end this session (the access token used and its refresh token)."""

    @jwt_required()
    def post(self):
        revoke_pair(get_jwt(), int(current_app.config["JWT_REFRESH_TOKEN_EXPIRES"].total_seconds()))
        return {"message": "Access token and its refresh token revoked"}


class UserLogoutRefresh(PublicResource):
    """``POST /user/logout/refresh``: revoke the refresh token used, and every access token minted from it."""

    @jwt_required(refresh=True)
    def post(self):
        revoke(get_jwt())
        return {"message": "Refresh token revoked"}


class UserLogoutAll(AccountResource):
    """``POST /user/logout/all``: end every session of the caller, on every device."""

    def post(self):
        end_sessions(current_user.record, current_user.id)
        return {"message": "Logged out everywhere"}


class UserList(Resource):
    """``GET /user/list``: every user (no password hashes)."""

    def get(self):
        users = db.session.scalars(select(User).order_by(User.id)).all()
        return {"users": [user.to_dict() for user in users]}


class UserMe(AccountResource):
    """``GET /user/me``: the user this token belongs to."""

    def get(self):
        return {"user": current_user.record.to_dict()}


class UserPassword(AccountResource):
    """``POST /user/me/password``: change one's own password; every other session ends, this one gets new tokens."""

    def post(self):
        body = parse(PasswordChange)
        check_password_length(body.current_password)
        check_throttle(current_user.email)
        if not verify_password(current_user.password_hash, body.current_password):
            throttle.record_failure(request.remote_addr, current_user.email)
            raise ApiError(403, "The current password is wrong", code="wrong_password")
        user = current_user.record
        set_password(user, body.new_password, current_user.id)
        return {"message": "Password changed; other sessions have ended", **issue_tokens(user)}


class UserDetail(AdminResource):
    """``PATCH /user/<id>``: admins change a user's name, role, active flag or password."""

    def patch(self, user_id: int):
        changes = parse(UserUpdate).model_dump(exclude_unset=True)
        user = update_user(get_user(user_id), changes, current_user.id)
        return {"message": f"Updated user {user.email}", "user": user.to_dict()}
