"""An import from upload to confirmation: check and store the file, read it in the worker, take the choice.

``start_import`` (the request) checks size and type like a résumé upload and refuses an ``.xlsx``
whose declared uncompressed size is over the reader's limit at once (413); ``parse_import`` (the
worker) runs ``senko.imports.preview`` with the saved mappings; ``request_commit`` (the request)
checks a person's sheets and mappings against the preview and queues the commit.
"""
import logging

from flask import current_app
from sqlalchemy import select

from .. import queue
from ..applicants import clean_filename
from ..exceptions import Conflict, Invalid, NotFound, SenkoError, TooLarge, Unavailable, Unsupported
from ..extensions import db
from ..imports import COLOUR_COLUMN, FIELDS, Limits, preview, sniff
from ..ingest.checks import check_size
from ..models import ImportMapping, ImportStatus, SpreadsheetImport, record_audit, record_event
from . import storage

log = logging.getLogger(__name__)

DECISIONS = ("OK", "NG")
MAX_ATTEMPTS = 3
# Why an import failed, by the reader's error class (the ``reason`` of a failed import).
REASON_OF = {TooLarge: "too_large", Unsupported: "unsupported", Invalid: "invalid", NotFound: "missing_file"}


def limits() -> Limits:
    """The reader's limits from the settings (uncompressed bytes, cells, plausible years)."""
    return Limits.from_config(current_app.config)


def get(import_id: int) -> SpreadsheetImport:
    """The import with this id, or ``NotFound``."""
    job = db.session.get(SpreadsheetImport, import_id)
    if job is None:
        raise NotFound(f"Import {import_id} not found")
    return job


def recent(limit: int = 20) -> list[SpreadsheetImport]:
    """The latest imports, newest first."""
    return list(db.session.scalars(select(SpreadsheetImport).order_by(SpreadsheetImport.created_at.desc(),
                                                                      SpreadsheetImport.id.desc()).limit(limit)))


def check_spreadsheet(data: bytes, filename: str) -> None:
    """What can be refused before the worker reads anything: size, emptiness, a non-spreadsheet, a zip bomb.

    The type is decided by content (zip → xlsx/xlsm, OLE2 → xls, else text → CSV), never by the name.
    """
    check_size(data, filename, current_app.config["SENKO_MAX_IMPORT_FILE_BYTES"])
    try:
        sniff(data, limits())
    except (Unsupported, TooLarge, Invalid) as exc:
        raise type(exc)(f"{filename}: {exc.message}") from exc


def start_import(data: bytes, filename: str | None, user_id: int | None, enqueue: bool = True) -> SpreadsheetImport:
    """Check and store an uploaded spreadsheet, record the import (``parsing``) and queue its reading.

    ``enqueue=False`` leaves the reading to the caller (the CLI reads and commits in its own process).
    """
    filename = clean_filename(filename or "import.xlsx")
    check_spreadsheet(data, filename)
    sha256 = storage.save(data)
    job = SpreadsheetImport(filename=filename, sha256=sha256, size=len(data), created_by_id=user_id)
    db.session.add(job)
    db.session.flush()
    record_audit("import.upload", user_id, "import", job.id, filename=filename, size=len(data))
    db.session.commit()
    if not enqueue:
        return job
    try:
        queue.send(queue.PARSE_IMPORT, job.id)
    except Unavailable:
        fail(job, "unavailable", "タスクキューに接続できません。しばらくしてからもう一度アップロードしてください")
        raise
    return job


def saved_mappings() -> dict[str, dict]:
    """Every saved mapping by header signature."""
    return {m.signature: m.mapping for m in db.session.scalars(select(ImportMapping))}


def parse_import(import_id: int) -> str:
    """Read the stored file into a preview per sheet (saved mappings applied); ``ready``, or ``failed`` with why.

    Idempotent: an import that is no longer ``parsing`` is left alone. Returns the status.
    """
    job = get(import_id)
    if job.status != ImportStatus.PARSING:
        return job.status
    if gave_up(job):
        return job.status
    try:
        sheets = preview(storage.load(job.sha256), job.filename, saved_mappings(), limits=limits())
    except SenkoError as exc:
        return fail(job, next((r for cls, r in REASON_OF.items() if isinstance(exc, cls)), "invalid"), exc.message)
    except Exception as exc:  # a reader bug on a hostile file must fail the import, never loop in the queue
        log.exception("import %s: the reader failed", import_id)
        return fail(job, "unreadable", f"ファイルを読み取れませんでした（{type(exc).__name__}）")
    if not any(sheet.columns for sheet in sheets):
        return fail(job, "no_table", "応募者の表が見つかりませんでした")
    job.mark_ready([sheet.to_dict() for sheet in sheets])
    db.session.commit()
    return job.status


