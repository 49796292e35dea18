"""Sources as the API and the CLI manage them: create, change, remove, show, test; and the allow list.

Secrets are split from the settings on the way in (the connector names its secret keys), stored
encrypted (``vault``), and never shown: a source's JSON lists only which secrets are set.
"""
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..exceptions import Conflict, Invalid, NotFound
from ..extensions import db
from ..models import Source, SourceAllowList, SourceRun, record_event
from ..models.mixins import isoformat, utcnow
from . import schedule, vault
from .connectors import KINDS, Connector, ConnectorError
from .fetcher import AllowList, Fetcher


def get(source_id: int) -> Source:
    """The source with this id, or ``NotFound``."""
    source = db.session.get(Source, source_id)
    if source is None:
        raise NotFound(f"Source {source_id} not found")
    return source


def connector_class(kind: str) -> type[Connector]:
    """The connector of ``kind`` (``Invalid`` for an unknown kind)."""
    if kind not in KINDS:
        raise Invalid(f"Unknown kind {kind!r}; Senko knows {', '.join(sorted(KINDS))}")
    return KINDS[kind]


def split_settings(kind: str, settings: dict) -> tuple[dict, dict]:
    """(plain settings, secrets) of a settings mapping as the API receives it.

    A secret must be printable text on one line (it goes into HTTP headers and logins): anything else
    is refused here, before it could travel into an error message.
    """
    secret_keys = set(connector_class(kind).secret_keys)
    plain = {k: v for k, v in settings.items() if k not in secret_keys}
    secrets = {k: v for k, v in settings.items() if k in secret_keys and v not in (None, "")}
    for key, value in secrets.items():
        if not isinstance(value, str) or not value.isprintable():
            raise Invalid(f"{key} must be text on one line, without control characters")
    return plain, secrets


def check(kind: str, settings: dict, secrets: dict, windows: list[str]) -> None:
    """Refuse settings that cannot work (``Invalid`` listing every problem found without the network)."""
    try:
        problems = list(connector_class(kind).validate(settings, secrets))
    except (TypeError, AttributeError, ValueError) as exc:  # a setting of the wrong type (a list for a text, ...)
        problems = [f"the settings do not have the shape {kind} expects ({exc})"]
    try:
        schedule.parse_windows(windows)
    except (TypeError, ValueError) as exc:
        problems.append(str(exc))
    if problems:
        raise Invalid("; ".join(problems))


def create(data: dict, user_id: int | None) -> Source:
    """Create a source from the API's fields (``name``, ``kind``, ``settings``, ``schedule``, ``enabled``, ``lookback_days``)."""
    kind = data["kind"]
    plain, secrets = split_settings(kind, data.get("settings") or {})
    windows = data.get("schedule") or current_app.config["SENKO_SOURCES_SCHEDULE"]
    check(kind, plain, secrets, windows)
    source = Source(name=data["name"], kind=kind, settings=plain, secrets_encrypted=vault.encrypt(secrets),
                    schedule=windows, enabled=data.get("enabled", True),
                    lookback_days=data.get("lookback_days") or current_app.config["SENKO_SOURCES_LOOKBACK_DAYS"],
                    created_by_id=user_id)
    db.session.add(source)
    _commit_unique(source.name)
    return source


def update(source_id: int, data: dict) -> Source:
    """Change a source. ``settings`` replaces the plain settings; a secret not given keeps its stored value."""
    source = get(source_id)
    secrets = stored_secrets(source)
    plain = before = dict(source.settings or {})
    if "settings" in data:
        plain, given = split_settings(source.kind, data["settings"] or {})
        secrets.update(given)
    windows = data["schedule"] if data.get("schedule") is not None else source.schedule
    check(source.kind, plain, secrets, windows)
    source.settings, source.secrets_encrypted, source.schedule = plain, vault.encrypt(secrets), windows
    for field in ("name", "enabled", "lookback_days"):
        if field in data and data[field] is not None:
            setattr(source, field, data[field])
    if "settings" in data and plain != before:
        source.cursor = None  # another board or query: start over (known applications stay known)
    _commit_unique(source.name)
    return source


def _commit_unique(name: str) -> None:
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict(f"A source named {name!r} exists already") from exc


def remove(source_id: int) -> None:
    """Delete a source with its runs and fetch records; its applicants stay (their ``source`` keeps the name).

    ``Conflict`` while a run of it is going (wait for it, or disable the source first).
    """
    source = get(source_id)
    if db.session.scalar(select(SourceRun.id).where(SourceRun.source_id == source_id, SourceRun.status == "running")):
        raise Conflict(f"A run of {source.name} is in progress; delete it when the run has finished")
    db.session.delete(source)
    db.session.commit()


def stored_secrets(source: Source) -> dict:
    """The source's secrets; none when they cannot be decrypted any more (the key changed: enter them again)."""
    try:
        return vault.decrypt(source.secrets_encrypted)
    except Invalid:
        return {}


