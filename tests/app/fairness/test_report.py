"""The adverse-impact report: stated attributes kept apart (auditors/admins only, never sent to predict, deleted
with the applicant), per-group rates, four-fifths ratios with intervals, and warnings only where warranted."""
import json
from datetime import date

import pytest
import requests


def seed_groups(app) -> list[int]:
    """400 scored and decided applicants with stated attributes, and a known bias.

    Gender is biased: men are above the threshold (and judged OK) in 50 %, women in 20 % (ratio 0.4).
    The age band is an unbiased control: both bands hold the same mix of both genders (ratio 1.0).
    Prefectures: 沖縄県 has 5 people, none above: a ratio of 0, but too few people for a warning.
    10 more applicants state nothing; the 5 in 沖縄県 state no gender or age.
    """
    from senko.extensions import db
    from senko.models import Applicant, ApplicantAttributes
    from senko.models.mixins import utcnow

    ids = []
    with app.app_context():
        for i in range(400):
            male, older, k = i % 2, (i // 2) % 2, i // 4
            above = k % 2 == 0 if male else k % 5 == 0
            prefecture = "東京都" if i % 3 else "大阪府"
            applicant = Applicant(name="監査 対象", status="scored", score=0.8 if above else 0.3, model_version="v1",
                                  decision="OK" if above else "NG", decided_at=utcnow())
            db.session.add(applicant)
            db.session.flush()
            db.session.add(ApplicantAttributes(applicant_id=applicant.id, gender="male" if male else "female",
                                               age_band="35-44" if older else "25-34", prefecture=prefecture))
            ids.append(applicant.id)
        for i in range(15):  # 10 state nothing, 5 only 沖縄県 (none above the threshold)
            applicant = Applicant(name="無記載 者", status="scored", score=0.3, model_version="v1")
            db.session.add(applicant)
            db.session.flush()
            db.session.add(ApplicantAttributes(applicant_id=applicant.id, prefecture="沖縄県" if i < 5 else None))
        for _ in range(3):  # processed before attributes were read (or no résumé yet): no attributes row at all
            db.session.add(Applicant(name="記録 前", status="scored", score=0.3, model_version="v1"))
        db.session.commit()
    return ids


@pytest.fixture
def auditor(users):
    """An auditor's Authorization header."""
    users.create("auditor@example.com", "auditor-password-123", "auditor", "監査 役")
    return users.headers(users.login("auditor@example.com", "auditor-password-123")["access_token"])


def by_group(report: dict) -> dict:
    return {g["group"]: g for g in report["groups"]}


def test_attributes_read_from_resume_text():
    """性別, an age band from 生年月日 (西暦 or 和暦, or 満N歳) and the prefecture of 住所; nothing guessed."""
    from senko.ingest.attributes import read_attributes

    today = date(2026, 11, 29)
    horizontal = read_attributes("氏名 山田 花子\n生年月日 1995年4月3日 (満31歳) 性別 女性\n現住所 〒160-0022 東京都新宿区1丁目", today)
    assert (horizontal.gender, horizontal.age_band, horizontal.prefecture) == ("female", "25-34", "東京都")
    vertical = read_attributes("生年月日\n昭和 55年 12月 1日\n性 別\n男\n住 所\n北海道札幌市中央区", today)
    assert (vertical.gender, vertical.age_band, vertical.prefecture) == ("male", "45-54", "北海道")
    assert read_attributes("年齢 58歳\n住所 ＊＊＊", today).age_band == "55+"
    # Words in free text are not stated attributes.
    silent = read_attributes("自己PR 男性向け化粧品の営業で大阪府を担当しました。", today)
    assert (silent.gender, silent.age_band, silent.prefecture) == (None, None, None)


def test_report_flags_the_biased_group_and_not_the_control(client, admin, app):
    """Gender (biased) gets warnings for the model and the humans; the age band (control) gets none; a tiny
    group's ratio of 0 is reported but not warned about; people who state nothing are counted apart."""
    seed_groups(app)
    response = client.get("/fairness/report?attribute=gender", headers=admin["headers"])
    assert response.status_code == 200, response.get_json()
    report = response.get_json()
    groups = by_group(report)
    assert report["applicants"] == 418 and report["not_stated"] == 18 and report["min_group_size"] == 30
    assert report["reference"] == {"model": "male", "human": "male"}
    assert groups["male"]["share_above"] == 0.5 and groups["female"]["share_above"] == 0.2
    low, high = groups["female"]["share_above_ci"]
    assert low < 0.2 < high
    assert groups["female"]["model_ratio"]["value"] == 0.4 and groups["female"]["model_ratio"]["high"] < 0.8
    assert groups["male"]["model_ratio"] == {"value": 1.0, "low": 1.0, "high": 1.0}
    # Calibration: scores 0.8/0.3 against OK rates 1/0 per applicant.
    female = groups["female"]["calibration"]
    assert female["n"] == 200 and female["ok_rate"] == 0.2 and female["mean_score"] == 0.4
    warned = {(w["group"], w["measure"]) for w in report["warnings"]}
    assert warned == {("female", "model"), ("female", "human")}
    assert all(w["confident"] and "four-fifths" in w["message"] for w in report["warnings"])

    control = client.get("/fairness/report?attribute=age_band", headers=admin["headers"]).get_json()
    assert control["warnings"] == []
    assert [g["model_ratio"]["value"] for g in control["groups"]] == [1.0, 1.0]
    other = next(g for g in control["groups"] if g["group"] != control["reference"]["model"])
    assert other["model_ratio"]["low"] < 1.0 < other["model_ratio"]["high"]

    places = client.get("/fairness/report?attribute=prefecture", headers=admin["headers"]).get_json()
    okinawa = by_group(places)["沖縄県"]
    assert okinawa["applicants"] == 5 and okinawa["model_ratio"]["value"] == 0.0
    assert all(w["group"] != "沖縄県" for w in places["warnings"])


def test_report_period_and_bad_parameters(client, admin, app):
    """``from``/``to`` select applicants by when they were added; a bad attribute or date is a 400."""
    seed_groups(app)
    h = admin["headers"]
    future = client.get("/fairness/report?attribute=gender&from=2999-01-01", headers=h).get_json()
    assert future["applicants"] == 0 and future["groups"] == [] and future["warnings"] == []
    today = date.today().isoformat()
    assert client.get(f"/fairness/report?attribute=gender&from=2000-01-01&to={today}",
                      headers=h).get_json()["applicants"] == 418
    for query in ("", "?attribute=religion", "?attribute=gender&from=yesterday", "?attribute=gender&from=2026-02-01&to=2026-01-01"):
        bad = client.get(f"/fairness/report{query}", headers=h)
        assert bad.status_code == 400 and bad.get_json()["code"] == "bad_request", query


def test_only_auditors_and_admins_read_the_report(client, admin, recruiter, auditor, app, users):
    """Recruiters 403, auditors and admins 200, no token 401; the auditor role is created through the API too."""
    seed_groups(app)
    assert client.get("/fairness/report?attribute=gender", headers=recruiter["headers"]).status_code == 403
    assert client.get("/fairness/report?attribute=gender").status_code == 401
    assert client.get("/fairness/report?attribute=gender", headers=auditor).status_code == 200
    assert client.get("/fairness/report?attribute=gender", headers=admin["headers"]).status_code == 200
    created = client.post("/user", headers=admin["headers"],
                          json={"email": "audit2@example.com", "name": "監査 二", "password": "long-password-123", "role": "auditor"})
    assert created.status_code == 201 and created.get_json()["user"]["role"] == "auditor"


def test_attributes_go_with_the_applicant(client, admin, app):
    """Deleting an applicant (by a person or by retention) deletes its stated attributes."""
    from sqlalchemy import func, select

    from senko import retention
    from senko.extensions import db
    from senko.models import ApplicantAttributes

    ids = seed_groups(app)
    assert client.delete(f"/applicant/{ids[0]}", headers=admin["headers"]).status_code == 200
    with app.app_context():
        assert db.session.get(ApplicantAttributes, ids[0]) is None
        assert db.session.get(ApplicantAttributes, ids[1]) is not None
        app.config["SENKO_RETENTION_MONTHS"] = 1
        try:
            retention.run(now=date(2999, 1, 1))
        finally:
            app.config["SENKO_RETENTION_MONTHS"] = 12
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ApplicantAttributes)) == 0


