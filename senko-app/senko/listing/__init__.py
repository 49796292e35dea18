"""The applicant list of ``GET /applicants``: filters, sort, keyset cursors and the cached total.

``parse`` turns the query parameters into a ``ListQuery`` (``Malformed`` → 400 for a value that is
not one, ``Invalid`` → 422 for a range that is empty by construction); ``page`` runs it. Every sort
has an id tie-break in the same direction, and a page continues after the last row of the previous
one (``WHERE (key, id) < (last key, last id)``, NULLs placed as MariaDB orders them), so page 5,000
costs what page 1 costs and rows inserted meanwhile never shift a page. Each filter/sort pair walks
an index of ``Applicant.__table_args__`` in order (``bench/explain.py`` prints the plans); the
cursors are ``listing.cursors``.
"""
import hashlib
import json
import time
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Row, func, literal, or_, select

from ..counts import estimated_count
from ..exceptions import Invalid, Malformed
from ..extensions import db
from ..models import Applicant, ApplicantNoun, User
from ..models.applicant import STATUSES
from ..models.applicant_json import stored_score
from ..models.kana import fold
from .cursors import Phase, after_conditions, decode_cursor, encode_cursor

SORTS = {
    "score": Applicant.score,
    "applied_at": Applicant.applied_at,
    "furigana": Applicant.furigana_key,
    "updated_at": Applicant.updated_at,
}
NULLABLE_SORTS = {"score", "applied_at", "furigana"}
# What a list row carries: every column but the (large) explanation of the score.
LIST_COLUMNS = tuple(column for column in Applicant.__table__.c if column.key != "explanation")
DEFAULT_SORT = "-score"
DEFAULT_LIMIT = 20
MAX_WORDS = 5
MAX_CURSOR = 1000  # as api-reference.yml says; a longer value is not a cursor Senko made
# A keyword or name prefix matching more rows than this is "common": see ``keyword_condition``.
COMMON_AT = 2000
_VERDICTS: dict[str, tuple[bool, float]] = {}  # "common or not" per keyword/prefix, with its expiry
PARAMS = {"status", "decision", "source", "applied_from", "applied_to", "score_min", "score_max",
          "above_threshold", "name", "q", "sort", "limit", "cursor"}


@dataclass
class ListQuery:
    """A parsed list request: SQL conditions, the sort, the page size and where the page starts."""

    conditions: list = field(default_factory=list)
    # The same filters as ``conditions`` in the form that counts fastest (for the total).
    count_conditions: list = field(default_factory=list)
    sort: str = "score"
    descending: bool = True
    limit: int = DEFAULT_LIMIT
    after: tuple | None = None
    # The filters in a canonical form: the key of the cached total.
    filter_key: str = ""


def _date(args: Mapping[str, str], name: str) -> date | None:
    try:
        return date.fromisoformat(args[name]) if args.get(name) else None
    except ValueError:
        raise Malformed(f"{name} must be a date such as 2026-04-01") from None


def _score(args: Mapping[str, str], name: str) -> float | None:
    raw = args.get(name)
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise Malformed(f"{name} must be a number from 0 to 1") from None
    if not 0 <= value <= 1:  # NaN fails this too
        raise Malformed(f"{name} must be a number from 0 to 1")
    return value


def _text(args: Mapping[str, str], name: str, limit: int) -> str:
    raw = (args.get(name) or "").strip()
    if len(raw) > limit:
        raise Malformed(f"{name} must be at most {limit} characters")
    return raw


def noun_variants(word: str) -> set[str]:
    """The stored spellings a typed keyword matches: NFKC-normalised, and for Latin words the usual cases."""
    word = unicodedata.normalize("NFKC", word)
    if word.isascii():
        return {word, word.lower(), word.upper(), word.capitalize()}
    return {word}


def keyword_words(raw: str) -> list[str]:
    """The words of ``q`` (split on any space, full-width included), at most ``MAX_WORDS``, each ≤ 100 characters."""
    words = list(dict.fromkeys(unicodedata.normalize("NFKC", raw).split()))
    if len(words) > MAX_WORDS:
        raise Malformed(f"q may hold at most {MAX_WORDS} words")
    if any(len(word) > 100 for word in words):
        raise Malformed("each word of q must be at most 100 characters")
    return words


