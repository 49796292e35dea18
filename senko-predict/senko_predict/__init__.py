"""senko-predict: the scoring sidecar (Flask app factory)."""
import itertools
import logging
import math
import os
from pathlib import Path

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from . import settings
from .holder import ModelHolder
from .registry import Registry


def error(status: int, message: str, **extra):
    """The one JSON error shape: ``{"message": ...}``."""
    response = jsonify(message=message, **extra)
    response.status_code = status
    return response


def create_app(test_config: dict | None = None, registry=None) -> Flask:
    """Build the service; loads the active model once (per worker) and starts watching the registry."""
    app = Flask(__name__)
    app.config.from_mapping(settings.load())
    if test_config:
        app.config.from_mapping(test_config)
    app.json.ensure_ascii = False
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    holder = ModelHolder(
        registry=registry or Registry(app.config["SENKO_DATABASE_URL"]),
        model_dir=Path(app.config["SENKO_MODEL_DIR"]),
        poll_seconds=app.config["SENKO_PREDICT_POLL_SECONDS"],
    )
    holder.start()
    app.extensions["model_holder"] = holder

    picks = itertools.count()

    def no_model():
        return error(503, f"No model loaded: {holder.problem}", model_loaded=False)

    @app.get("/healthy")
    def healthy():
        """Liveness."""
        return jsonify("healthy")

    @app.get("/ready")
    def ready():
        """Readiness: a verified model is loaded."""
        model = holder.current
        if model is None:
            return no_model()
        return jsonify(status="ready", model_version=model.version)

    @app.get("/model")
    def model_info():
        """Version, algorithm, training size, metrics and trained_at of the loaded model."""
        model = holder.current
        if model is None:
            return no_model()
        info = dict(model.info)
        info["trained_at"] = info["trained_at"].isoformat() + "Z" if info.get("trained_at") else None
        info["loaded_in_seconds"] = round(model.load_seconds, 4)
        return jsonify(info)

    @app.post("/predict")
    def predict():
        """OK probabilities (and top contributing nouns) for a batch of noun lists."""
        body = request.get_json(silent=True)
        documents = body.get("documents") if isinstance(body, dict) else None
        if not isinstance(documents, list) or not documents:
            return error(400, 'Send {"documents": [[noun, ...], ...]} with at least one document')
        if len(documents) > app.config["SENKO_PREDICT_MAX_DOCUMENTS"]:
            return error(413, f"At most {app.config['SENKO_PREDICT_MAX_DOCUMENTS']} documents per request")
        if not all(isinstance(d, list) and all(isinstance(n, str) for n in d) for d in documents):
            return error(422, "Each document must be a list of strings (nouns)")
        model = holder.current  # one reference for the whole request, even if a swap happens meanwhile
        sequence = next(picks)
        if model is None:
            return no_model()
        texts = [" ".join(n.replace(" ", "") for n in doc) for doc in documents]
        probabilities, explanations = model.predict(texts, app.config["SENKO_EXPLAIN_TOP"])
        if not all(math.isfinite(p) for p in probabilities):
            return error(500, "The model returned a non-finite probability")
        response = jsonify(model_version=model.version, probabilities=probabilities, explanations=explanations)
        # Order in which this worker picked its model: with threads, responses may arrive out of order.
        response.headers["X-Senko-Sequence"] = str(sequence)
        return response

    @app.after_request
    def worker_header(response):
        # Which worker answered: lets tests check that each worker's versions only move forward.
        response.headers["X-Senko-Worker"] = str(os.getpid())
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc):
        return error(exc.code or 500, exc.description or exc.name)

    @app.errorhandler(Exception)
    def unexpected(exc):
        app.logger.exception("unhandled error")
        return error(500, "Internal error")

    return app
