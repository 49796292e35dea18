"""The hold-out curves stored with a model for its charts: ROC and precision/recall per threshold."""
import numpy as np


def test_curves_agree_with_the_metrics_at_the_threshold():
    """The curve's point at the threshold is the stored precision/recall; ROC runs (0,0) → (1,1) in ≤ 60 points."""
    from senko.training.evaluation import evaluate

    rng = np.random.default_rng(7)
    labels = [int(v) for v in rng.integers(0, 2, 400)]
    probabilities = rng.random(400) * 0.6 + np.array(labels) * 0.35
    metrics = evaluate(labels, probabilities, 0.65)
    roc = metrics["roc_curve"]
    assert 2 <= len(roc) <= 60 and roc[0] == {"fpr": 0.0, "tpr": 0.0} and roc[-1] == {"fpr": 1.0, "tpr": 1.0}
    assert all(a["fpr"] <= b["fpr"] and a["tpr"] <= b["tpr"] for a, b in zip(roc, roc[1:], strict=False))
    curve = metrics["threshold_curve"]
    assert [point["threshold"] for point in curve] == [step / 20 for step in range(21)]
    at = next(point for point in curve if point["threshold"] == 0.65)
    assert (at["precision"], at["recall"]) == (metrics["precision"], metrics["recall"])
    assert curve[0]["recall"] == 1.0 and curve[-1]["precision"] in (None, 1.0)


def test_one_class_has_no_roc():
    """A hold-out set with one class only has no ROC curve (and no AUC) but still a threshold curve."""
    from senko.training.evaluation import curves

    result = curves(np.array([1, 1, 1]), np.array([0.2, 0.7, 0.9]))
    assert result["roc_curve"] == []
    assert result["threshold_curve"][10] == {"threshold": 0.5, "precision": 1.0, "recall": 0.6667}
