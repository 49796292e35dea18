"""Uploaded spreadsheets, stored by content until their import is finished: ``<data dir>/imports/ab/abcd….bin``."""
from pathlib import Path

from flask import current_app

from ..exceptions import NotFound
from ..ingest.storage import digest_path, store_once


def _root() -> Path:
    return Path(current_app.config["SENKO_DATA_DIR"]) / "imports"


def _path(sha256: str) -> Path:
    return digest_path(_root(), sha256, ".bin")


def save(data: bytes) -> str:
    """Store ``data`` (atomically, once per content, readable by the worker's group) and return its sha256."""
    return store_once(_root(), ".bin", data)


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