def test_pipeline_stores_attributes_and_never_sends_them_to_predict(app, make_model, make_applicant, predict_service,
                                                                   wait_for, monkeypatch):
    """A résumé through the real pipeline: its stated attributes are stored apart, and the request to
    senko-predict holds only the (masked) nouns, none of the attribute values."""
    from senko.demo.resumes import make_profile, resume_pdf
    from senko.extensions import db
    from senko.ingest import pipeline
    from senko.models import Applicant, ApplicantAttributes
    from senko.scoring import client as predict_client

    version = make_model(activate=True)
    sent = []
    original = predict_client.predict_request
    monkeypatch.setattr(predict_client, "predict_request", lambda documents: sent.append(original(documents)) or sent[-1])
    profile = make_profile(1)  # 男性, 愛知県
    applicant_id = make_applicant(resume_pdf(profile), name=profile.name, furigana=profile.furigana)
    wait_for(lambda: all(requests.get(f"{predict_service}/ready", timeout=5).json().get("model_version") == version
                         for _ in range(6)), "both predict workers on the model")
    with app.app_context():
        pipeline.process(applicant_id)
        assert db.session.get(Applicant, applicant_id).model_version == version
        stored = db.session.get(ApplicantAttributes, applicant_id)
        assert (stored.gender, stored.age_band, stored.prefecture) == ("male", "25-34", profile.place[:3])
    assert sent, "nothing was sent to senko-predict"
    payload = json.dumps(sent, ensure_ascii=False)
    for value in ("male", "25-34", profile.place[:3], "男性", "生年月日"):
        assert value not in payload, value


def test_cli_prints_the_table_and_warnings(runner, app):
    """`flask fairness report --attribute gender` prints one row per group, the ratios with intervals and the warnings."""
    seed_groups(app)
    result = runner.invoke(args=["fairness", "report", "--attribute", "gender"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "418 applicants (18 not stated)" in lines[0]
    female = next(line for line in lines if line.startswith("female"))
    assert "20.0%" in female and "0.40 [" in female
    assert sum(line.startswith("WARNING") for line in lines) == 2
    control = runner.invoke(args=["fairness", "report", "--attribute", "age_band", "--from", "2000-01-01"])
    assert control.exit_code == 0 and "No group below four fifths" in control.output
    assert runner.invoke(args=["fairness", "report", "--attribute", "religion"]).exit_code == 2
