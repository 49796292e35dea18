"""The contract between senko-app and senko-predict: model input, /predict bodies, and trainer = server."""
import hashlib
import json
import math
import pickle
import random

import pytest

from senko_predict.contract import (
    NO_MODEL_STATUS,
    ContractError,
    document_text,
    documents_from_counts,
    is_no_model_answer,
    no_model_answer,
    nouns_from_counts,
    parse_predict_request,
    parse_predict_response,
    predict_request,
    predict_response,
)

GOOD_ANSWER = {"model_version": "v3", "probabilities": [0.25, 1.0],
               "explanations": [[{"noun": "Python", "weight": 0.31}, {"noun": "接客", "weight": -0.2}], []]}


def test_contract_module_needs_only_the_standard_library():
    """senko-app imports the contract alone: it must not pull Flask, numpy, scikit-learn or the app code."""
    import subprocess
    import sys

    code = ("import sys, senko_predict.contract; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('flask', 'werkzeug', 'numpy', 'sklearn', 'sqlalchemy') or m.startswith('senko_predict.')))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "['senko_predict.contract']"


def test_document_text_removes_spaces_inside_nouns_and_keeps_repeats():
    """Nouns are joined by single spaces; a noun's own spaces vanish; repeats and order stay."""
    assert document_text(["機械 学習", "Python", "Python", " A W S "]) == "機械学習 Python Python AWS"
    assert document_text([]) == ""
    assert document_text(iter(["設計"])) == "設計"


def test_nouns_from_counts_repeats_each_noun_by_its_count():
    """(noun, count) pairs become the noun list the model reads, in row order."""
    assert nouns_from_counts([("経験", 3), ("Python", 1), ("空", 0)]) == ["経験", "経験", "経験", "Python"]
    assert document_text(nouns_from_counts([("機械 学習", 2)])) == "機械学習 機械学習"


def test_documents_from_counts_groups_rows_by_key():
    """(key, noun, count) rows become one document per key, keys in order of first appearance."""
    rows = [(7, "設計", 2), (3, "接客", 1), (7, "Python", 1)]
    assert documents_from_counts(rows) == {7: ["設計", "設計", "Python"], 3: ["接客"]}
    assert list(documents_from_counts(rows)) == [7, 3]
    assert documents_from_counts([]) == {}


def test_request_round_trip():
    """What the client builds, the server parses back unchanged (through JSON)."""
    documents = [["Python", "設計", "設計"], [], ("タプル",)]
    body = json.loads(json.dumps(predict_request(documents), ensure_ascii=False))
    assert body == {"documents": [["Python", "設計", "設計"], [], ["タプル"]]}
    assert parse_predict_request(body, max_documents=5) == [["Python", "設計", "設計"], [], ["タプル"]]


@pytest.mark.parametrize(("body", "status", "message"), [
    (None, 400, 'Send {"documents": [[noun, ...], ...]} with at least one document'),
    ("x", 400, 'Send {"documents": [[noun, ...], ...]} with at least one document'),
    ({}, 400, 'Send {"documents": [[noun, ...], ...]} with at least one document'),
    ({"documents": []}, 400, 'Send {"documents": [[noun, ...], ...]} with at least one document'),
    ({"documents": {"a": ["b"]}}, 400, 'Send {"documents": [[noun, ...], ...]} with at least one document'),
    ({"documents": [["a"]] * 4}, 413, "At most 3 documents per request"),
    ({"documents": [[1, 2]]}, 422, "Each document must be a list of strings (nouns)"),
    ({"documents": ["Python 設計"]}, 422, "Each document must be a list of strings (nouns)"),
    ({"documents": [["a"], None]}, 422, "Each document must be a list of strings (nouns)"),
])
def test_request_errors_have_their_status_and_message(body, status, message):
    """Each malformed request is refused with the status and message senko-predict has always sent."""
    with pytest.raises(ContractError) as refused:
        parse_predict_request(body, max_documents=3)
    assert (refused.value.status, refused.value.message, str(refused.value)) == (status, message, message)
    assert isinstance(refused.value, ValueError)


def test_response_round_trip():
    """The server's answer, through JSON, parses back to the same typed answer."""
    built = predict_response("v3", [0.25, 1.0], GOOD_ANSWER["explanations"])
    assert built == GOOD_ANSWER
    assert parse_predict_response(json.loads(json.dumps(built)), expected=2) == GOOD_ANSWER
    assert parse_predict_response({"model_version": "v1", "probabilities": [0, 1], "explanations": [[], []]}) == {
        "model_version": "v1", "probabilities": [0.0, 1.0], "explanations": [[], []]}


def broken(**changes) -> dict:
    answer = json.loads(json.dumps(GOOD_ANSWER))
    answer.update(changes)
    return answer


@pytest.mark.parametrize("data", [
    None,
    [0.5],
    {k: v for k, v in GOOD_ANSWER.items() if k != "explanations"},
    {k: v for k, v in GOOD_ANSWER.items() if k != "model_version"},
    broken(model_version=""),
    broken(model_version=3),
    broken(probabilities="0.5"),
    broken(probabilities=[0.25]),                   # one probability, two explanations
    broken(probabilities=[0.25, math.nan]),
    broken(probabilities=[0.25, math.inf]),
    broken(probabilities=[0.25, 1.5]),
    broken(probabilities=[0.25, "0.5"]),
    broken(probabilities=[0.25, True]),
    broken(explanations=[[]]),
    broken(explanations=[[{"noun": "Python"}], []]),
    broken(explanations=[[{"noun": 1, "weight": 0.1}], []]),
    broken(explanations=[[{"noun": "Python", "weight": math.nan}], []]),
    broken(explanations=[{"noun": "Python", "weight": 0.1}, []]),
], ids=lambda d: json.dumps(d, ensure_ascii=False, default=str)[:60])
def test_malformed_responses_are_refused(data):
    """A wrong length, a missing field, a non-finite or out-of-range probability or a bad explanation is refused."""
    with pytest.raises(ContractError) as refused:
        parse_predict_response(data)
    assert refused.value.status == 502 and refused.value.message


def test_response_for_another_number_of_documents_is_refused():
    """Two probabilities answering three documents is a broken answer."""
    with pytest.raises(ContractError, match="2 probabilities for 3 documents"):
        parse_predict_response(GOOD_ANSWER, expected=3)


def test_no_model_answer_is_recognised():
    """The 503 model_loaded=false body is what the client recognises as "no model", and nothing else is."""
    body = no_model_answer("no active model in the registry")
    assert body == {"message": "No model loaded: no active model in the registry", "model_loaded": False}
    assert is_no_model_answer(NO_MODEL_STATUS, json.loads(json.dumps(body)))
    assert not is_no_model_answer(500, body)
    assert not is_no_model_answer(503, {"message": "Service Unavailable"})
    assert not is_no_model_answer(503, None)


# --- the trainer and the server agree ---------------------------------------------------------------

class FakeRegistry:
    """Stands in for the ml_models table: one active row."""

    def __init__(self, row):
        self.row = row

    def active(self):
        return self.row


def labelled_documents(count: int = 60):
    """Deterministic noun lists (with spaces inside nouns and repeats) and OK/NG labels."""
    rng = random.Random(7)
    strong, weak = ["Python", "機械 学習", "設計", "AWS", "要件 定義"], ["接客", "ブランク", "販売", "事務", "未経験"]
    documents, labels = [], []
    for i in range(count):
        label = i % 2
        pool = strong if label else weak
        nouns = [rng.choice(pool) for _ in range(rng.randint(3, 8))] + [rng.choice(strong + weak) for _ in range(2)]
        documents.append(nouns)
        labels.append(label)
    return documents, labels


def pipelines():
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    def vectorizer():  # as senko-app's trainer: whitespace tokens, kept as they are
        return TfidfVectorizer(token_pattern=r"\S+", lowercase=False, sublinear_tf=True)

    return {
        "linear_svm": make_pipeline(vectorizer(), CalibratedClassifierCV(LinearSVC(), method="sigmoid", cv=3)),
        "logistic_regression": make_pipeline(vectorizer(), LogisticRegression()),
        # Allowed types, but three steps: scored without explanations, like any non-linear model.
        "three_steps": make_pipeline(vectorizer(), TfidfTransformer(), LogisticRegression()),
    }


@pytest.mark.parametrize("algorithm", ["linear_svm", "logistic_regression", "three_steps"])
def test_trainer_and_server_give_the_same_probabilities(tmp_path, algorithm):
    """A pipeline fitted on document_text answers through /predict exactly as when called on document_text directly."""
    from senko_predict import artifact
    from senko_predict.app import create_app

    documents, labels = labelled_documents()
    pipeline = pipelines()[algorithm].fit([document_text(d) for d in documents], labels)
    data = artifact.dumps(pipeline)
    (tmp_path / "model.skops").write_bytes(data)
    row = {"version": "v1", "filename": "model.skops", "sha256": hashlib.sha256(data).hexdigest(), "algorithm": algorithm,
           "training_size": len(documents), "metrics": {}, "trained_at": None}
    service = create_app({"SENKO_MODEL_DIR": str(tmp_path), "SENKO_PREDICT_POLL_SECONDS": 0}, registry=FakeRegistry(row))

    asked = [["機械 学習", "Python", "Python", "設計"], ["接客", "販売", "ブランク"], ["機械学習"], ["未知 の 語"], []]
    response = service.test_client().post("/predict", json=predict_request(asked))
    assert response.status_code == 200, response.get_json()
    answer = parse_predict_response(response.get_json(), expected=len(asked))
    direct = [float(p) for p in pipeline.predict_proba([document_text(d) for d in asked])[:, 1]]
    assert answer["model_version"] == "v1"
    assert answer["probabilities"] == direct
    # "機械 学習" and "機械学習" are the same token on both sides.
    assert answer["probabilities"][2] == float(pipeline.predict_proba(["機械学習"])[:, 1][0])
    if algorithm == "three_steps":
        assert answer["explanations"] == [[] for _ in asked]
    else:
        assert "機械学習" in {e["noun"] for e in answer["explanations"][0]}


class WritesMarker:
    """Pickles to a call of ``exec`` that writes ``marker`` when unpickled."""

    def __init__(self, marker):
        self.source = f"open({str(marker)!r}, 'w').write('ran')"

    def __reduce__(self):
        return exec, (self.source,)


def test_server_loads_nothing_but_allow_listed_skops(tmp_path):
    """A legacy .pkl (even with the right sha256), a pickle named .skops and a skops forest are refused; nothing ran."""
    import skops.io
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.pipeline import make_pipeline

    from senko_predict.app import create_app

    documents, labels = labelled_documents()
    texts = [document_text(d) for d in documents]
    forest = make_pipeline(pipelines()["linear_svm"].steps[0][1], RandomForestClassifier(n_estimators=3)).fit(texts, labels)
    marker = tmp_path / "pwned"
    evil = pickle.dumps(WritesMarker(marker))
    cases = [("v1.pkl", evil, "flask models convert"), ("v1.skops", evil, "pickle"),
             ("v1.skops", skops.io.dumps(forest), "sklearn.ensemble._forest.RandomForestClassifier")]
    for filename, data, reason in cases:
        (tmp_path / filename).write_bytes(data)
        row = {"version": "v1", "filename": filename, "sha256": hashlib.sha256(data).hexdigest(), "algorithm": "x",
               "training_size": None, "metrics": {}, "trained_at": None}
        service = create_app({"SENKO_MODEL_DIR": str(tmp_path), "SENKO_PREDICT_POLL_SECONDS": 0}, registry=FakeRegistry(row))
        ready = service.test_client().get("/ready")
        assert ready.status_code == 503 and reason in ready.get_json()["message"], (filename, ready.get_json())
    assert not marker.exists()
