"""Every setting of senko-app, read from the environment in one place.

Each setting is one line reading one environment variable (documented in the README table and in
``.env.example``). ``load()`` is called by the app factory and by the Celery worker; nothing here
runs at import time.
"""
import base64
import binascii
import os
from datetime import timedelta

# Only outside production (where SENKO_SOURCES_KEY is required): a fixed key, so development and
# tests work without one. Anything encrypted with it is as good as plain text.
DEVELOPMENT_SOURCES_KEY = "ZGV2ZWxvcG1lbnQtb25seS1ub3QtYS1zZWNyZXQtISE="
WEAK_SECRETS = {"", "secret", "changeme", "change-me", "dev", "development", "senko"}


class SettingsError(RuntimeError):
    """Raised when the environment does not describe a safe configuration."""


def parse_boolean(value: str | None, default: bool = False) -> bool:
    """Read ``1/true/yes/on`` (any case) as True and ``0/false/no/off`` as False."""
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"not a boolean: {value!r}")


def parse_int(value: str | None, default: int) -> int:
    """Read an integer setting, falling back to ``default`` when unset."""
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise SettingsError(f"not an integer: {value!r}") from exc


def parse_float(value: str | None, default: float) -> float:
    """Read a decimal setting, falling back to ``default`` when unset."""
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise SettingsError(f"not a number: {value!r}") from exc


def parse_list(value: str | None, default: list[str]) -> list[str]:
    """Read a comma-separated list, dropping blanks."""
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def parse_mapping(value: str | None, default: dict) -> dict:
    """Read ``name=value,name=value`` pairs; the entries extend (or override) ``default``."""
    mapping = dict(default)
    for item in parse_list(value, []):
        name, sep, target = item.partition("=")
        if not sep or not name.strip() or not target.strip():
            raise SettingsError(f"expected name=value, got {item!r}")
        mapping[name.strip()] = target.strip()
    return mapping


