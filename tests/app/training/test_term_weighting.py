"""Term weighting resists stuffing: a noun named fifty times weighs what it weighs named once."""
import pytest

from senko.demo import resumes


@pytest.fixture(scope="module")
def corpus() -> tuple[list[str], list[str]]:
    """120 generated applicants as model input (their nouns, repeated by count) and their OK/NG labels."""
    from senko.ingest.nouns import extract_nouns, load_stopwords, name_parts
    from senko_predict.contract import document_text, nouns_from_counts

    stopwords = load_stopwords()
    profiles = [resumes.make_profile(i) for i in range(120)]
    documents = []
    for profile in profiles:
        nouns = extract_nouns("\n".join(profile.lines()), stopwords, name_parts(profile.name, profile.furigana))
        documents.append(document_text(nouns_from_counts(sorted(nouns.counts.items()))))
    return documents, [profile.label for profile in profiles]


@pytest.mark.parametrize("algorithm", ["linear_svm", "logistic_regression"])
def test_repeating_liked_nouns_does_not_raise_the_score(corpus, algorithm):
    """Both shipped estimators: the liked nouns fifty times score exactly as once (and once still counts)."""
    from senko.training import estimators

    documents, labels = corpus
    model = getattr(estimators, algorithm)().fit(documents, labels)
    ok = list(model.classes_).index("OK")
    base = documents[labels.index("NG")]
    liked = " Python 機械 学習 データ 分析"
    plain, once, fifty = model.predict_proba([base, base + liked, base + liked * 50])[:, ok]
    assert fifty == pytest.approx(once, abs=1e-9)
    assert once > plain
