"""senko-predict: real model files (good, tampered, missing, wrong type, legacy pickle), hot swap under load, the app end to end."""
import hashlib
import pickle
import threading
import time
from pathlib import Path

import pytest
import requests

PREDICT_ACCOUNT = {}


@pytest.fixture(autouse=True, scope="module")
def predict_account(stack):
    """senko-predict's own read-only database account, as `make up` and compose give it."""
    PREDICT_ACCOUNT["url"] = stack.predict_database_url()


@pytest.fixture
def trained(make_model):
    """Two trained models (v_a linear SVM, v_b logistic regression), neither active yet."""
    return make_model("linear_svm"), make_model("logistic_regression")


def activate(app, version: str) -> None:
    from senko.models import MlModel
    from senko.training import registry

    with app.app_context():
        registry.activate(acknowledged(MlModel.by_version(version)))


def acknowledged(model):
    """``model`` with its card marked acknowledged (a first activation needs it; the card itself is not under test here)."""
    from senko.models.mixins import utcnow

    model.card_acknowledged_at = model.card_acknowledged_at or utcnow()
    return model


def predict_app(app):
    """An in-process senko-predict against the test database and model folder (no polling thread)."""
    from senko_predict.app import create_app

    return create_app({"SENKO_DATABASE_URL": PREDICT_ACCOUNT["url"],
                       "SENKO_MODEL_DIR": app.config["SENKO_MODEL_DIR"], "SENKO_PREDICT_POLL_SECONDS": 0})


def test_good_model_predicts_with_explanations(app, trained):
    """The active model loads once; /predict answers a batch with probabilities and nouns pushing both ways."""
    activate(app, trained[0])
    client = predict_app(app).test_client()
    assert client.get("/ready").get_json() == {"status": "ready", "model_version": trained[0]}
    info = client.get("/model").get_json()
    assert info["version"] == trained[0] and info["algorithm"] == "linear_svm" and info["training_size"] == 100
    assert info["metrics"]["roc_auc"] > 0.6 and info["trained_at"].endswith("Z")
    strong = ["Python", "機械", "学習", "AWS", "設計", "統計", "要件", "定義"]
    weak = ["未経験", "ブランク", "接客", "販売", "事務"]
    answer = client.post("/predict", json={"documents": [strong, weak]}).get_json()
    assert answer["model_version"] == trained[0]
    high, low = answer["probabilities"]
    assert 0 <= low < high <= 1
    weights = [e["weight"] for e in answer["explanations"][0]]
    assert any(w > 0 for w in weights)
    assert any(w < 0 for w in [e["weight"] for e in answer["explanations"][1]])
    assert all(e["noun"] in strong for e in answer["explanations"][0])


def test_predict_input_errors(app, trained):
    """Bad bodies: 400 shape, 422 types; errors are JSON messages."""
    activate(app, trained[0])
    client = predict_app(app).test_client()
    assert client.post("/predict", json={}).status_code == 400
    assert client.post("/predict", json={"documents": []}).status_code == 400
    assert client.post("/predict", json={"documents": [[1, 2]]}).status_code == 422
    assert client.post("/predict", data="x").get_json()["message"]


def test_no_active_model_is_reported(app):
    """Without an active model: /ready and /predict answer 503 with model_loaded false."""
    client = predict_app(app).test_client()
    ready = client.get("/ready")
    assert ready.status_code == 503 and ready.get_json()["model_loaded"] is False
    assert "no active model" in ready.get_json()["message"]
    assert client.post("/predict", json={"documents": [["a"]]}).status_code == 503
    assert client.get("/healthy").status_code == 200


def test_tampered_or_missing_file_is_refused(app, trained):
    """A file whose sha256 differs from the registry, or a missing file, is never loaded."""
    from senko.models import MlModel

    activate(app, trained[0])
    with app.app_context():
        path = Path(app.config["SENKO_MODEL_DIR"]) / MlModel.by_version(trained[0]).filename
    original = path.read_bytes()
    try:
        path.write_bytes(original[:-10] + b"0123456789")
        ready = predict_app(app).test_client().get("/ready")
        assert ready.status_code == 503 and "sha256 mismatch" in ready.get_json()["message"]
        path.unlink()
        ready = predict_app(app).test_client().get("/ready")
        assert ready.status_code == 503 and "missing" in ready.get_json()["message"]
    finally:
        path.write_bytes(original)


def test_wrong_type_is_refused_and_old_model_kept(app, trained):
    """A registered skops file that is not a model is refused; a worker serving a good model keeps it."""
    from senko.models import MlModel
    from senko.training import registry
    from senko_predict import artifact

    activate(app, trained[0])
    service = predict_app(app)
    holder = service.extensions["model_holder"]
    assert holder.current.version == trained[0]
    with app.app_context():
        bogus = registry.register(artifact.dumps({"not": "a model"}), "dict", "imported", {}, {}, None, None)
        registry.activate(acknowledged(MlModel.by_version(bogus.version)))
    holder.refresh()
    assert holder.current.version == trained[0]  # kept serving the good one
    fresh = predict_app(app).test_client().get("/ready")
    assert fresh.status_code == 503 and "no predict_proba" in fresh.get_json()["message"]


