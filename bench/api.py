"""API throughput benchmark: wrk against the running stack (`make up` first).

Prints requests/s and p50/p99 latency for ``GET /healthy``, for ``GET /user/me`` (the JWT + Redis
revocation check + user lookup alone) and for an authenticated ``GET /applicant/20/1`` with 10,000
applicants in the table (seeded once, tagged source=bench).

    .venv/bin/python bench/api.py [--duration 15] [--connections 32] [--applicants 10000]
"""
import argparse
import re
import subprocess
from datetime import date

import common


def seed(flask_app, count: int) -> None:
    """Ensure ``count`` bench applicants exist (tagged source=bench)."""
    from sqlalchemy import func, insert, select

    from senko.extensions import db
    from senko.models import Applicant

    with flask_app.app_context():
        have = db.session.scalar(select(func.count()).select_from(Applicant).where(Applicant.source == "bench"))
        rows = [{"name": f"ベンチ 太郎{i}", "furigana": "べんち たろう", "source": "bench", "status": "no_resume",
                 "applied_at": date(2026, 1, 1 + i % 28), "processing_attempts": 0} for i in range(have, count)]
        for start in range(0, len(rows), 1000):
            db.session.execute(insert(Applicant), rows[start:start + 1000])
        db.session.commit()
        print(f"applicants in table: {db.session.scalar(select(func.count()).select_from(Applicant))}")


def wrk(url: str, duration: int, connections: int, threads: int, headers: list[str]) -> dict:
    """Run wrk and parse requests/s and the latency distribution."""
    argv = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", url]
    for header in headers:
        argv += ["-H", header]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    pct = dict(re.findall(r"\s+(50|99)%\s+([\d.]+\w+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": pct.get("50"), "p99": pct.get("99"), "errors": int(non2xx.group(1)) if non2xx else 0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--var", default=None)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--applicants", type=int, default=10_000)
    args = parser.parse_args()

    stack = common.stack(args.var)
    flask_app = common.app()
    seed(flask_app, args.applicants)
    token = common.token(flask_app, "recruiter")
    base = f"http://127.0.0.1:{stack.env['SENKO_API_PORT']}"
    print(f"uWSGI processes: {stack.child_env()['SENKO_UWSGI_PROCESSES']}, wrk: {args.threads} threads, "
          f"{args.connections} connections, {args.duration}s each")
    for label, url, headers in (
        ("GET /healthy", f"{base}/healthy", []),
        ("GET /user/me (JWT + Redis + user row)", f"{base}/user/me", [f"Authorization: Bearer {token}"]),
        ("GET /applicant/20/1 (JWT + Redis + MySQL)", f"{base}/applicant/20/1", [f"Authorization: Bearer {token}"]),
    ):
        wrk(url, 2, args.connections, args.threads, headers)  # warm-up: connections, caches, lazy imports
        result = wrk(url, args.duration, args.connections, args.threads, headers)
        print(f"{label:45} {result['rps']:9.0f} req/s   p50 {result['p50']:>8}   p99 {result['p99']:>8}   non-2xx {result['errors']}")


if __name__ == "__main__":
    main()
