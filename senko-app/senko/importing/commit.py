"""Commit a confirmed import: every valid row becomes an applicant, one transaction per sheet.

A row with any error is not imported (its errors go to the report); a row whose person is already
stored (same e-mail, name + phone, or name + applied_at), or appears earlier in the file, is
reported as ``duplicate`` and skipped, so importing the same file again creates nothing. A past
decision is recorded as a decision by the importing person (training data), with the note
「取り込み」. A sheet that fails is rolled back alone; the sheets before it stay committed (the
report says which). The mapping of each committed sheet is saved for its header signature.
"""
import logging
from collections.abc import Callable
from contextlib import contextmanager

from sqlalchemy import select, text, update

from .. import applicants
from ..exceptions import SenkoError
from ..extensions import db
from ..imports import Problem, open_workbook
from ..models import ImportMapping, ImportStatus, SpreadsheetImport, record_audit, record_event
from . import duplicates, jobs, storage

log = logging.getLogger(__name__)

APPLICANT_FIELDS = ("name", "furigana", "email", "phone", "applied_at", "source", "note")
LIMITS = {"name": 100, "furigana": 100, "email": 254, "phone": 32, "source": 100}
PROGRESS_EVERY = 250
LOCK_NAME, LOCK_WAIT = "senko:import-commit", 600
KEY_FIELD = {"email": "email", "name_phone": "phone", "name_applied_at": "applied_at"}
KEY_WORDS = {"email": "メールアドレス", "name_phone": "氏名と電話番号", "name_applied_at": "氏名と応募日"}

Progress = Callable[[int, int | None], None]


def summary(counts: dict) -> str:
    """「124件取り込み、3件エラー」 (with how many of the errors are duplicates)."""
    text = f"{counts.get('created', 0)}件取り込み、{counts.get('errors', 0)}件エラー"
    if counts.get("duplicates"):
        text += f"（うち重複{counts['duplicates']}件）"
    return text


def _set_progress(import_id: int, done: int, total: int | None, progress: Progress | None) -> None:
    """Progress for the UI, on its own connection: the sheet's transaction is still open."""
    with db.engine.begin() as connection:
        connection.execute(update(SpreadsheetImport).where(SpreadsheetImport.id == import_id)
                           .values(rows_done=done, rows_total=total))
    if progress:
        progress(done, total)


def commit_import(import_id: int, progress: Progress | None = None) -> str:
    """Commit the chosen sheets of a ``committing`` import; ``done`` (``import_done``) or ``failed``.

    Idempotent: sheets already committed (a redelivered task) are not read again; any other status
    is left alone. Returns the status.
    """
    job = jobs.get(import_id)
    if job.status != ImportStatus.COMMITTING or jobs.gave_up(job):
        return job.status
    choice, report = job.choice, dict(job.report)
    done_sheets = set(report.get("sheets_done") or [])
    colour_map = (choice.get("options") or {}).get("colour_map") or None
    try:
        pending = [sheet for sheet in choice["sheets"] if sheet["name"] not in done_sheets]
        book = open_workbook(storage.load(job.sha256), job.filename, jobs.limits()) if pending else None
        results = [(sheet, book.rows(sheet["name"], sheet["mapping"], colour_map)) for sheet in pending]
        del book  # the grids of every sheet: only the rows read are kept
    except SenkoError as exc:
        db.session.rollback()
        return jobs.fail(job, "unreadable", exc.message)
    except Exception as exc:  # a reader bug must fail the import, not leave it committing forever
        db.session.rollback()
        log.exception("import %s: the reader failed", import_id)
        return jobs.fail(job, "unreadable", f"ファイルを読み取れませんでした（{type(exc).__name__}）")
    total = (job.rows_done or 0) + sum(len(result.rows) for _, result in results)
    _set_progress(job.id, job.rows_done or 0, total, progress)
    with one_commit_at_a_time() as got:
        # A new snapshot once the lock is held: the duplicate checks see what other imports committed.
        db.session.rollback()
        job = jobs.get(import_id)
        if job.status != ImportStatus.COMMITTING:
            return job.status
        if not got:
            return jobs.fail(job, "busy", "別の取り込みが終わらないため取り込めませんでした。もう一度取り込んでください")
        seen: dict[tuple, tuple[str, int]] = {}
        for sheet, result in results:
            if sheet["name"] in (job.report or {}).get("sheets_done", []):
                continue
            try:
                _commit_sheet(job, sheet, result, seen, choice.get("user_id"), total, progress)
            except Exception as exc:  # the sheet is rolled back alone; what was committed before stays
                db.session.rollback()
                log.exception("import %s: sheet %r failed", import_id, sheet["name"])
                detail = exc.message if isinstance(exc, SenkoError) else type(exc).__name__
                kept = "、".join(report_sheets(job)) or "なし"
                return jobs.fail(job, "commit_error", f"シート「{sheet['name']}」を取り込めませんでした（{detail}）。"
                                                      f"取り込み済みのシート: {kept}")
        message = summary(job.report["counts"])
        job.mark_done(message)
        record_event("import_done", message, import_id=job.id, filename=job.filename, **job.report["counts"])
        db.session.commit()
    jobs.release(job)
    return job.status