def _many(key: str, statement) -> bool:
    """True when ``statement`` (a SELECT of ids) matches more than ``COMMON_AT`` rows; reads at most that many + 1.

    Remembered per process for a minute, so following a search's cursors costs no extra query.
    """
    key, now = f"{COMMON_AT}:{key}", time.monotonic()
    known = _VERDICTS.get(key)
    if known and known[1] > now:
        return known[0]
    many = db.session.scalar(select(func.count()).select_from(statement.limit(COMMON_AT + 1).subquery())) > COMMON_AT
    if len(_VERDICTS) >= 1000:
        _VERDICTS.clear()
    _VERDICTS[key] = (many, now + 60)
    return many


def keyword_condition(word: str) -> tuple:
    """``(page condition, count condition)`` for one keyword of ``q``.

    A rare noun: the applicants are looked up by the noun (index ``ix_applicant_nouns_noun``) and the
    few found are sorted. A common one: the page walks the sort's own index and checks each row's
    nouns by primary key until the page is full (a lookup per row, never a scan of every match).
    """
    variants = sorted(noun_variants(word))
    matching = select(ApplicantNoun.applicant_id).where(ApplicantNoun.noun.in_(variants))
    lookup = Applicant.id.in_(matching)
    if not _many("q:" + "\0".join(variants), matching):
        return lookup, lookup
    probe = (select(literal(1)).where(ApplicantNoun.applicant_id == Applicant.id, ApplicantNoun.noun.in_(variants))
             .limit(1).scalar_subquery())
    return probe.is_not(None), lookup


def name_condition(key: str) -> tuple:
    """``(page condition, count condition)`` for a folded ``name`` prefix, chosen like ``keyword_condition``."""
    prefix = or_(Applicant.name_key.startswith(key, autoescape=True), Applicant.furigana_key.startswith(key, autoescape=True))
    if not (_many("name:" + key, select(Applicant.id).where(Applicant.name_key.startswith(key, autoescape=True)))
            or _many("furigana:" + key, select(Applicant.id).where(Applicant.furigana_key.startswith(key, autoescape=True)))):
        return prefix, prefix
    # Not sargable on purpose: the page walks the sort's index and tests each row.
    length = len(key)
    return or_(func.substr(Applicant.name_key, 1, length) == key, func.substr(Applicant.furigana_key, 1, length) == key), prefix


def _filters(args: Mapping[str, str], threshold: float) -> tuple[list, list, dict]:
    conditions, canonical = [], {}
    extra_page, extra_count = [], []
    status = args.get("status")
    if status:
        if status not in STATUSES:
            raise Malformed(f"status must be one of {', '.join(STATUSES)}")
        conditions.append(Applicant.status == status)
        canonical["status"] = status
    decision = args.get("decision")
    if decision:
        if decision not in ("OK", "NG", "none"):
            raise Malformed("decision must be OK, NG or none")
        conditions.append(Applicant.decision.is_(None) if decision == "none" else Applicant.decision == decision)
        canonical["decision"] = decision
    source = _text(args, "source", 100)
    if source:
        conditions.append(Applicant.source == source)
        canonical["source"] = source
    applied_from, applied_to = _date(args, "applied_from"), _date(args, "applied_to")
    if applied_from and applied_to and applied_from > applied_to:
        raise Invalid("applied_from is after applied_to")
    if applied_from:
        conditions.append(Applicant.applied_at >= applied_from)
        canonical["applied_from"] = applied_from.isoformat()
    if applied_to:
        conditions.append(Applicant.applied_at <= applied_to)
        canonical["applied_to"] = applied_to.isoformat()
    score_min, score_max = _score(args, "score_min"), _score(args, "score_max")
    if score_min is not None and score_max is not None and score_min > score_max:
        raise Invalid("score_min is above score_max")
    if score_min is not None:
        conditions.append(Applicant.score >= stored_score(score_min))
        canonical["score_min"] = score_min
    if score_max is not None:
        conditions.append(Applicant.score <= stored_score(score_max))
        canonical["score_max"] = score_max
    above = (args.get("above_threshold") or "").lower()
    if above not in ("", "true", "false"):
        raise Malformed("above_threshold must be true or false")
    if above == "true":
        conditions.append(Applicant.score >= stored_score(threshold))
        canonical["above_threshold"] = threshold
    name, words = fold(_text(args, "name", 100)), keyword_words(_text(args, "q", 500))
    for page_condition, count_condition in ([name_condition(name)] if name else []) + [keyword_condition(w) for w in words]:
        extra_page.append(page_condition)
        extra_count.append(count_condition)
    canonical.update({"name": name} if name else {}, **({"q": sorted(words)} if words else {}))
    return conditions + extra_page, conditions + extra_count, canonical


