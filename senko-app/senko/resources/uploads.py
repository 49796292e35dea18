"""Reading uploaded files from a multipart request: the HTTP side of uploads.

What a file must be (size, type) is checked by the domain (``senko.ingest.checks``), the same for
every way a file arrives; here only what HTTP knows: which form field, and reading no more than
the limit allows.
"""
from flask import current_app, request

from ..errors import ApiError
from ..extensions import limiter
from ..ingest.checks import check_size

FORM_TYPE = "multipart/form-data"


def _upload_rate() -> str:
    return current_app.config["SENKO_UPLOAD_RATE_LIMIT"]


def _not_multipart() -> bool:
    return request.mimetype != FORM_TYPE


# The limit of every route that takes files (per client address, SENKO_UPLOAD_RATE_LIMIT), on top of the write limit.
upload_limit = limiter.limit(_upload_rate, methods=["POST"], exempt_when=_not_multipart, override_defaults=False)


def require_form(field: str, what: str) -> None:
    """Answer 415 unless the request is multipart/form-data, naming the ``field`` that carries ``what``."""
    if request.mimetype != FORM_TYPE:
        raise ApiError(415, f"Send {what} as multipart/form-data with {field}")


def read_file(file, field: str, limit: int) -> bytes:
    """The bytes of an uploaded file, read up to ``limit`` + 1 (so an oversize file is never read whole).

    A missing file is a 400; size and emptiness are the caller's domain check.
    """
    if file is None or not file.filename:
        raise ApiError(400, f"Attach the file as the '{field}' file field")
    return file.stream.read(limit + 1)


def read_upload(file, field: str, limit: int) -> bytes:
    """The bytes of an uploaded file: missing 400, larger than ``limit`` 413, empty 422."""
    data = read_file(file, field, limit)
    check_size(data, file.filename, limit)
    return data


def resume_files(field: str) -> list[tuple[str, bytes]]:
    """``(filename, bytes)`` of every résumé in the form field ``field`` (each read up to the résumé limit)."""
    limit = current_app.config["SENKO_MAX_RESUME_BYTES"]
    return [(f.filename, read_file(f, field, limit)) for f in request.files.getlist(field) if f and f.filename]
