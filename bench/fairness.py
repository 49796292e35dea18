"""Masking on the demo data: nouns per résumé, distinct nouns, 5-fold AUC, and the counterfactual table.

Every demo résumé (``senko.demo.resumes``, the seed `flask demo load` uses) goes through the PDF writer,
pdfminer.six and the noun extractor; the counterfactual table uses a linear SVM trained on unmasked
nouns where the protected words lean NG (``senko.demo.counterfactual.training_documents``), the model
of ``tests/app/fairness/test_counterfactual.py``. No stack needed; about 4 minutes on 2 cores.

    .venv/bin/python bench/fairness.py [--count 300] [--before OLD_NOUNS.py OLD_STOPWORDS.txt]

``--before`` compares with another extractor (e.g. the pre-issue-12 one:
``git show e282f55:senko-app/senko/ingest/nouns.py > /tmp/old_nouns.py``, and its stopwords.txt).
"""
import argparse
import importlib.util
import statistics
import time


def demo_texts(count: int) -> list:
    from senko.demo.resumes import make_profile, resume_pdf
    from senko.ingest.extract import extract_text

    return [(make_profile(i), extract_text(resume_pdf(make_profile(i)), 20).text) for i in range(count)]


def current_extractor(keep_schools: bool = False):
    from senko.ingest.nouns import extract_nouns, load_stopwords, name_parts
    from senko.ingest.profile import read_name_fields

    stopwords = load_stopwords()

    def nouns(text: str, name: str, furigana: str | None) -> dict:
        found = read_name_fields(text)
        personal = name_parts(name, furigana, found.name, found.furigana)
        return dict(extract_nouns(text, stopwords, personal, keep_schools=keep_schools).counts)
    return nouns


def module_extractor(module_path: str, stopwords_path: str):
    spec = importlib.util.spec_from_file_location("before_nouns", module_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    stopwords = module.load_stopwords(stopwords_path)
    return lambda text, name, furigana: dict(module.extract_nouns(text, stopwords, module.name_parts(name, furigana)).counts)


def cross_validated_auc(documents: list[dict], labels: list[str], algorithm: str) -> float:
    import numpy as np
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold

    from senko.training import estimators
    from senko_predict.contract import document_text, nouns_from_counts

    y = np.array([1 if label == "OK" else 0 for label in labels])
    x = np.array([document_text(nouns_from_counts(sorted(d.items()))) for d in documents], dtype=object)
    oof = np.zeros(len(y))
    for train, test in StratifiedKFold(n_splits=5, shuffle=True, random_state=42).split(x, y):
        model = getattr(estimators, algorithm)().fit(list(x[train]), y[train])
        oof[test] = model.predict_proba(list(x[test]))[:, 1]
    return round(float(roc_auc_score(y, oof)), 4)


def counts(label: str, texts: list, nouns) -> None:
    documents = [nouns(text, profile.name, profile.furigana) for profile, text in texts]
    labels = [profile.label for profile, _ in texts]
    distinct = {noun for document in documents for noun in document}
    sizes = [len(document) for document in documents]
    print(f"{label:8} distinct nouns {len(distinct):4}, nouns per résumé mean {statistics.mean(sizes):.1f} "
          f"(min {min(sizes)}, max {max(sizes)}), one-character nouns {sum(len(n) == 1 for n in distinct)}, "
          f"5-fold AUC linear SVM {cross_validated_auc(documents, labels, 'linear_svm')}, "
          f"logistic regression {cross_validated_auc(documents, labels, 'logistic_regression')}")


def counterfactual_table(label: str, nouns) -> None:
    from senko.demo import counterfactual
    from senko.ingest.extract import extract_text
    from senko.training import estimators
    from senko_predict.contract import document_text, nouns_from_counts

    suite = counterfactual.pairs()
    found = {}
    for variant in counterfactual.variants(suite):
        found[variant] = nouns(extract_text(variant.pdf(), 20).text, variant.typed_name, variant.furigana)
    training = counterfactual.training_documents()
    model = estimators.linear_svm().fit([document_text(d) for d, _ in training], [label for _, label in training])
    ok = list(model.classes_).index("OK")
    probabilities = model.predict_proba([document_text(nouns_from_counts(sorted(found[v].items()))) for v in found])
    rows = counterfactual.compare(suite, found.__getitem__, dict(zip(found, probabilities[:, ok], strict=True)))
    print(f"\ncounterfactual pairs, {label}: {sum(not r.passed for r in rows)} of {len(rows)} failed, "
          f"max |Δscore| {max(r.delta for r in rows):.4f}")
    for line in counterfactual.table(rows):
        print("  " + line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--before", nargs=2, metavar=("NOUNS_PY", "STOPWORDS_TXT"))
    args = parser.parse_args()
    started = time.perf_counter()
    texts = demo_texts(args.count)
    print(f"{args.count} demo résumés extracted in {time.perf_counter() - started:.0f} s")
    extractors = [("after", current_extractor())]
    if args.before:
        extractors.insert(0, ("before", module_extractor(*args.before)))
    for label, nouns in extractors:
        counts(label, texts, nouns)
    counts("schools kept", texts, current_extractor(keep_schools=True))
    for label, nouns in extractors:
        counterfactual_table(label, nouns)


if __name__ == "__main__":
    main()
