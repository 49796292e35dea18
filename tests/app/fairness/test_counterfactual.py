"""Counterfactual résumé pairs through the real pipeline: one protected attribute changed, nothing else moves.

The model is trained on data where every changed word occurs unmasked with labels leaning NG (as a
model trained on past, biased decisions would be), so a masking gap shows as a score delta.
"""
from collections import Counter

import pytest
import requests

from senko.demo import counterfactual

pytestmark = pytest.mark.usefixtures("worker")


@pytest.fixture
def biased_model(app, predict_service, make_model, wait_for):
    """An active model trained on unmasked nouns where the protected words predict NG; senko-predict serves it."""
    from senko.extensions import db
    from senko.ingest.pipeline import store_nouns
    from senko.models import Applicant
    from senko.models.mixins import utcnow

    with app.app_context():
        for index, (nouns, label) in enumerate(counterfactual.training_documents()):
            applicant = Applicant(name=f"過去 応募者{index}", status="unscored", processed_sha256="0" * 64,
                                  decision=label, decided_at=utcnow())
            db.session.add(applicant)
            db.session.flush()
            store_nouns(applicant.id, Counter(nouns))
        db.session.commit()
    version = make_model(activate=True)  # trains on the rows above (the table is not empty)
    wait_for(lambda: all(requests.get(f"{predict_service}/ready", timeout=5).json().get("model_version") == version
                         for _ in range(6)), "both predict workers on the model")
    return version


def test_pairs_store_identical_nouns_and_score_equal(app, client, admin, biased_model, upload, wait_done):
    """Every pair (each protected field, life events, names incl. 𠮷 and foreign ones, schools incl. 女子,
    horizontal and 縦書き), uploaded and scored by the worker: same stored nouns, |Δscore| ≤ 0.005."""
    h = admin["headers"]
    suite = counterfactual.pairs()
    assert len(suite) >= 40 and sum(p.group == "life_event" for p in suite) >= 8
    ids = {}
    for variant in counterfactual.variants(suite):
        response = upload(client, h, variant.pdf(), name=variant.typed_name, furigana=variant.furigana)
        assert response.status_code == 202, response.get_json()
        ids[variant] = response.get_json()["id"]
    applicants = {variant: wait_done(client, h, applicant_id, timeout=600) for variant, applicant_id in ids.items()}
    assert {(a["status"], a["model_version"]) for a in applicants.values()} == {("scored", biased_model)}

    def stored(variant):
        rows = client.get(f"/applicant/{ids[variant]}/nouns", headers=h).get_json()["nouns"]
        return {row["noun"]: row["count"] for row in rows}

    rows = counterfactual.compare(suite, stored, {v: a["score"] for v, a in applicants.items()})
    assert all(row.passed for row in rows), "\n".join(counterfactual.table(rows))
    assert stored(suite[0].base), "the résumés keep their job nouns"


def test_cli_prints_the_table_against_the_active_model(app, runner, biased_model):
    """`flask fairness counterfactual`: attribute → max |Δscore| for every attribute, all within tolerance, exit 0;
    while the same pairs unmasked differ and mostly score far apart under that model (the check has teeth)."""
    from senko.scoring import client
    from senko_predict.contract import nouns_from_counts

    suite = counterfactual.pairs()
    found = {v: Counter(counterfactual.raw_nouns("\n".join(v.lines()))) for v in counterfactual.variants(suite)}
    with app.app_context():
        answer = client.predict([nouns_from_counts(sorted(found[v].items())) for v in found])
    rows = counterfactual.compare(suite, found.__getitem__, dict(zip(found, answer["probabilities"], strict=True)))
    assert all(not row.same_nouns for row in rows)
    assert sum(row.delta > 0.05 for row in rows) >= 0.8 * len(rows), counterfactual.table(rows)

    result = runner.invoke(args=["fairness", "counterfactual"])
    assert result.exit_code == 0, result.output
    assert f"Model {biased_model}" in result.output
    for attribute in ("家族", "宗教", "支持政党", "介護・離職", "氏名 (𠮷: PDFでNUL)", "学校名 (日本女子大学)"):
        line = next(line for line in result.output.splitlines() if line.startswith(attribute + " "))
        assert "same" in line and float(line.split()[-1]) <= counterfactual.TOLERANCE, line
    assert "0 failed" in result.output
