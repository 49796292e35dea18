"""Keyset cursors of ``GET /applicants``: an opaque token for "after this row in this order", and the
SQL condition that continues there (NULLs placed as MariaDB orders them)."""
import base64
import binascii
import json
import math
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import and_, or_

from ..exceptions import Malformed
from ..models import Applicant
from ..models.applicant_json import stored_score

SORT_KEYS = {"score": "score", "applied_at": "applied_at", "furigana": "furigana_key", "updated_at": "updated_at"}


def encode_cursor(sort: str, row: Applicant) -> str:
    """The opaque cursor that continues after ``row`` in the order ``sort`` (e.g. ``-score``)."""
    value = getattr(row, SORT_KEYS[sort.removeprefix("-")])
    if isinstance(value, float):
        # The stored single-precision value exactly, or a comparison with the value MariaDB prints
        # (0.12345679) would miss the row it came from.
        value = stored_score(value)
    elif isinstance(value, datetime | date):
        value = value.isoformat()
    payload = json.dumps([sort, value, row.id], separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple:
    """``(value, id)`` of a cursor made for the same ``sort``; anything else is ``Malformed``."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        made_for, value, last_id = json.loads(raw)
        if made_for != sort or not isinstance(last_id, int):
            raise ValueError(made_for)
        key = sort.removeprefix("-")
        if value is not None:
            if key == "score":
                value = float(value)
                if not math.isfinite(value):
                    raise ValueError(value)
            elif key == "applied_at":
                value = date.fromisoformat(value)
            elif key == "updated_at":
                value = datetime.fromisoformat(value)
            elif not isinstance(value, str):
                raise ValueError(value)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise Malformed("cursor is not a cursor of this list and sort (start again without it)") from None
    return value, last_id


class Phase(NamedTuple):
    """The conditions of one query of a page; ``nulls``: every row it finds has a NULL sort key."""

    conditions: list
    nulls: bool = False


def after_conditions(column, descending: bool, nullable: bool, value, last_id: int) -> list[Phase]:
    """Rows after ``(value, last_id)`` in ``ORDER BY column, id`` (both DESC when ``descending``), as
    phases: condition lists run in turn until the page is full, each one contiguous range of the
    sort's index (an OR with ``IS NULL`` in one query makes MariaDB give up the range and read every
    row before the cursor). MariaDB sorts NULL first ascending and last descending. A phase of NULL
    keys is ordered by id alone: ordered by the (constant) key too, MariaDB sorts every NULL row
    before the cursor instead of walking the index.
    """
    if value is None:
        if descending:
            return [Phase([column.is_(None), Applicant.id < last_id], nulls=True)]
        return [Phase([column.is_(None), Applicant.id > last_id], nulls=True), Phase([column.is_not(None)])]
    if descending:
        rest = Phase([column <= value, or_(column < value, and_(column == value, Applicant.id < last_id))])
        return [rest, Phase([column.is_(None)], nulls=True)] if nullable else [rest]
    return [Phase([column >= value, or_(column > value, and_(column == value, Applicant.id > last_id))])]
