"""Model governance: metrics with intervals and cross-validation, the same hold-out for candidate and active model,
model cards acknowledged before a first activation, shadow scoring that changes nothing, a propose-only nightly job."""
import pytest


@pytest.fixture
def auditor(users):
    """An auditor's Authorization header."""
    users.create("auditor@example.com", "auditor-password-123", "auditor", "監査 役")
    return users.headers(users.login("auditor@example.com", "auditor-password-123")["access_token"])


def bias_gender(app) -> None:
    """State a gender for every labelled applicant so that every OK decision went to a man (biased past decisions)."""
    from senko.extensions import db
    from senko.models import Applicant, ApplicantAttributes

    with app.app_context():
        for applicant in db.session.scalars(db.select(Applicant)):
            male = applicant.decision == "OK" or applicant.id % 3 == 0
            db.session.merge(ApplicantAttributes(applicant_id=applicant.id, gender="male" if male else "female"))
        db.session.commit()


def test_metrics_have_intervals_cross_validation_and_a_fair_comparison(app, make_model):
    """Hold-out metrics come with bootstrap intervals; 5-fold CV estimates the refit model; a second model is
    compared with the active one on the same hold-out, with a paired interval of the AUC difference."""
    from senko.models import MlModel

    first = make_model(activate=True)
    second = make_model("logistic_regression")
    with app.app_context():
        metrics = MlModel.by_version(first).metrics
        low, high = metrics["intervals"]["roc_auc"]
        assert low <= metrics["roc_auc"] <= high and high - low > 0
        cv = metrics["cross_validation"]
        assert len(cv["folds"]) == 5 and cv["holdout_size"] == metrics["class_balance"]["OK"] + metrics["class_balance"]["NG"]
        assert cv["intervals"]["roc_auc"][0] <= cv["roc_auc"] <= cv["intervals"]["roc_auc"][1]
        assert metrics["comparison"] is None  # nothing was active yet
        assert metrics["data"]["size"] == 100 and metrics["data"]["decided_from"] <= metrics["data"]["decided_to"]
        comparison = MlModel.by_version(second).metrics["comparison"]
        assert comparison["active_version"] == first and comparison["method"] == "refit"
        assert comparison["holdout_size"] == comparison["candidate"]["holdout_size"] == comparison["active"]["holdout_size"]
        assert comparison["candidate"]["roc_auc"] == MlModel.by_version(second).metrics["roc_auc"]
        difference = comparison["auc_difference"]
        assert difference["low"] <= difference["value"] <= difference["high"]
        assert difference["value"] == pytest.approx(comparison["candidate"]["roc_auc"] - comparison["active"]["roc_auc"], abs=2e-4)


