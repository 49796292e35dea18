"""Estimator factories: each returns an unfitted scikit-learn Pipeline over space-joined nouns.

The input of every model is an iterable of strings, each an applicant's nouns joined by single
spaces. The vectorizer is part of the pipeline and only scikit-learn classes are used, so the skops
file loads anywhere scikit-learn (same version) is installed. Researchers add their own factory with
``SENKO_MODEL_FACTORIES=name=package.module:function,...``; its fitted pipeline may hold only the
types of ``senko_predict.artifact.TRUSTED_TYPES`` (the classes below), else training is refused.
"""
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC


def noun_vectorizer() -> TfidfVectorizer:
    """TF-IDF over whitespace-separated nouns (kept as they are: no lower-casing, no re-tokenizing).

    Binary: a noun counts once however often it appears, so repeating the words a model likes (score
    stuffing) gains nothing over naming them once.
    """
    return TfidfVectorizer(token_pattern=r"\S+", lowercase=False, binary=True, min_df=2)


def linear_svm() -> Pipeline:
    """TF-IDF → linear SVM with sigmoid-calibrated probabilities (the default)."""
    svm = LinearSVC(C=0.5, class_weight="balanced")
    return Pipeline([("tfidf", noun_vectorizer()), ("clf", CalibratedClassifierCV(svm, method="sigmoid", cv=3))])


def logistic_regression() -> Pipeline:
    """TF-IDF → logistic regression (probabilities by construction)."""
    return Pipeline([("tfidf", noun_vectorizer()), ("clf", LogisticRegression(C=2.0, class_weight="balanced", max_iter=2000))])
