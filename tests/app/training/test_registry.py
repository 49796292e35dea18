"""Training from past decisions, the registry (train, import, activate, roll back) and the nightly job."""
import hashlib
import io
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

from senko_predict import artifact


def test_training_evaluates_and_registers_a_candidate(app, seed_labelled):
    """Training on generated decisions gives AUC well above chance (but not 1.0) and a verifiable skops artifact."""
    from senko.training import registry

    seed_labelled(app, 200)
    with app.app_context():
        model = registry.train("linear_svm")
        metrics = model.metrics
        assert model.version.startswith("v") and model.status == "candidate" and model.training_size == 200
        assert 0.7 < metrics["roc_auc"] < 1.0
        assert metrics["class_balance"]["OK"] + metrics["class_balance"]["NG"] == 200
        assert {"accuracy", "precision", "recall", "f1", "brier", "calibration", "confusion_matrix"} <= metrics.keys()
        assert sum(metrics["confusion_matrix"].values()) == metrics["holdout_size"] == 50
        data = (Path(app.config["SENKO_MODEL_DIR"]) / model.filename).read_bytes()
        assert hashlib.sha256(data).hexdigest() == model.sha256
        assert model.filename == f"{model.version}.skops"
        assert hasattr(artifact.loads(data), "predict_proba")


def test_logistic_regression_is_the_second_option(app, seed_labelled):
    """The second configured factory trains too."""
    from senko.training import registry

    seed_labelled(app, 120)
    with app.app_context():
        assert registry.train("logistic_regression").metrics["roc_auc"] > 0.6


def test_too_few_labels_is_409(client, admin, app, seed_labelled):
    """Fewer than 20 decisions per class → 409 with a clear message, and no model."""
    seed_labelled(app, 30)  # about 15 per class
    response = client.post("/models/train", headers=admin["headers"], json={})
    assert response.status_code == 409 and "at least 20" in response.get_json()["message"]
    assert client.get("/models", headers=admin["headers"]).get_json()["models"] == []


def test_model_routes_are_admin_only(client, recruiter):
    """Recruiters get 403 on every model route."""
    h = recruiter["headers"]
    assert client.get("/models", headers=h).status_code == 403
    assert client.post("/models/train", headers=h, json={}).status_code == 403
    assert client.post("/models/rollback", headers=h).status_code == 403
    assert client.post("/models/v1/activate", headers=h).status_code == 403
    assert client.get("/models/v1", headers=h).status_code == 403
    assert client.get("/models/v1/export", headers=h).status_code == 403


def test_unknown_algorithm_and_version(client, admin, app, seed_labelled):
    """Unknown algorithm → 422, unknown version → 404, rollback with no history → 409."""
    seed_labelled(app, 60)
    assert client.post("/models/train", headers=admin["headers"], json={"algorithm": "magic"}).status_code == 422
    assert client.post("/models/v999/activate", headers=admin["headers"]).status_code == 404
    assert client.get("/models/v999", headers=admin["headers"]).status_code == 404
    assert client.post("/models/rollback", headers=admin["headers"]).status_code == 409


def test_activate_and_rollback(client, admin, app, seed_labelled):
    """Activating retires the previous active model; rollback returns to it."""
    from senko.training import registry

    seed_labelled(app, 80)
    with app.app_context():
        first, second = registry.train().version, registry.train("logistic_regression").version
    h = admin["headers"]
    for version in (first, second):  # a first activation needs the model card acknowledged
        assert client.post(f"/models/{version}/card/ack", headers=h, json={}).status_code == 200
    assert client.post(f"/models/{first}/activate", headers=h).status_code == 200
    assert client.post(f"/models/{second}/activate", headers=h).get_json()["model"]["status"] == "active"
    listed = {m["version"]: m["status"] for m in client.get("/models", headers=h).get_json()["models"]}
    assert listed == {first: "retired", second: "active"}
    response = client.post("/models/rollback", headers=h)
    assert response.status_code == 200 and response.get_json()["model"]["version"] == first
    assert client.get("/models", headers=h).get_json()["active"] == first


def test_rollback_steps_back_like_undo(client, admin, app, seed_labelled):
    """v1 → v2 → v3, rollback twice: v2 then v1 (never back to v3); re-activating v3 makes it a target again."""
    from senko.training import registry

    seed_labelled(app, 80)
    with app.app_context():
        versions = [registry.train().version for _ in range(3)]
    h = admin["headers"]
    for version in versions:
        assert client.post(f"/models/{version}/card/ack", headers=h, json={}).status_code == 200
        assert client.post(f"/models/{version}/activate", headers=h).status_code == 200

    def rollback_to():
        response = client.post("/models/rollback", headers=h)
        return response.status_code, response.get_json().get("model", {}).get("version")

    assert rollback_to() == (200, versions[1])
    assert rollback_to() == (200, versions[0])
    assert rollback_to()[0] == 409  # v2 and v3 were rolled back: nothing earlier than v1
    listed = {m["version"]: m for m in client.get("/models", headers=h).get_json()["models"]}
    assert listed[versions[0]]["status"] == "active" and listed[versions[0]]["rolled_back_at"] is None
    assert listed[versions[2]]["rolled_back_at"] is not None
    assert client.post(f"/models/{versions[2]}/activate", headers=h).get_json()["model"]["rolled_back_at"] is None
    assert rollback_to() == (200, versions[0])


