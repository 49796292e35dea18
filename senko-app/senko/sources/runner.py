"""Running a source: fetch page by page, create each new application's applicant exactly once, record the run.

Exactly once: every fetched application is keyed by (source, external id) in ``source_items``, in
the same transaction as its applicant; the run's cursor (and, for incremental boards, the
source's) advances only after a page is committed, so a crash resumes after the last committed
page and never creates an applicant twice. One run per source at a time (a Redis lock).
"""
import logging
from datetime import date, timedelta

from redis.exceptions import LockError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import applicants, queue
from ..exceptions import Conflict, Invalid, SenkoError, Unavailable
from ..extensions import db, redis_store
from ..models import Applicant, Source, SourceItem, SourceRun, record_event
from ..models.mixins import utcnow
from . import schedule, service, vault
from .connectors import Connector, ConnectorError, Item, Page

log = logging.getLogger(__name__)
LOCK_PREFIX = "senko:source-lock:"
LOCK_SECONDS = 600  # renewed after every page; a crashed run's lock expires by itself
MAX_ITEM_ERRORS = 200
REASONS_JA = {"auth": "認証エラー", "unreachable": "接続できません", "refused": "接続先が許可されていません",
              "too_large": "応答が大きすぎます", "timeout": "タイムアウト", "bad_response": "応答を読み取れません",
              "settings": "設定エラー"}
APPLICANT_FIELDS = ("name", "furigana", "email", "phone", "applied_at")
# What the applicants table can hold, read from its columns.
FIELD_LIMITS = {key: Applicant.__table__.c[key].type.length for key in APPLICANT_FIELDS[:-1]}


def running_run(source_id: int) -> SourceRun | None:
    """The run of this source that is still going, if any."""
    return db.session.scalar(select(SourceRun).where(SourceRun.source_id == source_id, SourceRun.status == "running")
                             .order_by(SourceRun.id.desc()).limit(1))


def start_inline(source_id: int, trigger: str = "manual") -> SourceRun:
    """Record a new run without queueing it (the CLI runs it in its own process); ``Conflict`` while one is going."""
    source = service.get(source_id)
    current = running_run(source.id)
    if current is not None:
        raise Conflict(f"Run {current.id} of {source.name} is still in progress")
    run = SourceRun(source_id=source.id, trigger=trigger, status="running", started_at=utcnow())
    db.session.add(run)
    db.session.commit()
    return run


def start(source_id: int, trigger: str = "manual") -> SourceRun:
    """Record a new run and queue it for a worker; ``Conflict`` while another run of this source is going."""
    run = start_inline(source_id, trigger)
    try:
        queue.run_source(run.id)
    except Unavailable:
        finish(run, "failed", "The task queue is unavailable; the run did not start")
        raise
    return run


def close_stale_runs(now=None) -> int:
    """Fail runs still ``running`` past the lock's life with nobody holding the lock (a worker died for good)."""
    now = now or utcnow()
    stale = db.session.scalars(select(SourceRun).where(
        SourceRun.status == "running", SourceRun.started_at < now - timedelta(seconds=LOCK_SECONDS))).all()
    closed = 0
    for run in stale:
        if not redis_store.client.exists(f"{LOCK_PREFIX}{run.source_id}"):
            finish(run, "failed", "The run stopped without finishing (its worker was lost)")
            closed += 1
    return closed


def dispatch_due(now=None) -> list[int]:
    """Start a scheduled run of every enabled source whose window has come (beat calls this every minute)."""
    now = now or utcnow()
    close_stale_runs(now)
    started = []
    for source in db.session.scalars(select(Source).where(Source.enabled.is_(True))).all():
        last = db.session.scalar(select(SourceRun.started_at).where(
            SourceRun.source_id == source.id, SourceRun.trigger == "schedule").order_by(SourceRun.id.desc()).limit(1))
        if schedule.is_due(source.schedule or [], last, now) and running_run(source.id) is None:
            try:
                started.append(start(source.id, "schedule").id)
            except SenkoError as exc:
                log.warning("source %s: scheduled run not started: %s", source.id, exc.message)
    return started


