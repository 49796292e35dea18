"""senko-app: the Senko API (Flask app factory)."""
import logging
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import alerts, api, cli, counts, errors, metrics, observability, settings
from .auth import tokens
from .extensions import cors, db, limiter, migrate, redis_store
from .tasks import celery_init_app

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app from the environment (``senko.settings``), overridden by ``test_config``."""
    app = Flask(__name__)
    app.config.from_mapping(settings.load())
    if test_config:
        app.config.from_mapping(test_config)
    if app.config["SENKO_TRUSTED_PROXIES"]:
        # Behind a load balancer: the client is the address the trusted proxies forwarded, not theirs.
        proxies = app.config["SENKO_TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    app.config["RESTFUL_JSON"] = {"ensure_ascii": False}
    app.json.ensure_ascii = False
    # JSON log lines with the request id (also on every response), Sentry when SENTRY_DSN is set.
    observability.init_app(app)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per job-board request is noise

    metrics.init_app(app)  # first: its timer starts before the other hooks (limiter, auth) run
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    redis_store.init_app(app)
    limiter.init_app(app)
    cors.init_app(
        app,
        origins=app.config["SENKO_CORS_ORIGINS"],
        allow_headers=["Authorization", "Content-Type"],
        expose_headers=["Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-Request-ID"],
        max_age=600,
    )
    tokens.init_app(app)
    counts.init_app(app)
    errors.init_app(app)
    api.init_app(app)
    cli.init_app(app)
    celery_init_app(app)
    alerts.init_app(app)
    return app