def test_import_validates_the_model(client, admin, app, seed_labelled):
    """A good skops pipeline imports with hold-out metrics; no predict_proba or numeric-only input → 422, garbage → 415."""
    from senko.training.estimators import logistic_regression, noun_vectorizer

    seed_labelled(app, 100)
    texts = ["Python 機械 学習 設計", "営業 事務 Excel", "AWS 設計 統計", "接客 販売"] * 5
    good = logistic_regression().fit(texts, [1, 0, 1, 0] * 5)
    numeric = LogisticRegression().fit(np.array([[0.0], [1.0]]), [0, 1])
    no_proba = make_pipeline(noun_vectorizer(), LinearSVC()).fit(texts, [1, 0, 1, 0] * 5)

    def post(data: bytes):
        return client.post("/models/import", headers=admin["headers"], content_type="multipart/form-data",
                           data={"model": (io.BytesIO(data), "model.skops"), "algorithm": "researcher-lr"})

    response = post(artifact.dumps(good))
    assert response.status_code == 201, response.get_json()
    model = response.get_json()["model"]
    assert model["status"] == "candidate" and model["source"] == "imported" and model["metrics"]["roc_auc"] > 0.5
    bad = post(artifact.dumps(no_proba))
    assert bad.status_code == 422 and "predict_proba" in bad.get_json()["message"]
    wrong_input = post(artifact.dumps(numeric))
    assert wrong_input.status_code == 422 and "input" in wrong_input.get_json()["message"]
    garbage = post(b"not a model at all")
    assert garbage.status_code == 415 and "skops" in garbage.get_json()["message"]


def test_nightly_retrain_logic(app, seed_labelled):
    """The nightly job trains only with enough new decisions, and only proposes: it never activates a model."""
    from senko.models import MlModel
    from senko.tasks.training import nightly_retrain

    def run():
        with app.app_context():  # a fresh session per run, as in the worker
            return nightly_retrain.run()

    seed_labelled(app, 100)
    first = run()
    assert first["trained"] and first["activated"] is False, first
    assert run() == {"trained": None, "new_decisions": 0}
    seed_labelled(app, 30, start=500)
    second = run()
    assert second["trained"] and second["new_decisions"] == 30 and second["activated"] is False, second
    with app.app_context():
        assert MlModel.active() is None
        assert {m.status for m in MlModel.query.all()} == {"candidate"}


def test_cli_train_list_activate_rollback_import(runner, app, tmp_path, seed_labelled):
    """`flask models` trains with a progress bar, lists, activates, rolls back and imports."""
    from senko.training.estimators import logistic_regression

    seed_labelled(app, 80)
    refused = runner.invoke(args=["models", "train", "--activate"])
    assert refused.exit_code == 1 and "acknowledge" in refused.output
    trained = runner.invoke(args=["models", "train", "--activate", "--acknowledge-card"])
    assert trained.exit_code == 0, trained.output
    assert "AUC" in trained.output and "Activated v" in trained.output
    second = runner.invoke(args=["models", "train", "--algorithm", "logistic_regression"])
    assert second.exit_code == 0
    listed = runner.invoke(args=["models", "list"]).output.splitlines()
    assert len(listed) == 3 and "active" in listed[1] and "candidate" in listed[0]
    version = listed[0].split()[0]
    assert runner.invoke(args=["models", "activate", version]).exit_code == 1  # its card is not acknowledged
    assert "Model card" in runner.invoke(args=["models", "card", version]).output
    assert runner.invoke(args=["models", "activate", version, "--acknowledge-card"]).exit_code == 0
    assert "Rolled back" in runner.invoke(args=["models", "rollback"]).output
    path = tmp_path / "researcher.skops"
    path.write_bytes(artifact.dumps(logistic_regression().fit(["a b", "c d"] * 2, [0, 1] * 2)))
    imported = runner.invoke(args=["models", "import", str(path)])
    assert imported.exit_code == 0 and "candidate" in imported.output
    assert runner.invoke(args=["models", "train", "--algorithm", "nope"]).exit_code == 1


def test_demo_load_gives_a_trained_model(runner, app, admin):
    """`flask demo load` generates résumés, processes them, records decisions and activates a first model."""
    from sqlalchemy import func, select

    from senko.extensions import db
    from senko.models import ApplicantNoun, MlModel

    result = runner.invoke(args=["demo", "load", "--count", "60", "--decided", "1.0"])
    assert result.exit_code == 0, result.output
    assert "Loaded 60 applicants (60 with decisions)" in result.output and "Trained and activated v" in result.output
    with app.app_context():
        assert MlModel.active() is not None and 0.5 < MlModel.active().metrics["roc_auc"] <= 1.0
        with_nouns = db.session.scalar(select(func.count(func.distinct(ApplicantNoun.applicant_id))))
        assert with_nouns == 60
    again = runner.invoke(args=["demo", "load", "--if-empty"])
    assert "no demo data loaded" in again.output
