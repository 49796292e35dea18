"""The audit trail over HTTP: recording what people do through the API, and ``GET /audit`` for admins."""
from datetime import UTC, date, datetime, time
from functools import wraps

from flask import request
from flask_jwt_extended import current_user
from sqlalchemy import select

from .. import auditlog
from ..errors import ApiError
from ..extensions import db
from ..models import AuditEntry, record_audit
from .base import AdminResource

MAX_LIMIT = 500
MAX_ID = 2**63 - 1


def audit(action: str, target_type: str | None = None, target_id=None, **data) -> None:
    """Record ``action`` by the caller (with the client's address): a change is committed now, a read
    (GET) is queued and written in a batch (``senko.auditlog``)."""
    if request.method == "GET":
        auditlog.record_read(action, current_user.id, target_type, target_id, **data)
        return
    record_audit(action, current_user.id, target_type, target_id, **data)
    db.session.commit()


def audited(action: str, target_type: str | None = None, target_arg: str | None = None):
    """Record ``action`` on the target named by the view's ``target_arg`` URL argument once the view succeeded.

    Used for reads of personal data (a view, a download) and for changes whose service does not
    record them itself. A view that raises records nothing.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            result = view(*args, **kwargs)
            audit(action, target_type, kwargs.get(target_arg) if target_arg else None)
            return result

        return wrapper

    return decorator


def _int_arg(name: str, low: int, high: int, default: int | None = None) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, f"{name} must be a whole number") from None
    if not low <= value <= high:
        raise ApiError(400, f"{name} must be between {low} and {high}")
    return value


def _text_arg(name: str, limit: int) -> str:
    raw = request.args.get(name) or ""
    if len(raw) > limit:
        raise ApiError(400, f"{name} is longer than {limit} characters")
    return raw.strip()


def _time_arg(name: str, end_of_day: bool = False) -> datetime | None:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw)
            return datetime.combine(day, time.max if end_of_day else time.min)
        # RFC 3339 allows a lower-case t and z.
        parsed = datetime.fromisoformat(raw.upper().replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(400, f"{name} must be a date (2026-04-01) or an ISO 8601 time") from None
    # Stored times are naive UTC.
    return parsed if parsed.tzinfo is None else parsed.astimezone(UTC).replace(tzinfo=None)


class AuditList(AdminResource):
    """``GET /audit``: the audit trail, newest first, filtered by action, actor, target and time; ``before`` pages."""

    def get(self):
        limit = _int_arg("limit", 1, MAX_LIMIT, 100)
        conditions = []
        action = _text_arg("action", 40)
        if action:
            # "applicant." matches every applicant action; "applicant.view" only that one.
            conditions.append(AuditEntry.action.startswith(action, autoescape=True) if action.endswith(".")
                              else AuditEntry.action == action)
        actor = _int_arg("actor_id", 1, MAX_ID)
        if actor is not None:
            conditions.append(AuditEntry.actor_id == actor)
        target_type = _text_arg("target_type", 20)
        if target_type:
            conditions.append(AuditEntry.target_type == target_type)
        target_id = _text_arg("target_id", 64)
        if target_id:
            conditions.append(AuditEntry.target_id == target_id)
        since, until = _time_arg("since"), _time_arg("until", end_of_day=True)
        if since:
            conditions.append(AuditEntry.created_at >= since)
        if until:
            conditions.append(AuditEntry.created_at <= until)
        before = _int_arg("before", 1, MAX_ID)
        if before is not None:
            conditions.append(AuditEntry.id < before)
        auditlog.flush()  # the reads still queued belong in the trail shown
        rows = db.session.scalars(select(AuditEntry).where(*conditions).order_by(AuditEntry.id.desc()).limit(limit + 1)).all()
        more = len(rows) > limit
        rows = rows[:limit]
        return {"entries": [row.to_dict() for row in rows], "next_before": rows[-1].id if more else None}
