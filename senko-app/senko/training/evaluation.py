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
    }
