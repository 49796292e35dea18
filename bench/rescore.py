"""Bulk rescore benchmark: re-score N applicants with 1 and then 2 Celery worker nodes.

Starts its own MariaDB, Redis and senko-predict in a temporary folder (``--var`` for a bench stack of
your own; never the one `make up` runs for real data), bulk-inserts N undecided applicants with
nouns plus labelled ones, trains and activates a model, then runs the chunked rescore job
(``senko.bulk``) with worker nodes ``bench-1`` (and ``bench-2``), one process each. Prints wall
time, applicants/s, the 2:1 ratio, and where the time goes: the chunks' own timings from the
workers' logs (read nouns, predict round trips, write), summed over all chunks.

    .venv/bin/python bench/rescore.py [--count 100000] [--chunk 500] [--var DIR] [--keep]
"""
import argparse
import json
import random
import re
import sys
import time

import common

VOCABULARY = [f"語彙{i}" for i in range(3000)]
GOOD = VOCABULARY[:40]  # nouns that make an OK more likely
NOUNS_EACH = 25


def nouns(applicant_id: int, rng: random.Random, label: str | None) -> list[dict]:
    """Noun rows of one applicant; labelled OK ones lean on the GOOD words."""
    words = set(rng.sample(VOCABULARY, NOUNS_EACH))
    if label == "OK" or (label is None and rng.random() < 0.3):
        words |= set(rng.sample(GOOD, 5))
    return [{"applicant_id": applicant_id, "noun": w, "count": rng.randint(1, 3)} for w in words]


def seed(flask_app, count: int, labelled: int, batch: int = 5000) -> float:
    """Bulk-insert ``labelled`` decided and ``count`` undecided, processed applicants with nouns."""
    from sqlalchemy import insert

    from senko.extensions import db
    from senko.models import Applicant, ApplicantNoun

    rng = random.Random(15)
    started = time.perf_counter()
    with flask_app.app_context(), db.engine.begin() as conn:
        for start in range(0, labelled + count, batch):
            rows, noun_rows = [], []
            for n in range(start, min(labelled + count, start + batch)):
                label = ("OK" if rng.random() < 0.5 else "NG") if n < labelled else None
                rows.append({"id": n + 1, "name": f"応募 {n}", "name_source": "entered", "status": "unscored",
                             "processed_sha256": "0" * 64, "decision": label, "processing_attempts": 0})
                noun_rows += nouns(n + 1, rng, label)
            conn.execute(insert(Applicant.__table__), rows)
            conn.execute(insert(ApplicantNoun.__table__), noun_rows)
    return time.perf_counter() - started


def model(flask_app, stack) -> str:
    """Train and activate a model; drop the activation's own rescore message (the bench starts its jobs itself)."""
    import redis

    from senko.training import registry

    with flask_app.app_context():
        trained = registry.train()
        try:  # a model never in service needs its card acknowledged first (model governance)
            from senko.training import governance
        except ImportError:
            governance = None
        if governance is not None and hasattr(governance, "acknowledge"):
            governance.acknowledge(trained, registry.read_verified, None, "bench/rescore.py")
        registry.activate(trained)
    redis.Redis.from_url(stack.redis_url("admin", 1)).flushdb()
    return trained.version


def wait_serving(flask_app, version: str) -> None:
    """Until senko-predict answers with ``version``."""
    from senko.exceptions import Unavailable
    from senko.scoring.client import predict

    with flask_app.app_context():
        for _ in range(300):
            try:
                if predict([["語彙1"]])["model_version"] == version:
                    return
            except Unavailable:
                pass
            time.sleep(0.2)
    raise SystemExit(f"senko-predict never served {version}")


def run(flask_app, stack, workers: int) -> tuple[float, dict, dict]:
    """One rescore job with ``workers`` nodes; (wall seconds, summed chunk timings, job state)."""
    from senko.bulk import jobs
    from senko.extensions import db

    names = [f"bench-{i + 1}" for i in range(workers)]
    offsets = {}
    for name in names:
        log = stack.log / f"{name}.log"
        offsets[name] = log.stat().st_size if log.exists() else 0
        stack.start_worker(concurrency=1, name=name)
    with flask_app.app_context():
        started = time.perf_counter()
        job_id = jobs.start_rescore().id
        while True:
            db.session.rollback()
            state = jobs.describe(job_id)
            if state["status"] != "running":
                break
            time.sleep(0.2)
        seconds = time.perf_counter() - started
    for name in names:
        stack.stop(name)
    timings: dict = {}
    for name in names:
        text = (stack.log / f"{name}.log").read_text(errors="replace")[offsets[name]:]
        for match in re.finditer(rf"bulk job {job_id} chunk \d+: .*?timings (\{{[^}}]*\}})", text):
            for step, value in json.loads(match.group(1).replace("'", '"')).items():
                timings[step] = timings.get(step, 0.0) + value
    return seconds, timings, state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--labelled", type=int, default=2000)
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument("--var", default=None, help="a bench stack of your own (default: a fresh temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary stack's folder")
    args = parser.parse_args()
    own = None if args.var else common.own_stack()
    stack = own or common.stack(args.var)
    try:
        stack.env["SENKO_BULK_CHUNK_SIZE"] = str(args.chunk)
        common.os.environ["SENKO_BULK_CHUNK_SIZE"] = str(args.chunk)
        flask_app = common.app()
        print(f"seeded {args.count} undecided + {args.labelled} labelled applicants ({NOUNS_EACH}+ nouns each) "
              f"in {seed(flask_app, args.count, args.labelled):.1f} s", flush=True)
        stack.start_predict()
        version = model(flask_app, stack)
        wait_serving(flask_app, version)
        results = {}
        for workers in (1, 2):
            seconds, timings, state = run(flask_app, stack, workers)
            results[workers] = seconds
            busy = sum(timings.values()) or 1
            split = ", ".join(f"{step} {value:.1f} s ({value / busy * 100:.0f}%)" for step, value in timings.items())
            print(f"{workers} worker node(s): {state['done']} applicants ({state['failed']} failed) in {seconds:.1f} s "
                  f"= {state['done'] / seconds:.0f} applicants/s; {state['chunks']['total']} chunks of {args.chunk}; "
                  f"time in chunks: {split}", flush=True)
        print(f"2 workers : 1 worker = {results[1] / results[2]:.2f}× (one machine with 2 cores, shared by MariaDB, "
              "senko-predict's 2 processes and the workers)")
    finally:
        stack.stop("predict")
        if own is not None:
            if args.keep:
                for name in own.SERVICES:
                    own.stop(name)
            else:
                common.drop(own)


if __name__ == "__main__":
    sys.exit(main())