def test_card_must_be_acknowledged_before_activation(client, admin, recruiter, auditor, app, make_model):
    """Activating an unacknowledged model is a 409 naming the card; admins acknowledge once; auditors read the card
    but may not acknowledge; recruiters see nothing. A rollback target needs no new acknowledgement."""
    version = make_model()
    h = admin["headers"]
    refused = client.post(f"/models/{version}/activate", headers=h)
    assert refused.status_code == 409
    assert refused.get_json()["code"] == "card_not_acknowledged" and f"/models/{version}/card/ack" in refused.get_json()["message"]
    assert client.get("/models", headers=h).get_json()["active"] is None

    assert client.get(f"/models/{version}/card", headers=recruiter["headers"]).status_code == 403
    assert client.post(f"/models/{version}/card/ack", headers=recruiter["headers"], json={}).status_code == 403
    assert client.post(f"/models/{version}/card/ack", headers=auditor, json={}).status_code == 403
    card = client.get(f"/models/{version}/card", headers=auditor).get_json()
    assert card["acknowledgement"]["acknowledged"] is False
    body = card["card"]
    assert body["data"]["size"] == 100 and body["data"]["decided_to"]
    assert body["holdout"]["intervals"]["roc_auc"][0] <= body["holdout"]["metrics"]["roc_auc"]
    assert len(body["cross_validation"]["folds"]) == 5
    assert set(body["groups"]) == {"gender", "age_band", "prefecture"} and body["fairness_check"]["passed"] is True
    positive, negative = body["top_nouns"]["positive"], body["top_nouns"]["negative"]
    assert len(positive) == len(negative) == 15 and positive[0]["weight"] > 0 > negative[0]["weight"]
    assert {"Python", "機械学習", "AWS", "設計", "統計"} & {n["noun"] for n in positive[:8]}

    acked = client.post(f"/models/{version}/card/ack", headers=h, json={"note": "AUC の区間と群別指標を確認"})
    assert acked.status_code == 200
    assert acked.get_json()["acknowledgement"] == {**acked.get_json()["acknowledgement"], "acknowledged": True,
                                                  "acknowledged_by": "admin@example.com", "note": "AUC の区間と群別指標を確認"}
    assert client.post(f"/models/{version}/card/ack", headers=h, json={}).status_code == 409
    assert client.get(f"/models/{version}/card", headers=h).get_json()["card"] == body  # frozen
    assert client.post(f"/models/{version}/activate", headers=h).status_code == 200

    second = make_model("logistic_regression")
    client.post(f"/models/{second}/card/ack", headers=h, json={})
    assert client.post(f"/models/{second}/activate", headers=h).status_code == 200
    assert client.post("/models/rollback", headers=h).get_json()["model"]["version"] == version  # no new ack needed
    assert client.post("/models/v1/card/ack", headers=h, json={"bogus": 1}).status_code == 400
    assert client.get("/models/v999/card", headers=h).status_code == 404


def test_card_of_a_model_trained_on_biased_decisions_fails_the_fairness_check(client, admin, app, seed_labelled):
    """Past decisions favoured men: the model reproduces it on out-of-fold predictions, its card says so."""
    from senko.training import registry

    seed_labelled(app, 120)
    bias_gender(app)
    with app.app_context():
        version = registry.train().version
    card = client.get(f"/models/{version}/card", headers=admin["headers"]).get_json()["card"]
    check = card["fairness_check"]
    assert check["passed"] is False
    assert {(f["attribute"], f["group"], f["measure"]) for f in check["failures"]} == {("gender", "female", "model")}
    female = {g["group"]: g for g in card["groups"]["gender"]["groups"]}["female"]
    assert female["model_ratio"]["value"] < 0.8


def test_nightly_job_only_proposes(app, client, admin, make_model, seed_labelled, monkeypatch):
    """With an active model and enough new (biased) decisions the nightly job trains and proposes a candidate, with
    a model_proposed event naming the failed fairness check; the active model stays, nothing is activated."""
    from senko import queue
    from senko.models import MlModel
    from senko.tasks.training import nightly_retrain

    active = make_model(activate=True)
    seed_labelled(app, 40, start=900)
    bias_gender(app)
    queued = []
    monkeypatch.setattr(queue, "send", lambda name, *args, **options: queued.append((name, args)) or "task-id")
    with app.app_context():
        result = nightly_retrain.run()
    assert result["trained"] and result["activated"] is False and result["fairness_check_passed"] is False, result
    assert (queue.SHADOW_SCORE, (result["trained"],)) in queued and not any(n == queue.RESCORE_ALL for n, _ in queued)
    with app.app_context():
        assert MlModel.active().version == active
        assert MlModel.by_version(result["trained"]).status == "candidate"
    events = client.get("/events?after=0", headers=admin["headers"]).get_json()["events"]
    proposed = [e for e in events if e["kind"] == "model_proposed"]
    assert len(proposed) == 1 and proposed[0]["data"]["fairness_check_passed"] is False and "警告" in proposed[0]["message"]


def snapshot(app) -> tuple:
    from senko.extensions import db
    from senko.models import Applicant, Event, MlModel

    with app.app_context():
        applicants = [(a.id, a.status, a.score, a.model_version, a.scored_at, a.updated_at, a.decision, a.explanation)
                      for a in db.session.scalars(db.select(Applicant).order_by(Applicant.id))]
        events = db.session.scalar(db.select(db.func.count()).select_from(Event))
        models = [(m.version, m.status, m.activated_at) for m in db.session.scalars(db.select(MlModel).order_by(MlModel.id))]
    return applicants, events, models


