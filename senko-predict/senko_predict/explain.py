"""Which nouns pushed a linear model's score up or down."""
import numpy as np

from .contract import Explanation


def linear_weights(pipeline):
    """(vectorizer, coefficient vector) of a two-step text pipeline ending in a linear model, else (None, None).

    Works for LogisticRegression, LinearSVC and CalibratedClassifierCV around either (coefficients
    averaged over the calibration folds).
    """
    steps = getattr(pipeline, "steps", None)
    if not steps or len(steps) != 2:
        return None, None
    vectorizer, estimator = steps[0][1], steps[-1][1]
    if not hasattr(vectorizer, "get_feature_names_out"):
        return None, None
    if hasattr(estimator, "coef_"):
        coef = np.asarray(estimator.coef_)
    elif hasattr(estimator, "calibrated_classifiers_"):
        coefs = [np.asarray(c.estimator.coef_) for c in estimator.calibrated_classifiers_ if hasattr(c.estimator, "coef_")]
        if not coefs:
            return None, None
        coef = np.mean(coefs, axis=0)
    else:
        return None, None
    return vectorizer, coef.ravel()


def explain(names, coef, matrix, top: int) -> list[list[Explanation]]:
    """For each row of the TF-IDF ``matrix``, the ``top`` nouns with the largest positive and negative contribution."""
    matrix = matrix.tocsr()
    result = []
    for row in range(matrix.shape[0]):
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        columns, values = matrix.indices[start:end], matrix.data[start:end]
        contributions = values * coef[columns]
        order = np.argsort(contributions)
        positive = [i for i in order[::-1][:top] if contributions[i] > 0]
        negative = [i for i in order[:top] if contributions[i] < 0]
        result.append([{"noun": str(names[columns[i]]), "weight": round(float(contributions[i]), 4)}
                       for i in positive + negative])
    return result
