"""``GET /events``: completions and failures since a cursor, so the UI can pop up results without polling applicants."""
from flask import request
from sqlalchemy import select

from ..errors import ApiError
from ..extensions import db
from ..models import Event
from .base import Resource


class EventList(Resource):
    """Events after ``after`` (oldest first); without ``after``, the newest ones. ``cursor`` is the next ``after``."""

    def get(self):
        try:
            limit = int(request.args.get("limit", 50))
            after = request.args.get("after")
            after = None if after in (None, "") else int(after)
        except ValueError:
            raise ApiError(400, "after and limit must be whole numbers") from None
        if not 1 <= limit <= 200:
            raise ApiError(400, "limit must be between 1 and 200")
        if after is None:
            events = list(reversed(db.session.scalars(select(Event).order_by(Event.id.desc()).limit(limit)).all()))
        else:
            events = db.session.scalars(select(Event).where(Event.id > after).order_by(Event.id).limit(limit)).all()
        cursor = events[-1].id if events else (after if after is not None else 0)
        return {"events": [e.to_dict() for e in events], "cursor": cursor}