def execute(run_id: int) -> dict | None:
    """Carry out a recorded run (the task's one call). A finished run is left alone (redelivery).

    The source's lock holds the run's id: a redelivery of a run that is still going (its first
    delivery holds the lock) does nothing; another run of the same source ends as failed.
    """
    run = db.session.get(SourceRun, run_id)
    if run is None or run.status != "running":
        return None
    name = f"{LOCK_PREFIX}{run.source_id}"
    lock = redis_store.client.lock(name, timeout=LOCK_SECONDS, blocking=False)
    if not lock.acquire(token=str(run.id)):
        holder = redis_store.client.get(name)
        if holder is not None and holder.decode() == str(run.id):
            return None  # redelivered while the first delivery is still at work
        finish(run, "failed", "Another run of this source is in progress")
        return {"status": "failed", "reason": "Another run of this source is in progress"}
    try:
        return _fetch(run, lock)
    except Exception as exc:  # anything unforeseen ends the run readably instead of leaving it "running"
        log.exception("source run %s failed unexpectedly", run_id)
        db.session.rollback()
        return fail(db.session.get(SourceRun, run_id), "internal", f"Unexpected error ({type(exc).__name__}); see the worker log")
    finally:
        try:
            lock.release()
        except LockError:  # expired meanwhile: nothing to release
            pass


def _catching_up(run: SourceRun) -> bool:
    """True when the source's previous run did not finish reading (failed): read down to the look-back this time."""
    previous = db.session.scalar(select(SourceRun.status).where(
        SourceRun.source_id == run.source_id, SourceRun.id < run.id).order_by(SourceRun.id.desc()).limit(1))
    return previous not in (None, "ok", "partial")


def _fetch(run: SourceRun, lock) -> dict:
    source = run.source
    try:
        connector = service.connector_for(source.kind, source.settings or {}, vault.decrypt(source.secrets_encrypted),
                                          source.lookback_days)
    except SenkoError as exc:
        return fail(run, "settings", exc.message)
    since = date.today() - timedelta(days=source.lookback_days)
    start_at = run.cursor or (source.cursor if connector.incremental else None)
    catching_up = _catching_up(run)
    try:
        for page in connector.pages(start_at):
            known_before = _import_page(run, source, connector, page, since)
            if not lock.extend(LOCK_SECONDS, replace_ttl=True):
                raise ConnectorError("timeout", "A page took longer than the run's lock lasts")
            if not connector.incremental and page.items and known_before and not catching_up:
                break  # newest first: everything from here on is known already
    except ConnectorError as exc:
        return fail(run, exc.reason, exc.message)
    except LockError:
        return fail(run, "timeout", "A page took longer than the run's lock lasts; the run stopped")
    finally:
        connector.close()
    status = "partial" if run.errors else "ok"
    finish(run, status, None)
    record_event("source_run_finished", f"{source.name} から {run.new} 件の応募を取り込みました", source_id=source.id,
                 run_id=run.id, new=run.new, duplicates=run.duplicates, errors=run.errors, status=status)
    db.session.commit()
    return {"status": status, "seen": run.seen, "new": run.new, "duplicates": run.duplicates, "errors": run.errors}