def test_legacy_pickle_is_refused_with_the_way_out(app, trained):
    """An active model still stored as a pickle by an earlier Senko is refused (hash right or not) and /ready names the convert command."""
    from senko.extensions import db
    from senko.models import MlModel

    activate(app, trained[0])
    with app.app_context():
        model = MlModel.by_version(trained[0])
        folder = Path(app.config["SENKO_MODEL_DIR"])
        data = pickle.dumps({"not": "loaded"})
        (folder / f"{model.version}.pkl").write_bytes(data)
        model.filename, model.sha256 = f"{model.version}.pkl", hashlib.sha256(data).hexdigest()
        db.session.commit()
    ready = predict_app(app).test_client().get("/ready")
    assert ready.status_code == 503 and "flask models convert" in ready.get_json()["message"]


def test_hot_swap_under_concurrent_requests(app, trained, predict_service, wait_for):
    """While another model is activated, every request succeeds and each worker's versions only move forward."""
    activate(app, trained[0])
    url = f"{predict_service}/predict"
    body = {"documents": [["Python", "設計", "経験"]]}
    wait_for(lambda: all(requests.post(url, json=body, timeout=5).json().get("model_version") == trained[0]
                         for _ in range(6)), "first model served")
    seen, failures, stop = [], [], threading.Event()

    def hammer():
        session = requests.Session()
        while not stop.is_set():
            try:
                response = session.post(url, json=body, timeout=10)
            except requests.RequestException as exc:
                failures.append(repr(exc))
                continue
            if response.status_code != 200:
                failures.append(response.status_code)
            else:
                seen.append((response.headers["X-Senko-Worker"], response.json()["model_version"],
                             int(response.headers["X-Senko-Sequence"])))

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    activate(app, trained[1])
    try:
        wait_for(lambda: [v for _w, v, _t in seen[-8:]] == [trained[1]] * 8, "all workers on the new model", 15)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert failures == []
    order = {trained[0]: 0, trained[1]: 1}
    for worker in {w for w, _v, _t in seen}:
        # In the order each worker picked its model (responses of its threads may cross on the wire).
        versions = [order[v] for w, v, _seq in sorted(seen, key=lambda s: s[2]) if w == worker]
        assert versions == sorted(versions), f"worker {worker} went back to the old model"
    assert {v for _w, v, _t in seen} == set(trained)


def test_uploaded_resume_gets_a_score_with_explanation(app, client, admin, trained, worker, predict_service, upload, wait_done, wait_for):
    """With an active model, a new résumé ends scored with model version, triage and explanation; an event says so."""
    from senko.demo import resumes

    activate(app, trained[0])
    wait_for(lambda: requests.get(f"{predict_service}/ready", timeout=5).json().get("model_version") == trained[0], "model")
    wait_for(lambda: all(requests.get(f"{predict_service}/ready", timeout=5).json().get("model_version") == trained[0]
                         for _ in range(6)), "both workers")
    profile = resumes.make_profile(900)
    applicant_id = upload(client, admin["headers"], resumes.resume_pdf(profile), name=profile.name).get_json()["id"]
    applicant = wait_done(client, admin["headers"], applicant_id)
    assert applicant["status"] == "scored" and applicant["model_version"] == trained[0]
    assert 0 <= applicant["score"] <= 1 and applicant["explanation"]
    assert applicant["triage"] == ("review" if applicant["score"] >= 0.65 else "below")
    events = client.get("/events?after=0", headers=admin["headers"]).get_json()["events"]
    scored = [e for e in events if e["kind"] == "scored" and e["applicant_id"] == applicant_id]
    assert scored and f"{round(applicant['score'] * 100)}%" in scored[0]["message"]


def test_activation_rescores_undecided_applicants(app, client, admin, trained, worker, predict_service, wait_for):
    """Activating a model rescores every undecided applicant in the background and reports it as an event."""
    activate(app, trained[1])
    finished = wait_for(lambda: [e for e in client.get("/events?after=0", headers=admin["headers"]).get_json()["events"]
                                 if e["kind"] == "rescore_finished" and e["data"]["version"] == trained[1]],
                        "rescore_finished event", 60)
    assert finished[0]["data"]["rescored"] == 20  # the 20 undecided of the 120
    undecided = client.get("/applicant/100/1?decision=none", headers=admin["headers"]).get_json()["applicants"]
    assert len(undecided) == 20 and all(a["status"] == "scored" and a["model_version"] == trained[1] for a in undecided)
    decided = client.get("/applicant/100/1?decision=OK", headers=admin["headers"]).get_json()["applicants"]
    assert all(a["score"] is None for a in decided)


def test_predict_account_reads_the_registry_and_nothing_else(app, trained):
    """The senko_predict account: SELECT on ml_models works; applicants, users and any write are refused."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError, ProgrammingError

    engine = create_engine(PREDICT_ACCOUNT["url"])
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM ml_models")).scalar() == 2
            for statement in ("SELECT COUNT(*) FROM applicants", "SELECT password_hash FROM users",
                              "UPDATE ml_models SET status = 'active'", "DELETE FROM ml_models",
                              "INSERT INTO applicant_nouns (applicant_id, noun, count) VALUES (1, 'x', 1)"):
                with pytest.raises((OperationalError, ProgrammingError)) as refused:
                    conn.execute(text(statement))
                assert refused.value.orig.args[0] == 1142, statement  # ER_TABLEACCESS_DENIED_ERROR
                conn.rollback()
    finally:
        engine.dispose()
