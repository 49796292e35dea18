"""senko-predict's settings, all from the environment."""
import os


def load(env=None) -> dict:
    """Config mapping for the predict service."""
    env = os.environ if env is None else env
    return {
        "SENKO_DATABASE_URL": env.get("SENKO_DATABASE_URL", "mysql+mysqldb://senko:senko@127.0.0.1:3306/senko?charset=utf8mb4"),
        "SENKO_MODEL_DIR": env.get("SENKO_MODEL_DIR", "var/data/models"),
        # How often each worker checks the registry for a newly activated model.
        "SENKO_PREDICT_POLL_SECONDS": float(env.get("SENKO_PREDICT_POLL_SECONDS", "2")),
        "SENKO_PREDICT_MAX_DOCUMENTS": int(env.get("SENKO_PREDICT_MAX_DOCUMENTS", "5000")),
        "SENKO_EXPLAIN_TOP": int(env.get("SENKO_EXPLAIN_TOP", "5")),
        "MAX_CONTENT_LENGTH": int(env.get("SENKO_PREDICT_MAX_BYTES", str(64 * 1024 * 1024))),
        # Errors to Sentry (optional: unset, nothing is sent); release = the git version unless SENKO_RELEASE.
        "SENTRY_DSN": env.get("SENTRY_DSN", ""),
        "SENKO_SENTRY_ENVIRONMENT": env.get("SENKO_SENTRY_ENVIRONMENT") or env.get("SENKO_ENV", "production"),
        "SENKO_RELEASE": env.get("SENKO_RELEASE", ""),
    }
