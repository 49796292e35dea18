"""senko-predict's app factory: settings, the model holder, the routes and the error handlers."""
import itertools
import os
from pathlib import Path

from flask import Flask
from werkzeug.exceptions import HTTPException

from . import errortracking, logs, metrics, settings
from .contract import ContractError
from .holder import ModelHolder
from .registry import Registry
from .routes import bp, error


def create_app(test_config: dict | None = None, registry=None) -> Flask:
    """Build the service; loads the active model once (per worker) and starts watching the registry.

    ``registry`` replaces the database registry (tests): any object whose ``active()`` returns the
    active model's row or None.
    """
    app = Flask(__name__)
    app.config.from_mapping(settings.load())
    if test_config:
        app.config.from_mapping(test_config)
    app.json.ensure_ascii = False
    logs.configure()
    errortracking.init(app.config["SENTRY_DSN"], app.config["SENKO_SENTRY_ENVIRONMENT"], app.config["SENKO_RELEASE"])
    logs.init_flask(app)
    holder = ModelHolder(
        registry=registry or Registry(app.config["SENKO_DATABASE_URL"]),
        model_dir=Path(app.config["SENKO_MODEL_DIR"]),
        poll_seconds=app.config["SENKO_PREDICT_POLL_SECONDS"],
    )
    holder.start()
    app.extensions["model_holder"] = holder
    app.extensions["predict_sequence"] = itertools.count()
    metrics.init_app(app)
    app.register_blueprint(bp)

    @app.after_request
    def worker_header(response):
        # Which worker answered: lets tests check that each worker's versions only move forward.
        response.headers["X-Senko-Worker"] = str(os.getpid())
        return response

    @app.errorhandler(ContractError)
    def contract_error(exc):
        return error(exc.status, exc.message)

    @app.errorhandler(HTTPException)
    def http_error(exc):
        return error(exc.code or 500, exc.description or exc.name)

    @app.errorhandler(Exception)
    def unexpected(exc):
        app.logger.exception("unhandled error")
        return error(500, "Internal error")

    return app
