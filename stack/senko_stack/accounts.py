"""Who may do what in MariaDB and Redis: the shared account files filled in from the stack's settings.

``senko-db/accounts.sql`` (the database and its accounts: a migrator for the schema, a runtime
account for rows, senko-predict's read-only one) and ``senko-redis/users.acl`` (Redis users for the
app, the Celery broker and the stack's own admin) are the same files compose's containers fill in.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from pathlib import Path

from .config import MIGRATE_DB_USER, PREDICT_DB_USER, REDIS_USERS, ROOT

ACCOUNTS_SQL = ROOT / "senko-db/accounts.sql"
REDIS_ACL = ROOT / "senko-redis/users.acl"
PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


def accounts_sql(env: Mapping[str, str], host: str, template: Path = ACCOUNTS_SQL) -> str:
    """``senko-db/accounts.sql`` filled in from the stack's settings for accounts at ``host``."""
    names = {"DB_NAME": env["SENKO_DB_NAME"], "APP_USER": env["SENKO_DB_USER"], "PREDICT_USER": PREDICT_DB_USER,
             "MIGRATE_USER": MIGRATE_DB_USER, "HOST": host}
    for key, value in names.items():
        if not re.fullmatch(r"[A-Za-z0-9_.%-]+", value):
            raise ValueError(f"{key} {value!r}: only letters, digits and _ . % - are allowed")
    secrets = {"APP_PASSWORD": env["SENKO_DB_PASSWORD"], "PREDICT_PASSWORD": env["SENKO_PREDICT_DB_PASSWORD"],
               "MIGRATE_PASSWORD": env["SENKO_MIGRATE_DB_PASSWORD"]}
    # Inside '...': backslash and quote escaped, whatever the password holds.
    values = names | {k: v.replace("\\", "\\\\").replace("'", "''") for k, v in secrets.items()}
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], template.read_text())


def redis_acl(env: Mapping[str, str], template: Path = REDIS_ACL) -> str:
    """``senko-redis/users.acl`` filled in (the SHA-256 of each password; the default user's password
    random and thrown away) without its comment lines."""
    values = {f"{role.upper()}_PASSWORD_SHA256": hashlib.sha256(env[f"SENKO_REDIS_{role.upper()}_PASSWORD"].encode()).hexdigest()
              for role in REDIS_USERS}
    values["DEFAULT_PASSWORD_SHA256"] = secrets.token_hex(32)  # a "hash" nobody knows a password for
    lines = [line for line in template.read_text().splitlines() if line.strip() and not line.startswith("#")]
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], "\n".join(lines) + "\n")
