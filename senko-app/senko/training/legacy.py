"""Converting the model files of earlier Senko versions (pickles) to skops, without unpickling where secrets are.

Before skops, trained models were stored as ``v<id>.pkl``; senko-predict no longer loads them
(``/ready`` says to convert). ``convert`` first checks the pickle against the sha256 the registry
recorded when Senko wrote it, so only Senko's own files are ever unpickled, and then unpickles it
in a child Python started with an empty environment (no JWT key, no database password) and
isolated mode, which writes the model back as skops. The parent loads the result through the
allow-list like any upload, stores it as ``v<id>.skops``, updates the row, then deletes the pickle.
"""
import hashlib
import subprocess
import sys

from sqlalchemy import select

from senko_predict import artifact

from ..exceptions import Conflict, Invalid
from ..extensions import db
from ..models import MlModel
from . import registry

LEGACY_SUFFIX = ".pkl"
TIMEOUT_SECONDS = 300

# The child's whole program: a pickle on stdin, skops on stdout. artifact.dumps refuses a model with
# types outside the allow-list, so the child never writes a file the parent would refuse anyway.
CHILD_PROGRAM = (
    "import pickle, sys\n"
    "from senko_predict import artifact\n"
    "sys.stdout.buffer.write(artifact.dumps(pickle.loads(sys.stdin.buffer.read())))\n"
)


def legacy_models() -> list[MlModel]:
    """Every registered model still stored as a pickle, oldest first."""
    query = select(MlModel).where(MlModel.filename.like(f"%{LEGACY_SUFFIX}")).order_by(MlModel.id)
    return list(db.session.scalars(query))


def convert(model: MlModel) -> MlModel:
    """Rewrite ``model``'s pickle as skops and point its row at the new file; the pickle is deleted.

    ``Conflict`` if it is not a pickle, or if its file no longer matches the registry's sha256 (it
    is then never unpickled); ``NotFound`` if the file is missing; ``Invalid`` if the child fails
    or its result is not a pipeline of allowed types. The row is unchanged on any error.
    """
    if not model.filename.endswith(LEGACY_SUFFIX):
        raise Conflict(f"Model {model.version} is not a pickle (stored as {model.filename}): nothing to convert")
    legacy_name = model.filename
    data = unpickle_without_secrets(registry.read_verified(model), model.version)
    try:
        pipeline = artifact.loads(data)  # the same check as an upload, in this process: no code runs
    except artifact.ArtifactRefused as exc:
        raise Invalid(f"Model {model.version} converts to a file Senko refuses: {exc}") from None
    if not hasattr(pipeline, "predict_proba"):
        raise Invalid(f"Model {model.version} is not a model (its pickle holds a {type(pipeline).__name__})")
    filename = f"{model.version}{artifact.SUFFIX}"
    registry.write_artifact(filename, data)
    model.filename, model.sha256 = filename, hashlib.sha256(data).hexdigest()
    db.session.commit()
    (registry.model_dir() / legacy_name).unlink(missing_ok=True)
    return model


def unpickle_without_secrets(pickled: bytes, version: str) -> bytes:
    """The skops bytes of a pickled model, made by a child Python with an empty environment (``Invalid`` on failure)."""
    try:
        result = subprocess.run([sys.executable, "-I", "-c", CHILD_PROGRAM], input=pickled, capture_output=True,
                                env={}, timeout=TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise Invalid(f"Converting model {version} took longer than {TIMEOUT_SECONDS} s") from None
    if result.returncode != 0:
        lines = result.stderr.decode(errors="replace").strip().splitlines()
        raise Invalid(f"Could not convert model {version}: {lines[-1] if lines else f'exit status {result.returncode}'}")
    return result.stdout
