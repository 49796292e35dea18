"""Model evaluation on a held-out set: the numbers stored with every model.

scikit-learn is imported inside the functions: importing it costs ~1 s, and the web workers that
import this module (through the registry) only need it when a model is trained or imported.
"""
import numpy as np


def holdout_split(texts: list[str], labels: list[int]):
    """A stratified 75/25 split, the same every time: ``train_x, test_x, train_y, test_y``."""
    from sklearn.model_selection import train_test_split

    return train_test_split(texts, labels, test_size=0.25, stratify=labels, random_state=42)


def evaluate(labels: list[int], probabilities, threshold: float) -> dict:
    """ROC AUC, accuracy, precision/recall/F1 at ``threshold``, Brier score, calibration and confusion matrix."""
    from sklearn.calibration import calibration_curve
    from sklearn.metrics import (
        accuracy_score,
        brier_score_loss,
        confusion_matrix,
        f1_score,
        precision_score,
        recall_score,
        roc_auc_score,
    )

    y = np.asarray(labels)
    p = np.asarray(probabilities, dtype=float)
    predicted = (p >= threshold).astype(int)
    tn, fp, fn, tp = confusion_matrix(y, predicted, labels=[0, 1]).ravel()
    fraction, mean_predicted = calibration_curve(y, p, n_bins=5, strategy="quantile")
    return {
        "roc_auc": round(float(roc_auc_score(y, p)), 4) if len(set(y)) == 2 else None,
        "accuracy": round(float(accuracy_score(y, predicted)), 4),
        "threshold": threshold,
        "precision": round(float(precision_score(y, predicted, zero_division=0)), 4),
        "recall": round(float(recall_score(y, predicted, zero_division=0)), 4),
        "f1": round(float(f1_score(y, predicted, zero_division=0)), 4),
        "brier": round(float(brier_score_loss(y, p)), 4),
        "calibration": [{"mean_predicted": round(float(m), 3), "fraction_ok": round(float(f), 3)}
                        for m, f in zip(mean_predicted, fraction, strict=True)],
        "confusion_matrix": {"tp": int(tp), "fp": int(fp), "tn": int(tn), "fn": int(fn)},
        "holdout_size": int(len(y)),
        **curves(y, p),
    }


def curves(y, p, points: int = 60) -> dict:
    """The hold-out curves the model charts draw: ROC (at most ``points`` points) and precision/recall per threshold.

    ``threshold_curve`` has thresholds 0, 0.05, ..., 1; precision is None where nothing reaches the threshold.
    """
    from sklearn.metrics import roc_curve

    roc = []
    if len(set(y)) == 2:
        fpr, tpr, _ = roc_curve(y, p)
        keep = sorted({round(i * (len(fpr) - 1) / (points - 1)) for i in range(points)}) if len(fpr) > points else range(len(fpr))
        roc = [{"fpr": round(float(fpr[i]), 4), "tpr": round(float(tpr[i]), 4)} for i in keep]
    by_threshold = []
    for step in range(21):
        cut = step / 20
        predicted = p >= cut
        tp = int(np.sum(predicted & (y == 1)))
        chosen, positives = int(np.sum(predicted)), int(np.sum(y == 1))
        by_threshold.append({"threshold": cut, "precision": round(tp / chosen, 4) if chosen else None,
                             "recall": round(tp / positives, 4) if positives else None})
    return {"roc_curve": roc, "threshold_curve": by_threshold}


BOOTSTRAP = 1000
FOLDS = 5


def _aucs(y, p):
    """ROC AUC of every row of ``y``/``p`` (2-D) by ranks (Mann–Whitney U, ties averaged); NaN for one-class rows."""
    from scipy.stats import rankdata

    positives = np.sum(y == 1, axis=1)
    negatives = y.shape[1] - positives
    ranks = rankdata(p, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (np.sum(np.where(y == 1, ranks, 0), axis=1) - positives * (positives + 1) / 2) / (positives * negatives)


def _interval(values) -> list[float]:
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    return [round(float(np.percentile(values, 2.5)), 4), round(float(np.percentile(values, 97.5)), 4)]


def bootstrap_intervals(labels, probabilities, threshold: float, resamples: int = BOOTSTRAP, seed: int = 42) -> dict:
    """95 % percentile-bootstrap intervals of AUC, accuracy, precision, recall, F1 and Brier: ``{metric: [low, high]}``.

    Resamples of the applicants (with replacement, a fixed seed, so the same data gives the same interval);
    a resample with one class only is left out of the AUC's.
    """
    y, p = np.asarray(labels), np.asarray(probabilities, dtype=float)
    idx = np.random.default_rng(seed).integers(0, len(y), (resamples, len(y)))
    ys, ps = y[idx], p[idx]
    chosen, positive = ps >= threshold, ys == 1
    tp = np.sum(chosen & positive, axis=1)
    fp = np.sum(chosen & ~positive, axis=1)
    fn = np.sum(~chosen & positive, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        metrics = {
            "roc_auc": _aucs(ys, ps),
            "accuracy": np.mean(chosen == positive, axis=1),
            "precision": np.where(tp + fp > 0, tp / (tp + fp), 0.0),
            "recall": np.where(tp + fn > 0, tp / (tp + fn), 0.0),
            "f1": np.where(tp + fp + fn > 0, 2 * tp / (2 * tp + fp + fn), 0.0),
            "brier": np.mean((ps - ys) ** 2, axis=1),
        }
    return {name: _interval(values) for name, values in metrics.items()}


def paired_auc_difference(labels, first, second, resamples: int = BOOTSTRAP, seed: int = 42) -> dict | None:
    """AUC(first) − AUC(second) on the same applicants, with a 95 % paired-bootstrap interval (None: one class)."""
    y, a, b = np.asarray(labels), np.asarray(first, dtype=float), np.asarray(second, dtype=float)
    if len(set(y.tolist())) < 2:
        return None
    idx = np.random.default_rng(seed).integers(0, len(y), (resamples, len(y)))
    diffs = _aucs(y[idx], a[idx]) - _aucs(y[idx], b[idx])
    value = _aucs(y[None, :], a[None, :])[0] - _aucs(y[None, :], b[None, :])[0]
    return {"value": round(float(value), 4), **dict(zip(("low", "high"), _interval(diffs), strict=True))}


def cross_validated(make, texts: list[str], labels: list[int], folds: int = FOLDS):
    """Out-of-fold probabilities of a stratified ``folds``-fold cross-validation of the procedure ``make()``,
    and each fold's AUC: an estimate for the model refit on all the data."""
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold

    x, y = np.asarray(texts, dtype=object), np.asarray(labels)
    folds = max(2, min(folds, int(np.bincount(y).min())))
    oof = np.zeros(len(y))
    aucs = []
    for train, test in StratifiedKFold(n_splits=folds, shuffle=True, random_state=42).split(x, y):
        estimator = make()
        estimator.fit(list(x[train]), y[train])
        oof[test] = estimator.predict_proba(list(x[test]))[:, 1]
        aucs.append(round(float(roc_auc_score(y[test], oof[test])), 4) if len(set(y[test].tolist())) == 2 else None)
    return oof, aucs
