"""Content-addressed store for résumé PDFs: ``<data dir>/resumes/ab/abcdef....pdf`` named by sha256."""
import hashlib
import os
import tempfile
from pathlib import Path

from flask import current_app


def resume_root() -> Path:
    """Folder holding the résumés (``SENKO_DATA_DIR/resumes``)."""
    return Path(current_app.config["SENKO_DATA_DIR"]) / "resumes"


def digest_path(root: Path, sha256: str, suffix: str) -> Path:
    """``root/ab/abcd….suffix`` for a sha256 hex digest (anything else is refused: no path from outside)."""
    if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
        raise ValueError("not a sha256 hex digest")
    return root / sha256[:2] / f"{sha256}{suffix}"


def resume_path(sha256: str) -> Path:
    """Where the résumé with this digest lives."""
    return digest_path(resume_root(), sha256, ".pdf")


def store_once(root: Path, suffix: str, data: bytes) -> str:
    """Store ``data`` under its digest in ``root`` (atomically, once per content, group-readable); returns the sha256."""
    sha256 = hashlib.sha256(data).hexdigest()
    path = digest_path(root, sha256, suffix)
    if path.exists():
        return sha256
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o640)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return sha256


def save_resume(data: bytes) -> str:
    """Store ``data`` (atomically, once per content) and return its sha256."""
    return store_once(resume_root(), ".pdf", data)


def delete_resume(sha256: str) -> bool:
    """Remove the stored file; True when something was deleted."""
    try:
        resume_path(sha256).unlink()
        return True
    except FileNotFoundError:
        return False
