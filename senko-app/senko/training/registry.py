"""Registry operations: train, import or export a model, activate it, roll back. Artifacts live on disk, rows in MySQL.

Artifacts are skops files (``senko_predict.artifact``): loading one never runs code, and only the
types of Senko's own pipelines are accepted. Pickles from earlier versions are converted by
``training.legacy``; nothing here unpickles.
"""
import hashlib
import importlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
from flask import current_app

from senko_predict import artifact

from .. import queue
from ..exceptions import CardNotAcknowledged, Conflict, Invalid, NotFound, Unavailable, Unsupported
from ..extensions import db
from ..models import MlModel, record_event
from ..models.mixins import utcnow
from . import governance
from .dataset import label_counts, labelled_documents
from .evaluation import evaluate, holdout_split

STAGES = ("load data", "fit on training split", "evaluate on hold-out", "refit on all data", "save")


def factories() -> dict[str, str]:
    """Configured estimator factories: name → ``module:function``."""
    return dict(current_app.config["SENKO_MODEL_FACTORIES"])


def make_estimator(algorithm: str):
    """An unfitted pipeline from the factory registered as ``algorithm`` (unknown name → ``Invalid``)."""
    check_algorithm(algorithm)
    path = factories()[algorithm]
    module, _, function = path.partition(":")
    return getattr(importlib.import_module(module), function)()


def check_algorithm(algorithm: str) -> None:
    """Refuse an algorithm name that no configured factory has (``Invalid``)."""
    if algorithm not in factories():
        raise Invalid(f"Unknown algorithm {algorithm!r}; configured: {', '.join(factories())}")


def by_version(version: str) -> MlModel:
    """The model with this version, or ``NotFound``."""
    model = MlModel.by_version(version)
    if model is None:
        raise NotFound(f"Model {version} not found")
    return model


def require_enough_labels() -> dict:
    """Label counts, or ``Conflict`` when a class has fewer than the minimum."""
    counts = label_counts()
    minimum = current_app.config["SENKO_TRAIN_MIN_PER_CLASS"]
    if min(counts.values()) < minimum:
        raise Conflict(f"Not enough decisions to train: need at least {minimum} OK and {minimum} NG applicants "
                            f"with résumé nouns, have {counts['OK']} OK and {counts['NG']} NG")
    return counts