def _import_page(run: SourceRun, source: Source, connector: Connector, page: Page, since: date) -> bool:
    """Import one page in one transaction, advance the cursors, acknowledge.

    Returns True when the page held known (or too old) applications and nothing new: on a board
    that lists newest first, the rest is known too.
    """
    ids = [item.external_id for item in page.items if item.external_id]
    known = set(db.session.scalars(select(SourceItem.external_id).where(
        SourceItem.source_id == source.id, SourceItem.external_id.in_(ids)))) if ids else set()
    created, fresh, stale = [], 0, 0
    with db.session.no_autoflush:  # one flush for the page, not one per application
        for item in page.items:
            run.seen += 1
            if item.error or not item.external_id:
                _item_error(run, item.external_id, item.error or "The application has no id on the board")
                continue
            if item.external_id in known:
                run.duplicates += 1
                stale += 1
                continue
            if item.applied_on and item.applied_on < since:
                stale += 1
                continue  # older than the look-back: neither new nor an error
            fresh += 1
            try:
                created.append((item.external_id, _add_applicant(source, item)))
            except SenkoError as exc:  # checked before anything was added to the session
                _item_error(run, item.external_id, exc.message)
                continue
            known.add(item.external_id)
            run.new += 1
    db.session.flush()
    applicants.flag_possible_duplicates([applicant for _, applicant in created])
    db.session.add_all(SourceItem(source_id=source.id, external_id=external_id, applicant_id=applicant.id, run_id=run.id)
                       for external_id, applicant in created)
    run.cursor = page.cursor
    if connector.incremental and page.cursor:
        source.cursor = page.cursor
    try:
        db.session.commit()
    except IntegrityError as exc:  # another process imported the same application meanwhile
        db.session.rollback()
        raise ConnectorError("bad_response", "The same application was imported twice at once; run again") from exc
    try:
        applicants.queue_processing([applicant.id for _, applicant in created if applicant.resume_sha256])
    except Unavailable:  # they stay queued; the recovery job queues them when the broker is back
        log.warning("source run %s: the task queue is unavailable, résumés wait for the recovery job", run.id)
    connector.acknowledge(page, known)
    return fresh == 0 and stale > 0


def _add_applicant(source: Source, item: Item) -> Applicant:
    """The applicant of a fetched application, added to the session (``Invalid`` when a field cannot be stored)."""
    fields = {}
    for key in APPLICANT_FIELDS[:-1]:
        value = item.fields.get(key)
        if value not in (None, ""):
            value = " ".join(str(value).split())
            if len(value) > FIELD_LIMITS[key]:
                if key not in ("name", "furigana"):
                    raise Invalid(f"{key} is longer than {FIELD_LIMITS[key]} characters")
                value = value[:FIELD_LIMITS[key]]
            fields[key] = value
    if item.applied_on:
        fields["applied_at"] = item.applied_on  # a date (the board's own day), whatever the board sent
    fields.setdefault("name", f"{source.name} {item.external_id}"[:100])
    fields.update(source=source.name, external_id=item.external_id)
    if item.resume is not None:
        return applicants.add_with_resume(fields, item.resume, item.resume_filename or f"{item.external_id}.pdf")
    return applicants.add(fields)


def _item_error(run: SourceRun, external_id: str | None, message: str) -> None:
    run.errors += 1
    errors = list(run.item_errors or [])
    if len(errors) < MAX_ITEM_ERRORS:
        errors.append({"external_id": external_id, "message": message[:500]})
    run.item_errors = errors


def finish(run: SourceRun, status: str, reason: str | None) -> None:
    """Close the run with ``status`` (ok, partial or failed) and commit."""
    run.status, run.reason, run.finished_at = status, (reason or None) and reason[:500], utcnow()
    db.session.commit()


def fail(run: SourceRun, reason: str, message: str) -> dict:
    """The board could not be read: the run fails with a readable reason, and the UI pops it up."""
    db.session.rollback()
    finish(run, "failed", message)
    name = run.source.name
    record_event("source_failed", f"{name} の取り込みに失敗しました ({REASONS_JA.get(reason, reason)})", source_id=run.source_id,
                 run_id=run.id, reason=reason, detail=message[:500])
    db.session.commit()
    log.warning("source %s run %s failed: %s (%s)", run.source_id, run.id, reason, message)
    return {"status": "failed", "reason": message, "seen": run.seen, "new": run.new, "duplicates": run.duplicates,
            "errors": run.errors}
