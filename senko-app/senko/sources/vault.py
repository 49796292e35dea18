"""Secrets of job-board sources at rest: Fernet (AES-128-CBC + HMAC) with ``SENKO_SOURCES_KEY``.

The API accepts secrets (passwords, API keys) in a source's settings, stores them only encrypted,
and never returns or logs them.
"""
import json

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app

from ..exceptions import Invalid


def _fernet() -> Fernet:
    return Fernet(current_app.config["SENKO_SOURCES_KEY"].encode())


def encrypt(secrets: dict) -> str | None:
    """The encrypted form of ``secrets`` (None when there are none)."""
    if not secrets:
        return None
    return _fernet().encrypt(json.dumps(secrets, ensure_ascii=False).encode()).decode()


def decrypt(token: str | None) -> dict:
    """The secrets stored as ``token`` (``Invalid`` when the key changed since they were stored)."""
    if not token:
        return {}
    try:
        return json.loads(_fernet().decrypt(token.encode()))
    except InvalidToken:
        raise Invalid("The source's secrets cannot be decrypted with the current SENKO_SOURCES_KEY: "
                      "enter the password or API key again") from None
