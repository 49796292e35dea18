"""senko-predict benchmark: HTTP latency and batch throughput, training time, model load time.

Needs the running stack (`make up`). Trains its own models in-process on generated applicants
(nothing is written to the registry), and measures the HTTP service with whatever model is active.

    .venv/bin/python bench/predict.py [--requests 500]
"""
import argparse
import statistics
import time

import requests

import common


def generated_documents(count: int):
    """Nouns of ``count`` generated applicants (cached in var/, since tokenizing 10,000 takes minutes)."""
    import json

    cache = common.ROOT / "var" / f"bench-documents-{count}.json"
    if cache.exists():
        data = json.loads(cache.read_text())
        return data["texts"], data["labels"]
    from senko.demo.resumes import make_profile
    from senko.ingest.nouns import extract_nouns, load_stopwords, name_parts

    stopwords = load_stopwords()
    texts, labels = [], []
    for index in range(count):
        profile = make_profile(20_000 + index)
        result = extract_nouns("\n".join(profile.lines()), stopwords, name_parts(profile.name, profile.furigana))
        texts.append(" ".join(n for n, c in result.counts.items() for _ in range(c)))
        labels.append(1 if profile.label == "OK" else 0)
    cache.parent.mkdir(exist_ok=True)
    cache.write_text(json.dumps({"texts": texts, "labels": labels}, ensure_ascii=False))
    return texts, labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--var", default=None)
    args = parser.parse_args()
    stack = common.stack(args.var)
    from senko.training.estimators import linear_svm, logistic_regression
    from senko_predict import artifact

    print("generating 10,000 applicants' nouns ...")
    texts, labels = generated_documents(10_000)
    for size in (1_000, 10_000):
        for factory in (linear_svm, logistic_regression):
            model = factory()
            started = time.perf_counter()
            model.fit(texts[:size], labels[:size])
            print(f"training {factory.__name__:20} on {size:6,} applicants: {time.perf_counter() - started:.2f} s")
    model = linear_svm().fit(texts[:1000], labels[:1000])
    blob = artifact.dumps(model)
    started = time.perf_counter()
    for _ in range(20):
        artifact.loads(blob)
    print(f"model load (skops, allow-list checked, {len(blob) / 1024:.0f} KiB): "
          f"{(time.perf_counter() - started) / 20 * 1000:.1f} ms")
    started = time.perf_counter()
    for text in texts[:1000]:
        model.predict_proba([text])
    print(f"in-process predict_proba, one document: {(time.perf_counter() - started):.2f} ms per document (1,000 calls)")

    url = f"{stack.child_env()['SENKO_PREDICT_URL']}/predict"
    documents = [t.split() for t in texts]
    probe = requests.post(url, json={"documents": documents[:1]}, timeout=10)
    if probe.status_code != 200:
        print(f"HTTP: senko-predict has no model ({probe.json().get('message')}); activate one (SENKO_DEMO=1 make up)")
        return
    session = requests.Session()
    latencies = []
    for index in range(args.requests):
        started = time.perf_counter()
        session.post(url, json={"documents": [documents[index % len(documents)]]}, timeout=10).raise_for_status()
        latencies.append(time.perf_counter() - started)
    print(f"HTTP one document ({args.requests} sequential requests, model {probe.json()['model_version']}): "
          f"p50 {statistics.median(latencies) * 1000:.1f} ms, p99 {common.percentile(latencies, 99) * 1000:.1f} ms")
    started = time.perf_counter()
    for start in range(0, 10_000, 1000):
        session.post(url, json={"documents": documents[start:start + 1000]}, timeout=60).raise_for_status()
    seconds = time.perf_counter() - started
    print(f"HTTP batches of 1,000: {10_000 / seconds:,.0f} documents/s ({seconds / 10 * 1000:.0f} ms per batch)")


if __name__ == "__main__":
    main()
