"""Accepting résumé uploads: size and type checks (by content), storing, and queueing."""
import unicodedata
from pathlib import PurePath

from flask import current_app
from kombu.exceptions import OperationalError as BrokerError
from sqlalchemy import func, select

from ..errors import ApiError
from ..extensions import db
from ..models import Applicant
from .storage import delete_resume, save_resume

PDF_MAGIC = b"%PDF-"


def read_upload(file, field: str, limit: int) -> bytes:
    """The bytes of an uploaded file read up to ``limit``: missing 400, too large 413, empty 422."""
    if file is None or not file.filename:
        raise ApiError(400, f"Attach the file as the '{field}' file field")
    data = file.stream.read(limit + 1)
    if len(data) > limit:
        raise ApiError(413, f"{file.filename}: larger than {limit // (1024 * 1024)} MB")
    if not data:
        raise ApiError(422, f"{file.filename}: the file is empty")
    return data


def read_resume(file) -> bytes:
    """The bytes of an uploaded résumé, or an ApiError: missing 400, too large 413, not a PDF 415, empty 422."""
    data = read_upload(file, "resume", current_app.config["SENKO_MAX_RESUME_BYTES"])
    # Type by magic bytes, not by name or Content-Type: a PDF starts with %PDF- (after optional blanks).
    if not data.lstrip(b"\x00\t\n\r\f ")[:5] == PDF_MAGIC:
        raise ApiError(415, f"{file.filename}: not a PDF (the content does not start with %PDF-)")
    return data


def clean_filename(filename: str) -> str:
    """The base name of an uploaded file, NFKC-normalised and length-capped."""
    name = PurePath(unicodedata.normalize("NFKC", filename or "resume.pdf").replace("\\", "/")).name
    return name[:255] or "resume.pdf"


def name_from_filename(filename: str) -> str:
    """A provisional applicant name for bulk uploads: the file name without extension."""
    stem = clean_filename(filename).rsplit(".", 1)[0].strip()
    return stem[:100] or "名前未設定"


def attach_resume(applicant: Applicant, data: bytes, filename: str) -> str | None:
    """Store ``data`` as the applicant's résumé and reset their pipeline state; returns the replaced digest."""
    previous = applicant.resume_sha256
    applicant.resume_sha256 = save_resume(data)
    applicant.resume_filename = clean_filename(filename)
    applicant.resume_size = len(data)
    applicant.resume_pages = None
    applicant.status = "queued"
    applicant.failure_reason = applicant.failure_detail = None
    applicant.score = applicant.model_version = applicant.explanation = applicant.scored_at = None
    applicant.masked_tokens = None
    applicant.processing_attempts = 0
    applicant.processed_sha256 = None
    return previous if previous != applicant.resume_sha256 else None


def release_resume(sha256: str | None) -> None:
    """Delete a stored résumé once no applicant refers to it any more."""
    if not sha256:
        return
    users = db.session.scalar(select(func.count()).select_from(Applicant).where(Applicant.resume_sha256 == sha256))
    if not users:
        delete_resume(sha256)


def queue(applicant_ids: list[int]) -> None:
    """Queue processing; if the broker is down the applicants stay queued and the recovery job requeues them."""
    from ..tasks.ingest import enqueue_resume

    try:
        for applicant_id in applicant_ids:
            enqueue_resume(applicant_id)
    except BrokerError as exc:
        raise ApiError(503, "Stored, but the task queue is unavailable: processing starts when it is back") from exc
