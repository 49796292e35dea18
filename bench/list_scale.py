"""GET /applicants at 1 k, 100 k and 1 M applicants: page 1, a page 1,000 cursors deep, keyword search.

The table is filled with bulk inserts (multi-row INSERTs of applicants and their nouns) up to each
scale in turn, and each query is timed through the whole Flask app in-process (token check, user
state, SQL, serialisation, total, read audit; no uWSGI or nginx), as p50/p99 of repeated requests.
It empties the applicants table, so by default it starts its own MariaDB and Redis in a temporary
folder (``--var`` to use a bench stack of your own; never the one `make up` runs for real data).

    .venv/bin/python bench/list_scale.py [--scales 1000,100000,1000000] [--repeat 200] [--var DIR] [--keep]
"""
import argparse
import random
import sys
import time
from datetime import date, timedelta

import common

STATUSES = ("scored",) * 6 + ("unscored", "failed", "no_resume", "queued")
SOURCES = ("マイナビ", "リクナビ", "自社サイト", "doda", "紹介")
FAMILY = ("やまだ", "すずき", "たかはし", "たなか", "いとう", "わたなべ", "やまもと", "なかむら", "こばやし", "かとう")
GIVEN = ("たろう", "はなこ", "いちろう", "さくら", "けんた", "ゆい", "しょう", "みさき")
COMMON_NOUN = "Python"  # in ~30 % of résumés
RARE_NOUN = "潜水士"  # in ~1 of 10,000
VOCABULARY = [f"語彙{i}" for i in range(5000)]
NOUNS_EACH = 6


def applicant_rows(start: int, count: int, rng: random.Random) -> list[dict]:
    """``count`` applicants from number ``start`` on, as bulk-insert rows."""
    from senko.models.kana import fold

    rows = []
    for n in range(start, start + count):
        furigana = f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}"
        name = f"応募 {n}"
        status = rng.choice(STATUSES)
        rows.append({"id": n + 1, "name": name, "furigana": furigana, "name_key": fold(name), "furigana_key": fold(furigana),
                     "status": status, "score": round(rng.random(), 4) if status == "scored" else None,
                     "source": rng.choice(SOURCES), "applied_at": date(2026, 1, 1) + timedelta(days=n % 300),
                     "decision": rng.choice(("OK", "NG", None, None, None)), "processing_attempts": 0, "name_source": "entered"})
    return rows


def noun_rows(applicant_id: int, rng: random.Random) -> list[dict]:
    """The nouns of one applicant: ~30 % have the common noun, 1 in 10,000 the rare one, the rest from a vocabulary."""
    nouns = set(rng.sample(VOCABULARY, NOUNS_EACH))
    if rng.random() < 0.3:
        nouns.add(COMMON_NOUN)
    if applicant_id % 10_000 == 7:
        nouns.add(RARE_NOUN)
    return [{"applicant_id": applicant_id, "noun": noun, "count": rng.randint(1, 5)} for noun in nouns]