def to_json(source: Source) -> dict:
    """A source as the API shows it: never a secret, only which ones are set; the last run and the next one."""
    latest = source.latest_run()
    secret_keys = sorted(stored_secrets(source))
    next_run = schedule.next_run(source.schedule or [], utcnow()) if source.enabled else None
    return {
        "id": source.id,
        "name": source.name,
        "kind": source.kind,
        "settings": source.settings or {},
        "secrets_set": secret_keys,
        "schedule": source.schedule or [],
        "enabled": source.enabled,
        "lookback_days": source.lookback_days,
        "last_run": latest.to_dict() if latest else None,
        "next_run_at": isoformat(next_run),
        "created_at": isoformat(source.created_at),
        "updated_at": isoformat(source.updated_at),
    }


def runs(source_id: int, limit: int = 50) -> list[SourceRun]:
    """The newest ``limit`` runs of a source (``NotFound`` for an unknown source)."""
    get(source_id)
    return list(db.session.scalars(select(SourceRun).where(SourceRun.source_id == source_id)
                                   .order_by(SourceRun.id.desc()).limit(limit)))


def list_all() -> list[Source]:
    """Every source, by name."""
    return list(db.session.scalars(select(Source).order_by(Source.name)))


# ---- the allow list -----------------------------------------------------------------------------
def allow_list_entries() -> list[str]:
    """What the SSRF guard lets through: the environment's seed plus the admins' list."""
    return list(current_app.config["SENKO_SOURCES_ALLOW_LIST"]) + list(SourceAllowList.current().entries or [])


def allow_list_json() -> dict:
    """The admins' list, the environment's seed and who changed the list last."""
    stored = SourceAllowList.current()
    return {"entries": list(stored.entries or []), "from_environment": list(current_app.config["SENKO_SOURCES_ALLOW_LIST"]),
            "updated_by": stored.updated_by.email if stored.updated_by else None,
            "updated_at": isoformat(stored.updated_at)}


def set_allow_list(entries: list[str], user_id: int | None) -> dict:
    """Replace the admins' list (each entry checked: ``host:port`` or a CIDR); the change is recorded."""
    try:
        AllowList.parse(entries)
    except ValueError as exc:
        raise Invalid(str(exc)) from None
    stored = SourceAllowList.current()
    before = list(stored.entries or [])
    stored.entries, stored.updated_by_id, stored.updated_at = list(entries), user_id, utcnow()
    db.session.add(stored)
    record_event("allow_list_changed", "媒体連携の接続許可リストが変更されました", before=before, after=list(entries),
                 user_id=user_id)
    db.session.commit()
    return allow_list_json()


# ---- connecting ---------------------------------------------------------------------------------
def make_fetcher(settings: dict) -> Fetcher:
    """The SSRF-guarded client with the configured caps and the source's politeness delay."""
    config = current_app.config
    return Fetcher(AllowList.parse(allow_list_entries()), user_agent=config["SENKO_SOURCES_USER_AGENT"],
                   timeout=config["SENKO_SOURCES_TIMEOUT"], max_bytes=config["SENKO_SOURCES_MAX_BYTES"],
                   max_redirects=config["SENKO_SOURCES_MAX_REDIRECTS"],
                   delay_seconds=float(settings.get("delay_seconds") or 0))


def connector_for(kind: str, settings: dict, secrets: dict, lookback_days: int) -> Connector:
    """A ready connector for these settings (the look-back sets the oldest application it wants)."""
    since = date.today() - timedelta(days=lookback_days)
    return connector_class(kind)(settings, secrets, make_fetcher(settings), since)


def test_connection(kind: str, settings: dict, secrets: dict, limit: int = 5) -> dict:
    """A dry fetch of the first page: nothing is stored. Says whether it worked and shows a few items."""
    check(kind, settings, secrets, ["00:00"])
    connector = connector_for(kind, settings, secrets, current_app.config["SENKO_SOURCES_LOOKBACK_DAYS"])
    try:
        page = next(iter(connector.pages(None)), None)
    except ConnectorError as exc:
        return {"ok": False, "reason": exc.reason, "message": exc.message, "items": []}
    finally:
        connector.close()
    items = page.items if page else []
    return {"ok": True, "reason": None, "message": f"{len(items)} applications on the first page", "items": [
        {"external_id": item.external_id, "name": item.fields.get("name"), "applied_at": isoformat_date(item.applied_on),
         "has_resume": item.resume is not None, "error": item.error} for item in items[:limit]]}


def test_saved(source_id: int, overrides: dict | None = None) -> dict:
    """Test a saved source, optionally with changed settings (secrets not given are the stored ones)."""
    source = get(source_id)
    secrets = stored_secrets(source)
    plain = dict(source.settings or {})
    if overrides:
        plain, given = split_settings(source.kind, overrides)
        secrets.update(given)
    return test_connection(source.kind, plain, secrets)


def isoformat_date(value) -> str | None:
    """A date as ISO text (None stays None)."""
    return value.isoformat() if value else None