def _urlsafe_b64decode(value: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(value.encode())
    except (ValueError, binascii.Error):
        return b""


def _redis_db(url: str, number: int) -> str:
    """The same Redis server as ``url`` but database ``number``."""
    base, _, last = url.rpartition("/")
    return f"{base}/{number}" if base.startswith("redis") and last.isdigit() else url


def load(env=None) -> dict:
    """Build the Flask config mapping from ``env`` (default: ``os.environ``).

    Production (``SENKO_ENV=production``) refuses to start on a missing or weak JWT secret and on
    DEBUG; development gets local defaults that are never valid in production.
    """
    env = os.environ if env is None else env
    senko_env = env.get("SENKO_ENV", "development")
    if senko_env not in ("development", "production", "testing"):
        raise SettingsError(f"SENKO_ENV must be development, production or testing, not {senko_env!r}")
    production = senko_env == "production"
    debug = parse_boolean(env.get("SENKO_DEBUG"), False)

    secret = env.get("SENKO_JWT_SECRET", "")
    if production:
        if debug:
            raise SettingsError("SENKO_DEBUG must be off in production")
        if len(secret.encode()) < 32 or secret.lower() in WEAK_SECRETS:
            raise SettingsError("SENKO_JWT_SECRET must be set to a random value of at least 32 bytes in production")
        if not env.get("SENKO_DATABASE_URL"):
            raise SettingsError("SENKO_DATABASE_URL must be set in production")
    elif not secret:
        secret = "development-only-secret-not-for-production-use"

    sources_key = env.get("SENKO_SOURCES_KEY", "")
    if production and not sources_key:
        raise SettingsError("SENKO_SOURCES_KEY must be set in production (a Fernet key: 32 random bytes, url-safe base64)")
    if sources_key and len(_urlsafe_b64decode(sources_key)) != 32:
        raise SettingsError("SENKO_SOURCES_KEY must be 32 bytes in url-safe base64 (a Fernet key)")

    database_url = env.get("SENKO_DATABASE_URL", "mysql+mysqldb://senko:senko@127.0.0.1:3306/senko?charset=utf8mb4")
    redis_url = env.get("SENKO_REDIS_URL", "redis://127.0.0.1:6379/0")
    config = {
        "SENKO_ENV": senko_env,
        "DEBUG": debug,
        "TESTING": senko_env == "testing",
        # Flask-RESTful would turn flask-jwt-extended errors into 500s without this.
        "PROPAGATE_EXCEPTIONS": True,
        "SECRET_KEY": secret,
        "JWT_SECRET_KEY": secret,
        "JWT_ALGORITHM": "HS256",
        "JWT_DECODE_ALGORITHMS": ["HS256"],
        "JWT_TOKEN_LOCATION": ["headers"],
        "JWT_ACCESS_TOKEN_EXPIRES": timedelta(seconds=parse_int(env.get("SENKO_ACCESS_TOKEN_SECONDS"), 900)),
        "JWT_REFRESH_TOKEN_EXPIRES": timedelta(seconds=parse_int(env.get("SENKO_REFRESH_TOKEN_SECONDS"), 30 * 86400)),
        "SQLALCHEMY_DATABASE_URI": database_url,
        # The account migrations run with (DDL); the app itself never needs it. Single-account setups: the same URL.
        "SENKO_MIGRATE_DATABASE_URI": env.get("SENKO_MIGRATE_DATABASE_URL") or database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {
            "pool_pre_ping": True,
            "pool_recycle": parse_int(env.get("SENKO_DB_POOL_RECYCLE"), 280),
            # Every connection goes back through Connection.close(), which rolls back any open transaction
            # itself; the pool's own rollback-on-return would be a second ROLLBACK round trip per request
            # (the Session closes its transaction before the connection). Nothing here uses raw DBAPI
            # connections, the one case that reset protects.
            "pool_reset_on_return": None,
            "connect_args": {"connect_timeout": 5},
            # A database error's text never carries the statement's values (names, e-mails, phones) into
            # logs, tracebacks or Sentry.
            "hide_parameters": True,
        },
        "SENKO_REDIS_URL": redis_url,
        # The broker lives in its own Redis database so flushing app data never drops queued tasks.
        "SENKO_CELERY_BROKER_URL": env.get("SENKO_CELERY_BROKER_URL", _redis_db(redis_url, 1)),
        "RATELIMIT_STORAGE_URI": env.get("SENKO_RATELIMIT_STORAGE_URL", redis_url),
        "RATELIMIT_HEADERS_ENABLED": True,
        "SENKO_LOGIN_RATE_LIMIT": env.get("SENKO_LOGIN_RATE_LIMIT", "10 per minute"),
        # Per client address and route; reads (GET) are never rate-limited (issue 15).
        "SENKO_REFRESH_RATE_LIMIT": env.get("SENKO_REFRESH_RATE_LIMIT", "60 per minute"),
        "SENKO_UPLOAD_RATE_LIMIT": env.get("SENKO_UPLOAD_RATE_LIMIT", "120 per minute"),
        "SENKO_WRITE_RATE_LIMIT": env.get("SENKO_WRITE_RATE_LIMIT", "600 per minute"),
        "SENKO_LOGIN_FREE_FAILURES": parse_int(env.get("SENKO_LOGIN_FREE_FAILURES"), 5),
        "SENKO_LOGIN_DELAY_SECONDS": parse_float(env.get("SENKO_LOGIN_DELAY_SECONDS"), 2.0),
        "SENKO_LOGIN_DELAY_MAX_SECONDS": parse_int(env.get("SENKO_LOGIN_DELAY_MAX_SECONDS"), 900),
        # How many proxies in front of nginx set X-Forwarded-For (0: trust none, use the peer address).
        "SENKO_TRUSTED_PROXIES": parse_int(env.get("SENKO_TRUSTED_PROXIES"), 0),
        "SENKO_CORS_ORIGINS": parse_list(env.get("SENKO_CORS_ORIGINS"), ["http://localhost:8080", "http://127.0.0.1:8080"]),
        "SENKO_PAGE_LIMIT_MAX": parse_int(env.get("SENKO_PAGE_LIMIT_MAX"), 100),
        "SENKO_TRIAGE_THRESHOLD": parse_float(env.get("SENKO_TRIAGE_THRESHOLD"), 0.65),
        # Whole request (bulk uploads); each résumé is also held to SENKO_MAX_RESUME_BYTES.
        "MAX_CONTENT_LENGTH": parse_int(env.get("SENKO_MAX_REQUEST_BYTES"), 60 * 1024 * 1024),
        "MAX_FORM_MEMORY_SIZE": 1024 * 1024,
        "SENKO_MAX_RESUME_BYTES": parse_int(env.get("SENKO_MAX_RESUME_BYTES"), 10 * 1024 * 1024),
        # A spreadsheet/CSV uploaded to POST /imports (the file itself; its uncompressed size is the reader's limit).
        "SENKO_MAX_IMPORT_FILE_BYTES": parse_int(env.get("SENKO_MAX_IMPORT_FILE_BYTES"), 20 * 1024 * 1024),
        # The 神エクセル reader (senko.imports.Limits): an xlsx's uncompressed size and cell count (zip bombs are
        # refused before parsing), and the years an applied_at may plausibly fall in.
        "SENKO_IMPORT_MAX_BYTES": parse_int(env.get("SENKO_IMPORT_MAX_BYTES"), 200 * 1024 * 1024),
        "SENKO_IMPORT_MAX_CELLS": parse_int(env.get("SENKO_IMPORT_MAX_CELLS"), 2_000_000),
        "SENKO_IMPORT_MIN_YEAR": parse_int(env.get("SENKO_IMPORT_MIN_YEAR"), 2000),
        "SENKO_IMPORT_MAX_YEAR": parse_int(env.get("SENKO_IMPORT_MAX_YEAR"), 2030),
        "SENKO_BULK_MAX_FILES": parse_int(env.get("SENKO_BULK_MAX_FILES"), 50),
        "SENKO_DATA_DIR": env.get("SENKO_DATA_DIR", "var/data"),
        "SENKO_PDF_MAX_PAGES": parse_int(env.get("SENKO_PDF_MAX_PAGES"), 20),
        "SENKO_PDF_SOFT_TIME_LIMIT": parse_int(env.get("SENKO_PDF_SOFT_TIME_LIMIT"), 60),
        "SENKO_PDF_TIME_LIMIT": parse_int(env.get("SENKO_PDF_TIME_LIMIT"), 90),
        "SENKO_PDF_MAX_ATTEMPTS": parse_int(env.get("SENKO_PDF_MAX_ATTEMPTS"), 2),
        # Each PDF is read in a child process held to these (PDF bombs), and only text a reader sees counts.
        "SENKO_PDF_MEMORY_MB": parse_int(env.get("SENKO_PDF_MEMORY_MB"), 512),
        "SENKO_PDF_EXTRACT_SECONDS": parse_float(env.get("SENKO_PDF_EXTRACT_SECONDS"), 30.0),
        "SENKO_PDF_MAX_DECODED_BYTES": parse_int(env.get("SENKO_PDF_MAX_DECODED_BYTES"), 64 * 1024 * 1024),
        "SENKO_PDF_MIN_TEXT_PT": parse_float(env.get("SENKO_PDF_MIN_TEXT_PT"), 4.0),
        "SENKO_STOPWORDS_FILE": env.get("SENKO_STOPWORDS_FILE", ""),
        "SENKO_EXTRA_STOPWORDS": parse_list(env.get("SENKO_EXTRA_STOPWORDS"), []),
        # School names are proxies for region and gender (README "Fairness"): dropped unless this is set.
        "SENKO_KEEP_SCHOOL_NAMES": parse_boolean(env.get("SENKO_KEEP_SCHOOL_NAMES"), False),
        "SENKO_PREDICT_URL": env.get("SENKO_PREDICT_URL", ""),
        "SENKO_PREDICT_TIMEOUT": parse_float(env.get("SENKO_PREDICT_TIMEOUT"), 5.0),
        "SENKO_SCORE_RETRIES": parse_int(env.get("SENKO_SCORE_RETRIES"), 3),
        "SENKO_SCORE_RETRY_BACKOFF": parse_int(env.get("SENKO_SCORE_RETRY_BACKOFF"), 2),
        "SENKO_RESCORE_INTERVAL": parse_int(env.get("SENKO_RESCORE_INTERVAL"), 600),
        "SENKO_MODEL_DIR": env.get("SENKO_MODEL_DIR", os.path.join(env.get("SENKO_DATA_DIR", "var/data"), "models")),
        "SENKO_MODEL_FACTORIES": parse_mapping(env.get("SENKO_MODEL_FACTORIES"), {
            "linear_svm": "senko.training.estimators:linear_svm",
            "logistic_regression": "senko.training.estimators:logistic_regression",
        }),
        "SENKO_MODEL_DEFAULT": env.get("SENKO_MODEL_DEFAULT", "linear_svm"),
        "SENKO_TRAIN_MIN_PER_CLASS": parse_int(env.get("SENKO_TRAIN_MIN_PER_CLASS"), 20),
        "SENKO_MAX_MODEL_BYTES": parse_int(env.get("SENKO_MAX_MODEL_BYTES"), 50 * 1024 * 1024),
        "SENKO_RETRAIN_MIN_NEW_DECISIONS": parse_int(env.get("SENKO_RETRAIN_MIN_NEW_DECISIONS"), 20),
        "SENKO_RETRAIN_HOUR": parse_int(env.get("SENKO_RETRAIN_HOUR"), 3),
        # Adverse-impact report: a four-fifths warning needs at least this many people in both groups.
        "SENKO_FAIRNESS_MIN_GROUP": parse_int(env.get("SENKO_FAIRNESS_MIN_GROUP"), 30),
        # Shadow scoring: a candidate scores applicants added or decided within this many days (and newer ones).
        "SENKO_SHADOW_DAYS": parse_int(env.get("SENKO_SHADOW_DAYS"), 30),
        "SENKO_RESCORE_BATCH": parse_int(env.get("SENKO_RESCORE_BATCH"), 200),
        # Bulk jobs (rescore, retokenize): applicants per chunk (one task each), how long a worker's claim on a
        # chunk lasts before another may take it over, retries while senko-predict is down; the delay is for tests.
        "SENKO_BULK_CHUNK_SIZE": parse_int(env.get("SENKO_BULK_CHUNK_SIZE"), 500),
        "SENKO_BULK_LEASE_SECONDS": parse_int(env.get("SENKO_BULK_LEASE_SECONDS"), 900),
        "SENKO_BULK_RETRIES": parse_int(env.get("SENKO_BULK_RETRIES"), 30),
        "SENKO_BULK_CHUNK_DELAY": parse_float(env.get("SENKO_BULK_CHUNK_DELAY"), 0.0),
        # A task a dead worker held goes back to the queue after this many seconds (checked every RESTORE_INTERVAL).
        "SENKO_CELERY_VISIBILITY_TIMEOUT": parse_int(env.get("SENKO_CELERY_VISIBILITY_TIMEOUT"), 3600),
        "SENKO_CELERY_RESTORE_INTERVAL": parse_int(env.get("SENKO_CELERY_RESTORE_INTERVAL"), 10),
        # Applicants expire this many months after the decision (undecided: after being added); 0 keeps them forever.
        "SENKO_RETENTION_MONTHS": parse_int(env.get("SENKO_RETENTION_MONTHS"), 12),
        "SENKO_RETENTION_HOUR": parse_int(env.get("SENKO_RETENTION_HOUR"), 2),
        "SENKO_BACKUP_DIR": env.get("SENKO_BACKUP_DIR", "var/backups"),
        # Beat writes a heartbeat each tick; `flask health beat` calls it stale after this many seconds.
        "SENKO_BEAT_STALE_SECONDS": parse_int(env.get("SENKO_BEAT_STALE_SECONDS"), 180),
        # Job-board sources (媒体連携): secrets at rest, the SSRF allow list seed, politeness and caps.
        "SENKO_SOURCES_KEY": sources_key or DEVELOPMENT_SOURCES_KEY,
        "SENKO_SOURCES_ALLOW_LIST": parse_list(env.get("SENKO_SOURCES_ALLOW_LIST"), []),
        "SENKO_SOURCES_SCHEDULE": parse_list(env.get("SENKO_SOURCES_SCHEDULE"), ["07:30", "11:30", "15:30", "19:30"]),
        "SENKO_SOURCES_LOOKBACK_DAYS": parse_int(env.get("SENKO_SOURCES_LOOKBACK_DAYS"), 30),
        "SENKO_SOURCES_TIMEOUT": parse_float(env.get("SENKO_SOURCES_TIMEOUT"), 15.0),
        "SENKO_SOURCES_MAX_BYTES": parse_int(env.get("SENKO_SOURCES_MAX_BYTES"), 20 * 1024 * 1024),
        "SENKO_SOURCES_MAX_REDIRECTS": parse_int(env.get("SENKO_SOURCES_MAX_REDIRECTS"), 5),
        "SENKO_SOURCES_USER_AGENT": env.get("SENKO_SOURCES_USER_AGENT", "Senko/1.0 (job-board sync)"),
        "SENKO_SOURCES_DISPATCH_INTERVAL": parse_int(env.get("SENKO_SOURCES_DISPATCH_INTERVAL"), 60),
        # Errors to Sentry (optional: unset, nothing is sent); release = the git version unless SENKO_RELEASE.
        "SENTRY_DSN": env.get("SENTRY_DSN", ""),
        "SENKO_SENTRY_ENVIRONMENT": env.get("SENKO_SENTRY_ENVIRONMENT") or senko_env,
        "SENKO_RELEASE": env.get("SENKO_RELEASE", ""),
        # Alerts to chat (optional): a Slack-compatible incoming webhook, retried with backoff off the work's path.
        "SENKO_ALERT_WEBHOOK_URL": env.get("SENKO_ALERT_WEBHOOK_URL", ""),
        "SENKO_ALERT_RETRIES": parse_int(env.get("SENKO_ALERT_RETRIES"), 5),
        "SENKO_ALERT_RETRY_BACKOFF": parse_int(env.get("SENKO_ALERT_RETRY_BACKOFF"), 5),
        "SENKO_ALERT_QUEUE_THRESHOLD": parse_int(env.get("SENKO_ALERT_QUEUE_THRESHOLD"), 500),
        "SENKO_ALERT_QUEUE_EVERY_MINUTES": parse_int(env.get("SENKO_ALERT_QUEUE_EVERY_MINUTES"), 30),
        "SENKO_ALERT_QUEUE_CHECK_SECONDS": parse_int(env.get("SENKO_ALERT_QUEUE_CHECK_SECONDS"), 60),
        "SENKO_PASSWORD_MIN": 12,
        "SENKO_PASSWORD_MAX": 1024,
    }
    return config