def test_shadow_scoring_changes_nothing_and_compares(client, admin, app, worker, make_model, seed_labelled, wait_for,
                                                     monkeypatch):
    """A candidate shadow-scores new and recently decided applicants in the worker: only shadow_scores change; the
    comparison sets it against the active model's scores and the decisions. The active model cannot shadow."""
    from senko import queue
    from senko.extensions import db
    from senko.models import Applicant, ShadowScore
    from senko.scoring.service import document_of
    from senko.training import registry
    from senko_predict.contract import document_text

    monkeypatch.setattr(queue, "rescore_all", lambda version: "not-rescored")  # activation here, scores set below
    active = make_model(activate=True)
    candidate = make_model("logistic_regression")
    seed_labelled(app, 20, decided=0, start=700)  # 20 more new applicants: 40 undecided, 100 decided
    with app.app_context():  # the active model's real scores for the undecided ones
        pipeline = registry.load_pipeline(registry.by_version(active))
        undecided = db.session.scalars(db.select(Applicant.id).where(Applicant.decision.is_(None))).all()
        assert len(undecided) == 40
        for applicant_id in undecided:
            applicant = db.session.get(Applicant, applicant_id)
            text = document_text(document_of(applicant_id))
            applicant.record_score(float(pipeline.predict_proba([text])[0, 1]), active, [], 0.65, notify=False)
        db.session.commit()
    before = snapshot(app)

    h = admin["headers"]
    assert client.post(f"/models/{active}/shadow", headers=h).status_code == 409
    assert client.post(f"/models/{candidate}/shadow", headers=admin["headers"]).status_code == 202

    def shadowed():
        with app.app_context():
            return db.session.scalar(db.select(db.func.count()).select_from(ShadowScore)) == 140
    wait_for(shadowed, "140 shadow scores (100 recently decided + 40 new)")
    assert snapshot(app) == before

    shadow = client.get(f"/models/{candidate}/shadow", headers=h).get_json()["shadow"]
    assert shadow["shadowed"] == 140 and shadow["version"] == candidate and shadow["status"] == "candidate"
    assert shadow["vs_active"]["compared"] == 40 and shadow["vs_active"]["active_versions"] == [active]
    assert 0 <= shadow["vs_active"]["agreement"] <= 1 and shadow["vs_active"]["mean_abs_difference"] is not None
    human = shadow["vs_human"]
    assert human["decided"] == 100 and human["shadow_auc"] > 0.7 and human["active_compared"] == 0
    low, high = human["shadow_agreement_ci"]
    assert low <= human["shadow_agreement"] <= high


def test_beat_keeps_shadow_scoring_the_newest_proposal(app, make_model, seed_labelled, monkeypatch):
    """Hourly, the newest candidate proposed since the last activation scores the applicants added meanwhile;
    with no such candidate nothing runs. Only shadow_scores change."""
    from sqlalchemy import func, select

    from senko import queue
    from senko.extensions import db
    from senko.models import ShadowScore
    from senko.tasks.training import shadow_newest

    monkeypatch.setattr(queue, "rescore_all", lambda version: "not-rescored")
    make_model(activate=True)
    assert app.extensions["celery"].conf.beat_schedule["shadow-newest-candidate"]["task"] == shadow_newest.name
    with app.app_context():
        assert shadow_newest() is None  # nothing proposed since the activation
    candidate = make_model("logistic_regression")
    seed_labelled(app, 5, decided=0, start=900)  # arrived after the proposal
    before = snapshot(app)
    with app.app_context():
        first = shadow_newest()
        assert first["version"] == candidate and first["shadowed"] > 5
        rows = db.session.scalar(select(func.count()).select_from(ShadowScore))
        assert rows == first["shadowed"]
    assert snapshot(app) == before
