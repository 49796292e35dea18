"""One batch of ``/predict``: the loaded model's answer, checked before it is sent."""
import math

from .contract import ContractError, PredictResponse, predict_response

NON_FINITE_MESSAGE = "The model returned a non-finite probability"


def predict_batch(model, documents: list[list[str]], top: int) -> PredictResponse:
    """OK probabilities and the ``top`` nouns each way for ``documents`` (noun lists), by ``model`` (a LoadedModel).

    Raises ContractError (500) when the model answers NaN or infinity: such an answer is never sent.
    """
    probabilities, explanations = model.predict(documents, top)
    if not all(math.isfinite(p) for p in probabilities):
        raise ContractError(500, NON_FINITE_MESSAGE)
    return predict_response(model.version, probabilities, explanations)
