"""Safe model exchange: skops only, allow-listed types, hostile files refused unrun, export, legacy pickles converted."""
import hashlib
import io
import json
import pickle
import zipfile
from pathlib import Path

import pytest
import skops.io
from sklearn.ensemble import RandomForestClassifier
from sklearn.pipeline import make_pipeline

from senko_predict import artifact

TEXTS = ["Python 機械 学習 設計", "営業 事務 Excel", "AWS 設計 統計", "接客 販売"] * 5
LABELS = [1, 0, 1, 0] * 5


class WritesMarker:
    """Pickles to a call of ``exec`` writing ``code``'s value to ``marker``: what a hostile pickle looks like."""

    def __init__(self, marker: Path, code: str = "'ran'"):
        self.source = f"open({str(marker)!r}, 'w').write({code})"

    def __reduce__(self):
        return exec, (self.source,)


def hostile_skops(marker: Path) -> bytes:
    """A genuine skops pipeline whose ``memory`` parameter is a node that calls ``exec`` (writes ``marker``) when built."""
    from senko.training.estimators import logistic_regression

    source = zipfile.ZipFile(io.BytesIO(skops.io.dumps(logistic_regression().fit(TEXTS, LABELS))))
    schema = json.loads(source.read("schema.json"))
    code = {"__class__": "str", "__module__": "builtins", "__loader__": "JsonNode", "is_json": True,
            "content": json.dumps(f"open({str(marker)!r}, 'w').write('ran')")}
    schema["content"]["content"]["memory"] = {
        "__class__": "exec", "__module__": "builtins", "__loader__": "ConstructorFromReduceNode",
        "content": {"__class__": "tuple", "__module__": "builtins", "__loader__": "TupleNode", "content": [code]}}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, json.dumps(schema) if info.filename == "schema.json" else source.read(info))
    return out.getvalue()


def post_model(client, headers, data: bytes, filename: str = "model.skops"):
    return client.post("/models/import", headers=headers, content_type="multipart/form-data",
                       data={"model": (io.BytesIO(data), filename)})


def test_every_factory_pipeline_is_on_the_allow_list(app):
    """Each configured factory's fitted pipeline dumps to a skops file naming only allowed types, and loads back."""
    from senko.training import registry

    with app.app_context():
        for algorithm in registry.factories():
            pipeline = registry.make_estimator(algorithm).fit(TEXTS, LABELS)
            data = artifact.dumps(pipeline)
            assert artifact.untrusted_types(data) == [], algorithm
            assert (artifact.loads(data).predict_proba(TEXTS) == pipeline.predict_proba(TEXTS)).all()


def test_pickle_upload_is_refused_and_never_loaded(client, admin, runner, app, tmp_path):
    """A pickle whose __reduce__ would write a file is refused (415, API and CLI) and the file never appears."""
    marker = tmp_path / "pwned"
    evil = pickle.dumps(WritesMarker(marker))
    response = post_model(client, admin["headers"], evil, "model.pkl")
    assert response.status_code == 415
    message = response.get_json()["message"]
    assert "pickle" in message.lower() and "run code" in message and "skops" in message
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps(WritesMarker(marker), protocol=0))
    result = runner.invoke(args=["models", "import", str(path)])
    assert result.exit_code == 1 and "pickle" in result.output.lower()
    assert not marker.exists()
    assert client.get("/models", headers=admin["headers"]).get_json()["models"] == []


def test_hostile_skops_is_refused_and_nothing_runs(client, admin, tmp_path):
    """A skops file that runs exec when built with its types trusted is refused (422, naming the type); nothing ran."""
    from senko.training.estimators import noun_vectorizer

    proof = tmp_path / "proof"
    skops.io.loads(hostile_skops(proof), trusted=skops.io.get_untrusted_types(data=hostile_skops(proof)))
    assert proof.read_text() == "ran"  # the payload is real: trusting its types runs it

    marker = tmp_path / "pwned"
    response = post_model(client, admin["headers"], hostile_skops(marker))
    assert response.status_code == 422
    assert "builtins.exec" in response.get_json()["message"]
    assert not marker.exists()
    forest = make_pipeline(noun_vectorizer(), RandomForestClassifier(n_estimators=3)).fit(TEXTS, LABELS)
    other = post_model(client, admin["headers"], skops.io.dumps(forest))
    assert other.status_code == 422 and "RandomForestClassifier" in other.get_json()["message"]
    assert client.get("/models", headers=admin["headers"]).get_json()["models"] == []


def test_export_round_trips_through_import(client, admin, app, make_model):
    """GET /models/<v>/export returns the verified skops file; importing it gives a candidate scored on the hold-out."""
    from senko.models import MlModel

    version = make_model("linear_svm")
    h = admin["headers"]
    exported = client.get(f"/models/{version}/export", headers=h)
    assert exported.status_code == 200 and exported.mimetype == "application/octet-stream"
    assert f"senko-{version}.skops" in exported.headers["Content-Disposition"]
    with app.app_context():
        row = MlModel.by_version(version)
        assert hashlib.sha256(exported.data).hexdigest() == row.sha256
    imported = post_model(client, h, exported.data)
    assert imported.status_code == 201, imported.get_json()
    model = imported.get_json()["model"]
    assert model["source"] == "imported" and model["metrics"]["roc_auc"] > 0.6
    assert client.get("/models/v999/export", headers=h).status_code == 404
    with app.app_context():
        path = Path(app.config["SENKO_MODEL_DIR"]) / row.filename
    original = path.read_bytes()
    try:
        path.write_bytes(original + b"\0")
        tampered = client.get(f"/models/{version}/export", headers=h)
        assert tampered.status_code == 409 and "sha256" in tampered.get_json()["message"]
    finally:
        path.write_bytes(original)