def _limit(args: Mapping[str, str], limit_max: int) -> int:
    try:
        limit = int(args.get("limit") or DEFAULT_LIMIT)
    except ValueError:
        raise Malformed("limit must be a whole number") from None
    if not 1 <= limit <= limit_max:
        raise Malformed(f"limit must be between 1 and {limit_max}")
    return limit


def parse(args: Mapping[str, str], limit_max: int, threshold: float) -> ListQuery:
    """The ``ListQuery`` of ``GET /applicants``' query parameters (unknown parameters are refused)."""
    unknown = sorted(set(args) - PARAMS)
    if unknown:
        raise Malformed(f"Unknown query parameter(s): {', '.join(unknown)}")
    sort = args.get("sort") or DEFAULT_SORT
    descending = sort.startswith("-")
    if sort.removeprefix("-") not in SORTS:
        raise Malformed(f"sort must be one of {', '.join(SORTS)}, each optionally with a leading -")
    conditions, count_conditions, canonical = _filters(args, threshold)
    query = ListQuery(conditions=conditions, count_conditions=count_conditions, sort=sort.removeprefix("-"), descending=descending,
                      limit=_limit(args, limit_max), filter_key=json.dumps(canonical, sort_keys=True, ensure_ascii=False))
    if args.get("cursor"):
        if len(args["cursor"]) > MAX_CURSOR:
            raise Malformed(f"cursor is longer than {MAX_CURSOR} characters: use the next_cursor of a page as it is")
        query.after = decode_cursor(args["cursor"], sort)
    return query


def phases(query: ListQuery) -> list[Phase]:
    """The extra conditions of each query a page may take (one on page 1; see ``after_conditions``)."""
    if query.after is None:
        return [Phase([])]
    return after_conditions(SORTS[query.sort], query.descending, query.sort in NULLABLE_SORTS, *query.after)


def statement(query: ListQuery, phase: Phase, limit: int):
    """The SELECT of one phase of a page: ``limit`` rows in the sort's order, as plain rows.

    The page's ids are found first in a derived table that reads only the index (filter, sort key,
    id): asked for whole rows, MariaDB's cost model ignores the LIMIT and reads every row before the
    cursor. Then only those rows are fetched, by primary key, with the deciding user's e-mail. Rows,
    not ORM objects: mapping 20 instances cost more than the query (``models.applicant_json``).
    """
    keys = (Applicant.id,) if phase.nulls else (SORTS[query.sort], Applicant.id)
    order = tuple(key.desc() if query.descending else key.asc() for key in keys)
    ids = (select(Applicant.id.label("page_id")).where(*query.conditions, *phase.conditions).order_by(*order).limit(limit)
           .subquery("page"))
    return list_rows().join(ids, ids.c.page_id == Applicant.id).order_by(*order)


def list_rows():
    """SELECT of list rows: ``LIST_COLUMNS`` and the deciding user's e-mail as ``decided_by_email``."""
    return select(*LIST_COLUMNS, User.email.label("decided_by_email")).outerjoin(User, User.id == Applicant.decided_by_id)


def page(query: ListQuery) -> tuple[list[Row], str | None, int, bool]:
    """One page: ``(rows, next cursor or None, total, total_is_estimate)``.

    Each row has an ``Applicant``'s attributes (``explanation`` aside) and ``decided_by_email``:
    ``models.applicant_json.applicant_fields`` shows it.
    """
    rows = []
    for phase in phases(query):  # one row more than the page: is there another?
        # On the session's connection as Core: the ORM's execute adds ~1 ms of compile-state work per page.
        rows += db.session.connection().execute(statement(query, phase, query.limit + 1 - len(rows))).all()
        if len(rows) > query.limit:
            break
    more = len(rows) > query.limit
    rows = rows[:query.limit]
    sort = f"-{query.sort}" if query.descending else query.sort
    next_cursor = encode_cursor(sort, rows[-1]) if more else None
    filter_key = "list:" + hashlib.sha256(query.filter_key.encode()).hexdigest()[:32]
    total, estimate = estimated_count(filter_key, lambda: db.session.scalar(
        select(func.count()).select_from(Applicant).where(*query.count_conditions)))
    return rows, next_cursor, total, estimate
