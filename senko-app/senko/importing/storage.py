"""Uploaded spreadsheets, stored by content until their import is finished: ``<data dir>/imports/ab/abcd….bin``."""
import hashlib
import os
import tempfile
from pathlib import Path

from flask import current_app

from ..exceptions import NotFound


def _path(sha256: str) -> Path:
    if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
        raise ValueError("not a sha256 hex digest")
    return Path(current_app.config["SENKO_DATA_DIR"]) / "imports" / sha256[:2] / f"{sha256}.bin"


def save(data: bytes) -> str:
    """Store ``data`` (atomically, once per content, readable by the worker's group) and return its sha256."""
    sha256 = hashlib.sha256(data).hexdigest()
    path = _path(sha256)
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


def load(sha256: str) -> bytes:
    """The stored file (``NotFound`` once it was released)."""
    try:
        return _path(sha256).read_bytes()
    except FileNotFoundError as exc:
        raise NotFound("The uploaded file is no longer stored: upload it again") from exc


def delete(sha256: str) -> None:
    """Remove the stored file (the caller checks that no unfinished import still needs it)."""
    try:
        _path(sha256).unlink()
    except FileNotFoundError:
        pass
