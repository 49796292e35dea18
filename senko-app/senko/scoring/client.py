"""Small HTTP client of senko-predict, with timeouts and retries on connection errors.

The bodies it sends and the answers it accepts are those of ``senko_predict.contract``.
"""
from functools import lru_cache

import requests
from flask import current_app
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from senko_predict.contract import ContractError, PredictResponse, is_no_model_answer, parse_predict_response, predict_request
from senko_predict.logs import REQUEST_ID_HEADER, current_request_id

from ..exceptions import Unavailable


class PredictUnavailable(Unavailable):
    """senko-predict did not answer (down, timeout, 5xx, a malformed answer): try again later."""

    code = "predict_unavailable"


class NoModel(Unavailable):
    """senko-predict answers but has no active model: applicants stay unscored, not failed."""

    code = "no_model"


@lru_cache(maxsize=4)
def _session(retries: int) -> requests.Session:
    session = requests.Session()
    retry = Retry(total=retries, connect=retries, read=0, status=0, backoff_factor=0.2, allowed_methods=None)
    session.mount("http://", HTTPAdapter(max_retries=retry, pool_maxsize=4))
    return session


def predict(documents: list[list[str]]) -> PredictResponse:
    """OK probabilities for ``documents`` (each a list of nouns, repeated by count).

    Returns senko-predict's answer: ``model_version``, ``probabilities``, ``explanations``.
    Raises NoModel when no model is active and PredictUnavailable when the service cannot answer.
    """
    base = current_app.config["SENKO_PREDICT_URL"]
    if not base:
        raise NoModel("SENKO_PREDICT_URL is not set")
    try:
        response = _session(2).post(f"{base.rstrip('/')}/predict", json=predict_request(documents), headers=_headers(),
                                    timeout=current_app.config["SENKO_PREDICT_TIMEOUT"])
    except requests.RequestException as exc:
        raise PredictUnavailable(f"senko-predict unreachable: {type(exc).__name__}") from exc
    body = _json(response)
    if is_no_model_answer(response.status_code, body):
        raise NoModel(body.get("message", "no model"))
    if response.status_code >= 500:
        raise PredictUnavailable(f"senko-predict answered {response.status_code}")
    if response.status_code != 200:
        raise PredictUnavailable(f"senko-predict refused the request ({response.status_code}): {body.get('message')}")
    try:
        return parse_predict_response(body, expected=len(documents))
    except ContractError as exc:
        raise PredictUnavailable(f"senko-predict sent a malformed answer: {exc.message}") from exc


def _headers() -> dict:
    """The request id of the upload (or task) being scored, so senko-predict's log lines carry it too."""
    rid = current_request_id()
    return {REQUEST_ID_HEADER: rid} if rid else {}


def _json(response) -> dict:
    try:
        data = response.json()
        return data if isinstance(data, dict) else {}
    except ValueError:
        return {}