def model_dir() -> Path:
    """Folder of the model artifacts (shared with senko-predict)."""
    path = Path(current_app.config["SENKO_MODEL_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_artifact(filename: str, data: bytes) -> None:
    """Write ``data`` to the model folder as ``filename``, atomically (a reader sees the old file or the new one)."""
    target = model_dir() / filename
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".model-")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    # Like résumés: owner and group (senko-predict and the worker share the folder's group), nobody else.
    os.chmod(tmp, 0o640)
    os.replace(tmp, target)


def register(data: bytes, algorithm: str, source: str, params: dict, metrics: dict, training_size: int,
             user_id: int | None) -> MlModel:
    """Store the artifact and add a ``candidate`` row; the version is ``v<id>``."""
    model = MlModel(version=f"pending-{hashlib.sha256(data).hexdigest()[:16]}-{utcnow().timestamp()}",
                    algorithm=algorithm, source=source, params=params, metrics=metrics, training_size=training_size,
                    filename="", sha256=hashlib.sha256(data).hexdigest(), status="candidate", trained_at=utcnow(),
                    created_by_id=user_id)
    db.session.add(model)
    db.session.flush()
    model.version = f"v{model.id}"
    model.filename = f"{model.version}{artifact.SUFFIX}"
    write_artifact(model.filename, data)
    db.session.commit()
    return model


def train(algorithm: str | None = None, user_id: int | None = None, progress: Callable[[str], None] | None = None) -> MlModel:
    """Train, evaluate on a stratified hold-out, refit on everything and register a candidate."""
    step = progress or (lambda _stage: None)
    algorithm = algorithm or current_app.config["SENKO_MODEL_DEFAULT"]
    estimator = make_estimator(algorithm)
    counts = require_enough_labels()
    ids, texts, labels = labelled_documents()
    step(STAGES[0])
    train_x, test_x, train_y, test_y = holdout_split(texts, labels)
    estimator.fit(train_x, train_y)
    step(STAGES[1])
    probabilities = estimator.predict_proba(test_x)[:, 1]
    metrics = evaluate(test_y, probabilities, current_app.config["SENKO_TRIAGE_THRESHOLD"])
    metrics["class_balance"] = counts
    # Intervals, cross-validation, the active model on the same hold-out, group metrics (training.governance).
    metrics.update(governance.assess(make_estimator, algorithm, factories(), load_pipeline, ids, texts, labels,
                                     probabilities))
    step(STAGES[2])
    final = make_estimator(algorithm)
    final.fit(texts, labels)
    step(STAGES[3])
    params = {k: repr(v) for k, v in final.get_params(deep=False).items() if k != "steps"}
    params["factory"] = factories()[algorithm]
    try:
        data = artifact.dumps(final)
    except artifact.ArtifactRefused as exc:
        raise Invalid(f"The {algorithm} factory built a model Senko cannot store safely: {exc}") from None
    model = register(data, algorithm, "trained", params, metrics, len(labels), user_id)
    record_event("model_trained", f"モデル {model.version} を学習しました (AUC {metrics['roc_auc']})",
                 version=model.version, roc_auc=metrics["roc_auc"])
    db.session.commit()
    step(STAGES[4])
    return model


def load_upload(data: bytes):
    """The pipeline in uploaded skops ``data`` (``Unsupported``: not skops, e.g. a pickle; ``Invalid``: refused types)."""
    try:
        return artifact.loads(data)
    except artifact.NotSkops as exc:
        raise Unsupported(str(exc)) from None
    except artifact.ArtifactRefused as exc:
        raise Invalid(str(exc)) from None


def read_verified(model: MlModel) -> bytes:
    """The artifact bytes of ``model``, checked against its sha256 (``NotFound`` if missing, ``Conflict`` if changed)."""
    try:
        data = (model_dir() / model.filename).read_bytes()
    except OSError:
        raise NotFound(f"The file of model {model.version} ({model.filename}) is missing") from None
    if hashlib.sha256(data).hexdigest() != model.sha256:
        raise Conflict(f"The file of model {model.version} ({model.filename}) does not match its registry sha256 "
                       "(tampered or replaced)")
    return data


def export(model: MlModel) -> bytes:
    """The verified skops file of ``model`` (``Conflict`` for a legacy pickle: convert it first)."""
    if not model.filename.endswith(artifact.SUFFIX):
        raise Conflict(f"Model {model.version} is still a pickle from an earlier Senko: "
                       f"convert it with `{artifact.CONVERT_COMMAND}` first")
    return read_verified(model)


def import_model(data: bytes, algorithm: str, user_id: int | None) -> MlModel:
    """Register a skops model trained elsewhere after running it on the hold-out set.

    ``Unsupported`` for a pickle or any other non-skops file, ``Invalid`` for a skops file naming
    types outside the allow-list or a model that is unusable; nothing in a refused file runs.
    """
    pipeline = load_upload(data)
    if not hasattr(pipeline, "predict_proba"):
        raise Invalid(f"The model ({type(pipeline).__name__}) has no predict_proba: Senko needs probabilities")
    counts = label_counts()
    _ids, texts, labels = labelled_documents()
    enough = min(counts.values()) >= current_app.config["SENKO_TRAIN_MIN_PER_CLASS"]
    split = holdout_split(texts, labels) if enough else None
    sample = split[1] if split else ["経験 Python 設計", "営業 事務"]
    try:
        probabilities = np.asarray(pipeline.predict_proba(sample), dtype=float)
    except Exception as exc:
        raise Invalid("The model failed on Senko's input (an iterable of strings, nouns joined by spaces): "
                            f"{type(exc).__name__}: {exc}") from None
    if probabilities.ndim != 2 or probabilities.shape != (len(sample), 2):
        raise Invalid(f"predict_proba must return one (NG, OK) pair per document, got shape {probabilities.shape}")
    if not np.all(np.isfinite(probabilities)) or probabilities.min() < 0 or probabilities.max() > 1:
        raise Invalid("predict_proba returned values outside 0..1")
    metrics = {"class_balance": counts}
    if enough:
        metrics.update(evaluate(split[3], probabilities[:, 1], current_app.config["SENKO_TRIAGE_THRESHOLD"]))
    model = register(data, algorithm or type(pipeline).__name__, "imported", {"class": type(pipeline).__name__},
                     metrics, None, user_id)
    record_event("model_imported", f"モデル {model.version} を取り込みました", version=model.version,
                 roc_auc=metrics.get("roc_auc"))
    db.session.commit()
    return model


def load_pipeline(model: MlModel):
    """The fitted pipeline of a registered model (its verified skops file)."""
    return load_upload(read_verified(model))


def activate(model: MlModel) -> MlModel:
    """Make ``model`` the active one (the previous active one retires) and rescore undecided applicants.

    A model that was never in service needs its model card acknowledged first (``CardNotAcknowledged``).
    """
    if model.card_acknowledged_at is None and model.activated_at is None:
        raise CardNotAcknowledged(f"Model {model.version} cannot be activated before an admin acknowledges its model "
                                  f"card: read GET /models/{model.version}/card, then POST /models/{model.version}/card/ack")
    actives = db.session.scalars(db.select(MlModel).where(MlModel.status == "active").with_for_update()).all()
    for other in actives:
        if other.id != model.id:
            other.status = "retired"
    model.status = "active"
    model.activated_at = utcnow()
    model.rolled_back_at = None
    record_event("model_activated", f"モデル {model.version} を有効にしました", version=model.version)
    db.session.commit()
    try:
        queue.rescore_all(model.version)
    except Unavailable as exc:
        raise Unavailable(f"Activated {model.version}, but the task queue is unavailable: "
                          "undecided applicants were not rescored") from exc
    return model


def rollback() -> MlModel:
    """Re-activate the model that was active before the current one (``Conflict`` if there is none).

    Like an undo stack: the model rolled back from is skipped by later rollbacks (until someone
    activates it again), so each rollback steps one version further back.
    """
    current = MlModel.active()
    query = db.select(MlModel).where(
        MlModel.activated_at.is_not(None), MlModel.status == "retired", MlModel.rolled_back_at.is_(None))
    if current is not None:
        query = query.where(MlModel.id != current.id)
    previous = db.session.scalar(query.order_by(MlModel.activated_at.desc()).limit(1))
    if previous is None:
        raise Conflict("There is no earlier active model to roll back to")
    if current is not None:
        current.rolled_back_at = utcnow()
    return activate(previous)
