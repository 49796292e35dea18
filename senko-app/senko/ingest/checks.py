"""Checks every résumé passes before anything is stored, whoever brings it (upload, job board, import).

Size first, then content: the type is decided by the file's first bytes, never by its name or a
Content-Type header.
"""
from ..exceptions import Invalid, TooLarge, Unsupported

PDF_MAGIC = b"%PDF-"
MB = 1024 * 1024


def check_size(data: bytes, filename: str, limit: int) -> None:
    """Refuse content over ``limit`` bytes (``TooLarge``) and empty content (``Invalid``)."""
    if len(data) > limit:
        raise TooLarge(f"{filename}: larger than {limit // MB} MB")
    if not data:
        raise Invalid(f"{filename}: the file is empty")


def is_pdf(data: bytes) -> bool:
    """True when the content starts with ``%PDF-`` (after optional blanks, as some generators write)."""
    return data.lstrip(b"\x00\t\n\r\f ")[:5] == PDF_MAGIC


def check_resume(data: bytes, filename: str, limit: int) -> None:
    """A résumé must be a non-empty PDF of at most ``limit`` bytes (``TooLarge``, ``Invalid``, ``Unsupported``)."""
    check_size(data, filename, limit)
    if not is_pdf(data):
        raise Unsupported(f"{filename}: not a PDF (the content does not start with %PDF-)")
