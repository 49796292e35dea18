"""The contract between senko-app and senko-predict: what a model reads and what ``POST /predict`` says.

Both services import this module: senko-app's trainer builds its training texts with
``document_text`` and its scoring client builds and checks ``/predict`` bodies with the functions
below; senko-predict turns the same nouns into the same texts and parses the same bodies. Changing
a rule here changes every score (a model trained on one text and asked about another drifts
silently), so change it only together with retraining, and keep it covered by
``tests/test_predict_contract.py``.

Standard library only: senko-app imports this module and nothing else of senko_predict.

The request is ``{"documents": [[noun, ...], ...]}``, one list of nouns per applicant, each noun
repeated as often as it occurs. The answer is ``{"model_version", "probabilities",
"explanations"}`` (see ``PredictResponse``), or 503 ``{"message", "model_loaded": false}`` when
no model is loaded.
"""
import math
from collections.abc import Hashable, Iterable, Sequence
from typing import Any, TypedDict, TypeVar

Key = TypeVar("Key", bound=Hashable)


class ContractError(ValueError):
    """A body that breaks the contract, with the HTTP status that says so and a message for a person."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


# --- what the model reads -------------------------------------------------------------------------

def document_text(nouns: Iterable[str]) -> str:
    """The model input for one applicant: nouns joined by single spaces, spaces inside a noun removed.

    ``["機械 学習", "Python", "Python"]`` → ``"機械学習 Python Python"``: a noun stays one token for a
    whitespace tokenizer, and a repeated noun counts as often as it is repeated.
    """
    return " ".join(noun.replace(" ", "") for noun in nouns)


def nouns_from_counts(pairs: Iterable[tuple[str, int]]) -> list[str]:
    """One applicant's document from stored ``(noun, count)`` pairs: each noun repeated ``count`` times, in order."""
    return [noun for noun, count in pairs for _ in range(count)]


def documents_from_counts(rows: Iterable[tuple[Key, str, int]]) -> dict[Key, list[str]]:
    """Documents of many applicants from ``(key, noun, count)`` rows (key: usually the applicant id).

    Rows of one key need not be adjacent; keys keep the order of their first row, nouns the order
    of their rows. A key appears only if it has a row.
    """
    documents: dict[Key, list[str]] = {}
    for key, noun, count in rows:
        documents.setdefault(key, []).extend([noun] * count)
    return documents


# --- POST /predict: the request ---------------------------------------------------------------------

REQUEST_SHAPE_MESSAGE = 'Send {"documents": [[noun, ...], ...]} with at least one document'
DOCUMENT_TYPE_MESSAGE = "Each document must be a list of strings (nouns)"


def predict_request(documents: Iterable[Iterable[str]]) -> dict:
    """The JSON body asking for the OK probabilities of ``documents`` (each a list of nouns, repeated by count)."""
    return {"documents": [list(document) for document in documents]}


def parse_predict_request(body: Any, max_documents: int) -> list[list[str]]:
    """The documents of a decoded ``/predict`` body, or ContractError.

    400 when the body is not ``{"documents": [...]}`` with at least one document, 413 when it holds
    more than ``max_documents``, 422 when a document is not a list of strings.
    """
    documents = body.get("documents") if isinstance(body, dict) else None
    if not isinstance(documents, list) or not documents:
        raise ContractError(400, REQUEST_SHAPE_MESSAGE)
    if len(documents) > max_documents:
        raise ContractError(413, f"At most {max_documents} documents per request")
    if not all(isinstance(d, list) and all(isinstance(n, str) for n in d) for d in documents):
        raise ContractError(422, DOCUMENT_TYPE_MESSAGE)
    return documents


# --- POST /predict: the answer ----------------------------------------------------------------------

class Explanation(TypedDict):
    """One noun that pushed a score: ``weight`` > 0 towards OK, < 0 towards NG."""

    noun: str
    weight: float


class PredictResponse(TypedDict):
    """A 200 answer: the model that answered, and per document its OK probability and explanation.

    ``probabilities[i]`` and ``explanations[i]`` belong to ``documents[i]`` of the request; an
    explanation is empty when the model cannot be explained (not a linear text pipeline).
    """

    model_version: str
    probabilities: list[float]
    explanations: list[list[Explanation]]


# The answer when no model is loaded: senko-app then leaves applicants unscored instead of failed.
NO_MODEL_STATUS = 503


def predict_response(model_version: str, probabilities: Sequence[float],
                     explanations: Sequence[Sequence[Explanation]]) -> PredictResponse:
    """The 200 answer as senko-predict sends it."""
    return {"model_version": model_version, "probabilities": list(probabilities),
            "explanations": [list(e) for e in explanations]}


def no_model_answer(problem: str) -> dict:
    """The body sent with ``NO_MODEL_STATUS`` when no verified model is loaded; ``problem`` says why."""
    return {"message": f"No model loaded: {problem}", "model_loaded": False}


def is_no_model_answer(status: int, body: Any) -> bool:
    """Whether a ``status`` and decoded ``body`` are the "no model loaded" answer (not an outage)."""
    return status == NO_MODEL_STATUS and isinstance(body, dict) and body.get("model_loaded") is False


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def parse_predict_response(data: Any, expected: int | None = None) -> PredictResponse:
    """Check a decoded 200 answer and return it typed, or raise ContractError (status 502: a bad answer).

    Refuses a missing or empty ``model_version``; ``probabilities`` that are not finite numbers in
    [0, 1]; ``explanations`` of another length or with items other than ``{"noun": str, "weight":
    number}``; and, when ``expected`` is given, an answer for another number of documents.
    """
    if not isinstance(data, dict):
        raise ContractError(502, "The answer is not a JSON object")
    missing = [k for k in PredictResponse.__annotations__ if k not in data]
    if missing:
        raise ContractError(502, f"The answer lacks {', '.join(missing)}")
    version, probabilities, explanations = data["model_version"], data["probabilities"], data["explanations"]
    if not isinstance(version, str) or not version:
        raise ContractError(502, "model_version must be a non-empty string")
    if not isinstance(probabilities, list) or not all(_is_number(p) and 0 <= p <= 1 for p in probabilities):
        raise ContractError(502, "probabilities must be a list of finite numbers between 0 and 1")
    if not isinstance(explanations, list) or len(explanations) != len(probabilities):
        raise ContractError(502, "explanations must be a list with one entry per probability")
    if expected is not None and len(probabilities) != expected:
        raise ContractError(502, f"{len(probabilities)} probabilities for {expected} documents")
    for explanation in explanations:
        if not isinstance(explanation, list) or not all(
            isinstance(item, dict) and isinstance(item.get("noun"), str) and _is_number(item.get("weight"))
            for item in explanation
        ):
            raise ContractError(502, 'each explanation must be a list of {"noun": str, "weight": number}')
    return {"model_version": version, "probabilities": [float(p) for p in probabilities], "explanations": explanations}