def seed_to(flask_app, total: int, batch: int = 5000) -> float:
    """Bulk-insert applicants (and nouns) until the table holds ``total``; returns the seconds it took."""
    from sqlalchemy import func, insert, select

    from senko.extensions import db
    from senko.models import Applicant, ApplicantNoun

    started = time.perf_counter()
    with flask_app.app_context():
        have = db.session.scalar(select(func.count()).select_from(Applicant))
        rng = random.Random(have)
        with db.engine.begin() as conn:
            for start in range(have, total, batch):
                rows = applicant_rows(start, min(batch, total - start), rng)
                conn.execute(insert(Applicant.__table__), rows)
                conn.execute(insert(ApplicantNoun.__table__), [n for row in rows for n in noun_rows(row["id"], rng)])
                if (start // batch) % 20 == 0:
                    print(f"  seeded {start + len(rows):,}", file=sys.stderr, flush=True)
        # The bulk inserts bypass the session: a new generation makes the cached totals stale.
        from senko.counts import GENERATION_KEY
        from senko.extensions import redis_store

        redis_store.client.incr(GENERATION_KEY)
    return time.perf_counter() - started


def timed(client, url: str, headers: dict, repeat: int) -> tuple[float, float, dict]:
    """p50 and p99 in ms of ``repeat`` GETs of ``url``, and the last body."""
    times = []
    body = None
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
    return common.percentile(times, 50), common.percentile(times, 99), body


def deep_cursor(client, url: str, headers: dict, pages: int) -> tuple[str | None, int]:
    """The cursor reached by following ``pages`` cursors from page 1 (fewer when the list ends)."""
    cursor, followed = None, 0
    while followed < pages:
        response = client.get(url + (f"&cursor={cursor}" if cursor else ""), headers=headers)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        if not body["next_cursor"]:
            break
        cursor, followed = body["next_cursor"], followed + 1
    return cursor, followed


def measure(flask_app, repeat: int) -> list[tuple[str, float, float, str]]:
    """Every figure at the current size: (what, p50 ms, p99 ms, note)."""
    client = flask_app.test_client()
    # A fresh token for each scale: seeding and 1,000-cursor walks outlast an access token's 15 minutes.
    headers = {"Authorization": f"Bearer {common.token(flask_app, 'recruiter')}"}
    lines = []
    for label, url in (("page 1  status=scored&sort=-score", "/applicants?status=scored&sort=-score&limit=20"),
                       ("page 1  sort=-score (no filter)", "/applicants?sort=-score&limit=20"),
                       ("page 1  sort=furigana", "/applicants?sort=furigana&limit=20")):
        started = time.perf_counter()
        client.get(url, headers=headers)  # the first one also counts the total (cached afterwards)
        cold = (time.perf_counter() - started) * 1000
        p50, p99, body = timed(client, url, headers, repeat)
        lines.append((label, p50, p99, f"first {cold:.0f} ms, total {body['total']:,}{' ~' if body['total_is_estimate'] else ''}"))
        cursor, followed = deep_cursor(client, url, headers, 1000)
        if cursor:
            p50, p99, _ = timed(client, f"{url}&cursor={cursor}", headers, repeat)
            # Labelled by route, not by depth: at 1 k the list ends after 49 pages, so the last page stands in.
            lines.append((f"  deep page of {label.removeprefix('page 1  ')}", p50, p99,
                          f"after {followed:,} cursors, row {followed * 20 + 1:,}"))
    for label, q in (("q common noun (~30 %)", COMMON_NOUN), ("q rare noun (1/10,000)", RARE_NOUN)):
        url = f"/applicants?q={q}&sort=-score&limit=20"
        client.get(url, headers=headers)
        p50, p99, body = timed(client, url, headers, repeat)
        lines.append((label, p50, p99, f"total {body['total']:,}{' ~' if body['total_is_estimate'] else ''}"))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--var", default=None, help="a bench stack's folder (default: start a temporary one)")
    parser.add_argument("--keep", action="store_true", help="leave the temporary stack running")
    args = parser.parse_args()

    own = None
    if args.var:
        common.stack(args.var)
    else:
        own = common.own_stack()
        print(f"bench stack in {own.var}", file=sys.stderr)
    try:
        flask_app = common.app()
        summary = {}
        for scale in (int(s) for s in args.scales.split(",")):
            seconds = seed_to(flask_app, scale)
            print(f"\n== {scale:,} applicants (seeded in {seconds:.0f} s) ==", flush=True)
            for label, p50, p99, note in measure(flask_app, args.repeat):
                summary.setdefault(label, []).append(p50)
                print(f"{label:38} p50 {p50:7.2f} ms   p99 {p99:7.2f} ms   {note}", flush=True)
        print("\np50 at the largest scale / p50 at the smallest:")
        for label, values in summary.items():
            print(f"{label:38} {values[-1] / values[0]:5.2f}x")
    finally:
        if own is not None and not args.keep:
            common.drop(own)


if __name__ == "__main__":
    main()
