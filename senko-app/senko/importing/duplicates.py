"""Who is already there: the keys that make two rows the same person, and the applicants holding them.

Same e-mail (case-insensitive), or same name and phone, or same name and applied_at. Names compare
by their folded key (``models.kana.fold``: spacing, width and kana script do not matter), phones by
their digits.
"""
from sqlalchemy import or_, select

from ..extensions import db
from ..models import Applicant
from ..models.kana import fold

CHUNK = 500


def keys_of(email, name, phone, applied_at) -> list[tuple]:
    """The duplicate keys of one person's values (none for what is missing)."""
    keys = []
    if email:
        keys.append(("email", str(email).strip().lower()))
    name_key = fold(name) if name else ""
    digits = "".join(ch for ch in str(phone or "") if ch.isdigit())
    if name_key and digits:
        keys.append(("name_phone", name_key, digits))
    if name_key and applied_at:
        keys.append(("name_applied_at", name_key, applied_at.isoformat() if hasattr(applied_at, "isoformat")
                     else str(applied_at)))
    return keys


def existing(rows: list[dict]) -> dict[tuple, int]:
    """Key → the id of the oldest stored applicant holding it, for the ``values`` of ``rows``."""
    emails = sorted({str(v["email"]).strip().lower() for v in rows if v.get("email")})
    names = sorted({fold(v["name"]) for v in rows if v.get("name")} - {""})
    found: dict[tuple, int] = {}
    for start in range(0, max(len(emails), len(names)), CHUNK):
        some_emails, some_names = emails[start:start + CHUNK], names[start:start + CHUNK]
        conditions = []
        if some_emails:
            conditions.append(Applicant.email.in_(some_emails))
        if some_names:
            conditions.append(Applicant.name_key.in_(some_names))
        query = (select(Applicant.id, Applicant.email, Applicant.name, Applicant.phone, Applicant.applied_at)
                 .where(or_(*conditions)).order_by(Applicant.id))
        for row in db.session.execute(query):
            for key in keys_of(row.email, row.name, row.phone, row.applied_at):
                found.setdefault(key, row.id)
    return found