@contextmanager
def one_commit_at_a_time():
    """Hold the database's named lock for committing imports (on a connection of its own); yields False on timeout.

    Two imports of the same people committed at once would each find the other's rows missing.
    """
    with db.engine.connect() as connection:
        got = connection.execute(text("SELECT GET_LOCK(:name, :wait)"), {"name": LOCK_NAME, "wait": LOCK_WAIT}).scalar()
        try:
            yield got == 1
        finally:
            if got == 1:
                connection.execute(text("SELECT RELEASE_LOCK(:name)"), {"name": LOCK_NAME})


def report_sheets(job: SpreadsheetImport) -> list[str]:
    """The sheets committed so far."""
    db.session.refresh(job)
    return list((job.report or {}).get("sheets_done") or [])


def _fields(values: dict) -> dict:
    return {key: values[key] for key in APPLICANT_FIELDS if values.get(key) not in (None, "")}


def _row_problems(sheet_name: str, row, columns: dict) -> list[Problem]:
    """What the database cannot hold although the reader accepted it (too long for its column)."""
    return [Problem(sheet_name, row.row, columns.get(field), str(row.values[field]), "too_long",
                    f"{LIMITS[field]}文字を超えています")
            for field in LIMITS if row.values.get(field) and len(str(row.values[field])) > LIMITS[field]]


def _commit_sheet(job: SpreadsheetImport, sheet: dict, result, seen: dict, user_id: int | None, total: int,
                  progress: Progress | None) -> None:
    """One sheet in one transaction: applicants, decisions, report, saved mapping, progress."""
    name, mapping = sheet["name"], sheet["mapping"]
    columns = {field: label for label, field in mapping.items() if field}
    stored = duplicates.existing([row.values for row in result.rows if row.ok])
    created, errors, warnings = [], [], [p.to_dict() for p in result.warnings]
    counts = {"rows": 0, "created": 0, "errors": 0, "duplicates": 0, "warnings": len(warnings)}
    done = job.rows_done or 0
    with db.session.no_autoflush:
        for index, row in enumerate(result.rows, 1):
            counts["rows"] += 1
            warnings.extend(p.to_dict() for p in row.warnings)
            counts["warnings"] += len(row.warnings)
            problems = list(row.errors) or _row_problems(name, row, columns) or _duplicate(name, row, columns, stored, seen)
            if problems:
                errors.extend(p.to_dict() for p in problems)
                counts["errors"] += 1
                counts["duplicates"] += any(p.reason == "duplicate" for p in problems)
            else:
                created.append(_add(job, name, row, user_id))
                for key in duplicates.keys_of(*(row.values.get(f) for f in ("email", "name", "phone", "applied_at"))):
                    seen.setdefault(key, (name, row.row))
            if index % PROGRESS_EVERY == 0:
                _set_progress(job.id, done + index, total, progress)
    db.session.flush()
    counts["created"] = len(created)
    record_audit("applicant.import", user_id, "import", job.id, sheet=name, created=len(created))
    report = dict(job.report)
    report["created"] = [*report["created"], *(a.id for a in created)]
    report["errors"] = [*report["errors"], *errors]
    report["warnings"] = [*report["warnings"], *warnings]
    report["counts"] = {k: (report["counts"] or {}).get(k, 0) + v for k, v in counts.items()}
    report["sheets_done"] = [*report["sheets_done"], name]
    job.report, job.rows_done, job.rows_total = report, done + len(result.rows), total
    _save_mapping(sheet, user_id)
    db.session.commit()
    if progress:
        progress(job.rows_done, total)


def _duplicate(sheet_name: str, row, columns: dict, stored: dict, seen: dict) -> list[Problem]:
    values = row.values
    for key in duplicates.keys_of(values.get("email"), values.get("name"), values.get("phone"), values.get("applied_at")):
        field = KEY_FIELD[key[0]]
        value = values.get(field)
        value = value.isoformat() if hasattr(value, "isoformat") else value
        if key in seen:
            where = seen[key]
            message = f"このファイルの「{where[0]}」{where[1]}行目と同じ人です（{KEY_WORDS[key[0]]}が同じ）"
        elif key in stored:
            message = f"登録済みの応募者 #{stored[key]} と同じ人です（{KEY_WORDS[key[0]]}が同じ）"
        else:
            continue
        return [Problem(sheet_name, row.row, columns.get(field), value, "duplicate", message)]
    return []


def _add(job: SpreadsheetImport, sheet_name: str, row, user_id: int | None):
    """The applicant of a valid row (with the past decision as a decision by the importing person)."""
    applicant = applicants.add(_fields(row.values), created_by_id=user_id)
    decision = row.values.get("decision")
    if decision:
        applicant.decide(decision, user_id, note=f"取り込み（{job.filename}「{sheet_name}」{row.row}行目）")
    return applicant


def _save_mapping(sheet: dict, user_id: int | None) -> None:
    """Remember the sheet's mapping for its header signature (next month's file maps itself)."""
    saved = db.session.scalar(select(ImportMapping).where(ImportMapping.signature == sheet["signature"]))
    if saved is None:
        db.session.add(ImportMapping(signature=sheet["signature"], mapping=sheet["mapping"], updated_by_id=user_id))
    else:
        saved.mapping, saved.updated_by_id = sheet["mapping"], user_id