def make_legacy(app, version: str, pickled: bytes, sha256: str | None = None) -> Path:
    """Turn ``version`` into a model as an earlier Senko stored it: ``v<id>.pkl`` with the registry's sha256."""
    from senko.extensions import db
    from senko.models import MlModel

    with app.app_context():
        model = MlModel.by_version(version)
        folder = Path(app.config["SENKO_MODEL_DIR"])
        (folder / model.filename).unlink()
        model.filename = f"{version}.pkl"
        model.sha256 = sha256 or hashlib.sha256(pickled).hexdigest()
        db.session.commit()
    (folder / f"{version}.pkl").write_bytes(pickled)
    return folder / f"{version}.pkl"


def test_convert_turns_a_legacy_pickle_into_skops(runner, app, make_model):
    """`flask models convert` checks the hash, converts the pickle to skops, updates the row and deletes the pickle."""
    from senko.models import MlModel

    version = make_model("linear_svm")
    with app.app_context():
        row = MlModel.by_version(version)
        pipeline = artifact.loads((Path(app.config["SENKO_MODEL_DIR"]) / row.filename).read_bytes())
    legacy = make_legacy(app, version, pickle.dumps(pipeline, protocol=5))
    result = runner.invoke(args=["models", "convert"])
    assert result.exit_code == 0, result.output
    assert f"Converted {version}: {version}.pkl -> {version}.skops" in result.output
    with app.app_context():
        row = MlModel.by_version(version)
        data = (Path(app.config["SENKO_MODEL_DIR"]) / row.filename).read_bytes()
    assert row.filename == f"{version}.skops" and hashlib.sha256(data).hexdigest() == row.sha256
    assert (artifact.loads(data).predict_proba(TEXTS) == pipeline.predict_proba(TEXTS)).all()
    assert not legacy.exists()
    assert "nothing to convert" in runner.invoke(args=["models", "convert"]).output


def test_boot_converts_legacy_models_and_never_fails_on_one(runner, app, make_model, tmp_path):
    """`flask boot` (start-up, both paths) converts a good legacy pickle and reports a bad one without failing."""
    from senko.models import MlModel

    good, bad = make_model("linear_svm"), make_model("logistic_regression")
    with app.app_context():
        pipeline = artifact.loads((Path(app.config["SENKO_MODEL_DIR"]) / MlModel.by_version(good).filename).read_bytes())
    make_legacy(app, good, pickle.dumps(pipeline, protocol=5))
    make_legacy(app, bad, pickle.dumps(WritesMarker(tmp_path / "pwned")), sha256="0" * 64)
    result = runner.invoke(args=["boot", "--timeout", "10", "--admin-password", "boot-admin-password-1"])
    assert result.exit_code == 0, result.output
    assert f"Converted model {good}: {good}.pkl -> {good}.skops" in result.output
    assert f"Model {bad} left as {bad}.pkl" in result.output
    assert not (tmp_path / "pwned").exists()


def test_convert_refuses_a_pickle_that_does_not_match_its_hash(runner, app, make_model, tmp_path):
    """A legacy file whose sha256 differs from the registry's is never unpickled: refused, row and file unchanged."""
    from senko.models import MlModel

    version = make_model("logistic_regression")
    marker = tmp_path / "pwned"
    legacy = make_legacy(app, version, pickle.dumps(WritesMarker(marker)), sha256="0" * 64)
    result = runner.invoke(args=["models", "convert", version])
    assert result.exit_code == 1 and f"Refused {version}" in result.output and "sha256" in result.output
    assert not marker.exists() and legacy.exists()
    with app.app_context():
        assert MlModel.by_version(version).filename == f"{version}.pkl"


def test_convert_unpickles_without_the_secrets(runner, app, make_model, tmp_path):
    """Even a registered pickle that runs code finds no SENKO_* variable (JWT key, database URL) in its environment."""
    import os

    assert any(key.startswith("SENKO_") for key in os.environ)  # the test process has them
    version = make_model("logistic_regression")
    marker = tmp_path / "environment"
    make_legacy(app, version, pickle.dumps(WritesMarker(marker, "repr(sorted(__import__('os').environ))")))
    result = runner.invoke(args=["models", "convert", version])
    assert result.exit_code == 1 and "not a model" in result.output  # it ran, but built no model
    seen = marker.read_text()
    assert "SENKO_" not in seen and app.config["JWT_SECRET_KEY"] not in seen


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04 broken zip", b"\x80\x05 truncated pickle"])
def test_broken_files_are_refused_cleanly(data):
    """Empty, broken zip and truncated pickle bytes are refused as not-skops, with a message."""
    with pytest.raises(artifact.NotSkops) as refused:
        artifact.loads(data)
    assert "skops" in str(refused.value)
