"""The HTTP face of senko-predict: thin views over the model holder and the contract.

The app factory puts the worker's ModelHolder in ``app.extensions["model_holder"]`` and a request
counter in ``app.extensions["predict_sequence"]``; the views read them from ``current_app``.
"""
import logging
import time

from flask import Blueprint, current_app, jsonify, request

from . import contract
from .holder import ModelHolder
from .metrics import observe_prediction
from .scoring import predict_batch

bp = Blueprint("predict", __name__)
log = logging.getLogger(__name__)


def error(status: int, message: str, **extra):
    """The one JSON error shape: ``{"message": ...}``."""
    response = jsonify(message=message, **extra)
    response.status_code = status
    return response


def holder() -> ModelHolder:
    """This worker's model holder."""
    return current_app.extensions["model_holder"]


def no_model():
    """503 ``model_loaded: false`` with the reason: the answer senko-app recognises as "no model"."""
    response = jsonify(contract.no_model_answer(holder().problem))
    response.status_code = contract.NO_MODEL_STATUS
    return response


@bp.get("/healthy")
def healthy():
    """Liveness."""
    return jsonify("healthy")


@bp.get("/ready")
def ready():
    """Readiness: a verified model is loaded."""
    model = holder().current
    if model is None:
        return no_model()
    return jsonify(status="ready", model_version=model.version)


@bp.get("/model")
def model_info():
    """Version, algorithm, training size, metrics and trained_at of the loaded model."""
    model = holder().current
    if model is None:
        return no_model()
    return jsonify(model.describe())


@bp.post("/predict")
def predict():
    """OK probabilities (and top contributing nouns) for a batch of noun lists."""
    documents = contract.parse_predict_request(request.get_json(silent=True), current_app.config["SENKO_PREDICT_MAX_DOCUMENTS"])
    model = holder().current  # one reference for the whole request, even if a swap happens meanwhile
    sequence = next(current_app.extensions["predict_sequence"])
    if model is None:
        return no_model()
    started = time.perf_counter()
    scored = predict_batch(model, documents, current_app.config["SENKO_EXPLAIN_TOP"])
    observe_prediction(len(documents), time.perf_counter() - started)
    # Counts and the version only: the nouns are résumé text and stay out of the log.
    log.info("predicted %d documents with %s in %.1f ms", len(documents), model.version, (time.perf_counter() - started) * 1000)
    response = jsonify(scored)
    # Order in which this worker picked its model: with threads, responses may arrive out of order.
    response.headers["X-Senko-Sequence"] = str(sequence)
    return response
