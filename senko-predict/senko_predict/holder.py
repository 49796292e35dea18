"""The loaded model of one worker, and how it is swapped without dropping a request.

The active model is loaded once at start. A background thread checks the registry every few
seconds; when another version is active it loads and verifies the new file first, then swaps the
reference in one assignment, so every request uses either the old or the new model, never none.
"""
import hashlib
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import artifact
from .contract import Explanation, document_text
from .explain import explain, linear_weights

log = logging.getLogger(__name__)


@dataclass
class LoadedModel:
    """A verified, loaded model with its registry metadata."""

    version: str
    pipeline: object
    info: dict
    loaded_at: float
    load_seconds: float
    vectorizer: object = None
    coef: object = None
    feature_names: object = None

    def predict(self, documents: list[list[str]], top: int) -> tuple[list[float], list[list[Explanation]]]:
        """OK probabilities and explanations of noun lists; a linear two-step pipeline is vectorized only once."""
        texts = [document_text(document) for document in documents]
        if self.vectorizer is None:
            return [float(p) for p in self.pipeline.predict_proba(texts)[:, 1]], [[] for _ in texts]
        matrix = self.vectorizer.transform(texts)
        probabilities = self.pipeline.steps[-1][1].predict_proba(matrix)[:, 1]
        return [float(p) for p in probabilities], explain(self.feature_names, self.coef, matrix, top)

    def describe(self) -> dict:
        """Version, algorithm, training size, metrics, trained_at (ISO, UTC) and load time, for ``/model``."""
        info = dict(self.info)
        info["trained_at"] = info["trained_at"].isoformat() + "Z" if info.get("trained_at") else None
        info["loaded_in_seconds"] = round(self.load_seconds, 4)
        return info


@dataclass
class ModelHolder:
    """Holds the current model (or why there is none) and keeps it in step with the registry."""

    registry: object
    model_dir: Path
    poll_seconds: float
    current: LoadedModel | None = None
    problem: str = "not loaded yet"
    _thread: threading.Thread | None = field(default=None, repr=False)
    _stop: threading.Event = field(default_factory=threading.Event, repr=False)

    def refresh(self) -> None:
        """Load the registry's active model if it is not the one held; keep the old one if loading fails."""
        try:
            row = self.registry.active()
        except Exception as exc:  # database down: keep serving what we have
            log.warning("registry unavailable: %s", exc)
            if self.current is None:
                self.problem = f"model registry unavailable ({type(exc).__name__})"
            return
        if row is None:
            if self.current is not None:
                log.info("no active model any more; dropping %s", self.current.version)
            self.current, self.problem = None, "no active model in the registry"
            return
        if self.current is not None and self.current.version == row["version"]:
            return
        try:
            self.current = self.load(row)
            self.problem = ""
            log.info("loaded model %s in %.3f s", row["version"], self.current.load_seconds)
        except ModelRefused as exc:
            log.error("refused model %s: %s", row["version"], exc)
            if self.current is None:
                self.problem = f"model {row['version']} refused: {exc}"

    def load(self, row: dict) -> LoadedModel:
        """Read the file, check its sha256 against the registry, then load it as a skops artifact (never a pickle)."""
        started = time.perf_counter()
        path = self.model_dir / row["filename"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ModelRefused(f"file {path.name} missing or unreadable ({type(exc).__name__})") from exc
        digest = hashlib.sha256(data).hexdigest()
        if digest != row["sha256"]:
            raise ModelRefused(f"sha256 mismatch: file {digest[:12]}…, registry {row['sha256'][:12]}… (tampered or replaced)")
        if not path.name.endswith(artifact.SUFFIX):
            raise ModelRefused(f"{path.name} is a pickle from an earlier Senko, and pickles are never loaded here: "
                               f"convert it with `{artifact.CONVERT_COMMAND}`")
        try:
            pipeline = artifact.loads(data)
        except artifact.ArtifactRefused as exc:
            raise ModelRefused(str(exc)) from exc
        if not hasattr(pipeline, "predict_proba"):
            raise ModelRefused("the object has no predict_proba")
        vectorizer, coef = linear_weights(pipeline)
        names = vectorizer.get_feature_names_out() if vectorizer is not None else None
        info = {k: v for k, v in row.items() if k not in ("filename",)}
        return LoadedModel(row["version"], pipeline, info, time.time(), time.perf_counter() - started, vectorizer, coef, names)

    def start(self) -> None:
        """Load now, then keep checking in a daemon thread."""
        self.refresh()
        if self._thread is None and self.poll_seconds > 0:
            self._thread = threading.Thread(target=self._poll, name="model-poller", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop the polling thread (tests)."""
        self._stop.set()

    def _poll(self) -> None:
        while not self._stop.wait(self.poll_seconds):
            self.refresh()


class ModelRefused(Exception):
    """The registry's active model cannot be used (missing, tampered, a legacy pickle, untrusted types, not a model)."""
