"""Ingest benchmark: upload N generated résumés through the API and time until all are processed.

Reports résumés/minute with 1 and 2 worker processes (the running stack's worker is restarted with
each concurrency and left at 2), the raw single-core cost of extraction (pdfminer.six) and noun
extraction (Janome) on the same documents, per-stage times from the worker's log, and the pipeline's
overhead on top of the raw cost.

    .venv/bin/python bench/ingest.py [--count 40]
"""
import argparse
import io
import json
import re
import statistics
import time

import requests

import common


def generate(count: int) -> list[tuple[str, bytes]]:
    from senko.demo.resumes import make_profile, resume_pdf

    return [(f"bench_{i:04d}.pdf", resume_pdf(make_profile(10_000 + i))) for i in range(count)]


def raw_costs(files) -> dict:
    """Single-core cost of each stage outside the pipeline."""
    from senko.ingest.extract import extract_text
    from senko.ingest.nouns import extract_nouns, load_stopwords, tokenizer

    stopwords = load_stopwords()
    tokenizer()  # load the dictionary before timing
    pages = chars = 0
    extract_s = tokenize_s = 0.0
    for _name, data in files:
        started = time.perf_counter()
        extraction = extract_text(data, 20)
        extract_s += time.perf_counter() - started
        pages += extraction.pages
        chars += len(extraction.text)
        started = time.perf_counter()
        extract_nouns(extraction.text, stopwords)
        tokenize_s += time.perf_counter() - started
    return {"pages": pages, "chars": chars, "extract_s": extract_s, "tokenize_s": tokenize_s}


def run(api: str, token: str, files, flask_app) -> float:
    """Upload everything in bulk requests of 20 and wait until no applicant of this run is pending."""
    from sqlalchemy import func, select

    from senko.extensions import db
    from senko.models import Applicant

    headers = {"Authorization": f"Bearer {token}"}
    started = time.perf_counter()
    ids = []
    for start in range(0, len(files), 20):
        chunk = files[start:start + 20]
        response = requests.post(f"{api}/applicant/bulk", headers=headers,
                                 files=[("resumes", (name, io.BytesIO(data), "application/pdf")) for name, data in chunk])
        response.raise_for_status()
        ids += [a["id"] for a in response.json()["applicants"]]
    deadline = time.monotonic() + 600
    with flask_app.app_context():
        while time.monotonic() < deadline:
            pending = db.session.scalar(select(func.count()).select_from(Applicant).where(
                Applicant.id.in_(ids), Applicant.status.in_(("queued", "processing"))))
            db.session.commit()
            if not pending:
                break
            time.sleep(0.05)
        else:
            raise SystemExit(f"still {pending} résumés pending after 600 s; see var/log/worker.log")
    return time.perf_counter() - started


def stage_times(log_text: str) -> dict:
    """Per-document stage times logged by the worker (extract, tokenize, store, score): name → list of seconds."""
    stages: dict = {}
    for match in re.finditer(r"timings (\{[^}]*\})", log_text):
        for stage, seconds in json.loads(match.group(1).replace("'", '"')).items():
            stages.setdefault(stage, []).append(seconds)
    return stages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--var", default=None)
    args = parser.parse_args()
    stack = common.stack(args.var)
    flask_app = common.app()
    token = common.token(flask_app, "recruiter")
    api = f"http://127.0.0.1:{stack.env['SENKO_API_PORT']}"
    files = generate(args.count)
    raw = raw_costs(files)
    per_doc_raw = (raw["extract_s"] + raw["tokenize_s"]) / args.count
    print(f"{args.count} résumés, {raw['pages']} pages, {raw['chars']} characters")
    print(f"raw, one core: pdfminer.six {raw['pages'] / raw['extract_s']:.1f} pages/s, "
          f"Janome {raw['chars'] / raw['tokenize_s']:.0f} chars/s, {per_doc_raw * 1000:.1f} ms per résumé "
          f"= {60 / per_doc_raw:.0f} résumés/min per core")
    for workers in (1, 2):
        stack.stop("worker")
        log = stack.log / "worker.log"
        offset = log.stat().st_size if log.exists() else 0
        stack.start_worker(concurrency=workers)
        seconds = run(api, token, files, flask_app)
        rate = args.count / seconds * 60
        overhead = seconds * workers / (per_doc_raw * args.count) - 1
        stages = stage_times(log.read_text(errors="replace")[offset:])
        stage_text = ", ".join(f"{k} {statistics.median(v) * 1000:.1f} ms" for k, v in stages.items())
        # The score stage is senko-predict's own work plus its HTTP round trip: shown apart from the
        # pipeline's overhead (upload, queue, status updates, noun storage).
        without_score = (seconds * workers - sum(stages.get("score", []))) / (per_doc_raw * args.count) - 1
        print(f"{workers} worker process(es): {seconds:.1f} s for {args.count} → {rate:.0f} résumés/min; "
              f"overhead over raw cost {overhead * 100:.0f}% = {1 + overhead:.2f}× raw, goal ≤ 1.25× "
              f"({1 + without_score:.2f}× without the score stage); "
              f"per-document stages (median): {stage_text}")
    with flask_app.app_context():
        from senko.scoring.client import NoModel, PredictUnavailable, predict

        samples = []
        for _ in range(50):
            started = time.perf_counter()
            try:
                predict([["Python", "設計", "経験"]])
            except (NoModel, PredictUnavailable) as exc:
                print(f"score stage: not measured ({exc})")
                break
            samples.append(time.perf_counter() - started)
        if samples:
            print(f"score stage (senko-predict round trip, one document): median {statistics.median(samples) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