def gave_up(job: SpreadsheetImport) -> bool:
    """Count this start of a worker on the import; past ``MAX_ATTEMPTS`` fail it (``crashed``) and say True."""
    if job.count_attempt() > MAX_ATTEMPTS:
        fail(job, "crashed", f"処理中にワーカーが{MAX_ATTEMPTS}回停止したため中止しました（ファイルが大きすぎるか壊れています）")
        return True
    db.session.commit()
    return False


def fail(job: SpreadsheetImport, reason: str, message: str) -> str:
    """Fail the import (``import_failed`` event, which alerts), release its file, commit; returns the status."""
    job.fail(reason, message)
    record_event("import_failed", f"{job.filename} の取り込みに失敗しました: {message}"[:500], import_id=job.id,
                 reason=reason, filename=job.filename)
    db.session.commit()
    release(job)
    return job.status


def release(job: SpreadsheetImport) -> None:
    """Delete the stored file once no unfinished import of the same content needs it."""
    others = db.session.scalar(select(SpreadsheetImport.id).where(
        SpreadsheetImport.sha256 == job.sha256, SpreadsheetImport.id != job.id,
        SpreadsheetImport.status.in_((ImportStatus.PARSING, ImportStatus.READY, ImportStatus.COMMITTING))).limit(1))
    if others is None:
        storage.delete(job.sha256)


def _choose(job: SpreadsheetImport, body: dict) -> dict:
    """The sheets and options to commit, checked against the preview (``Invalid`` naming what is wrong)."""
    by_name = {sheet["name"]: sheet for sheet in job.preview or []}
    asked = body.get("sheets")
    if not asked:
        asked = [{"name": sheet["name"]} for sheet in job.preview or [] if sheet["selected"]]
    chosen, seen = [], set()
    for item in asked:
        sheet = by_name.get(item["name"])
        if sheet is None:
            raise Invalid(f"シート「{item['name']}」はこのファイルにありません")
        if item["name"] in seen:
            raise Invalid(f"シート「{item['name']}」が2回指定されています")
        seen.add(item["name"])
        mapping = item.get("mapping")
        if mapping is None:
            mapping = sheet["mapping"]
        unknown = sorted(set(mapping) - set(sheet["columns"]) - {COLOUR_COLUMN})
        if unknown:
            raise Invalid(f"シート「{item['name']}」に列「{'」「'.join(unknown)}」はありません")
        bad = sorted({str(field) for field in mapping.values() if field is not None and field not in FIELDS})
        if bad:
            raise Invalid(f"取り込み先の項目が正しくありません: {', '.join(bad)}（{', '.join(FIELDS)} のいずれか）")
        chosen.append({"name": item["name"], "mapping": {c: mapping.get(c) for c in sheet["columns"]}
                       | ({COLOUR_COLUMN: mapping[COLOUR_COLUMN]} if COLOUR_COLUMN in mapping else {}),
                       "signature": sheet["signature"]})
    if not chosen:
        raise Invalid("取り込むシートがありません（sheets で指定してください）")
    options = dict(body.get("options") or {})
    colour_map = options.get("colour_map") or {}
    for colour, decision in colour_map.items():
        if decision not in (*DECISIONS, None):
            raise Invalid(f"colour_map の {colour}: 選考結果は OK、NG または null です")
    return {"sheets": chosen, "options": options}


def request_commit(import_id: int, body: dict, user_id: int | None, enqueue: bool = True) -> SpreadsheetImport:
    """Take a person's sheets and mappings (an empty body takes the proposal) and queue the commit.

    ``Conflict`` unless the import is ``ready``; ``Invalid`` for a sheet or column not in the file.
    """
    # Locked until the commit below: of two simultaneous requests, the second sees "committing" (409).
    job = db.session.get(SpreadsheetImport, import_id, with_for_update=True, populate_existing=True)
    if job is None:
        raise NotFound(f"Import {import_id} not found")
    if job.status != ImportStatus.READY:
        db.session.rollback()
        raise Conflict(f"Import {import_id} is {job.status}: only a ready import can be committed")
    choice = _choose(job, body or {})
    choice["user_id"] = user_id
    job.start_commit(choice, None)
    record_audit("import.commit", user_id, "import", job.id, sheets=[s["name"] for s in choice["sheets"]])
    db.session.commit()
    if not enqueue:
        return job
    try:
        queue.send(queue.COMMIT_IMPORT, job.id)
    except Unavailable:
        fail(job, "unavailable", "タスクキューに接続できません。もう一度アップロードしてください")
        raise
    return job
