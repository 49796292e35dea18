"""API throughput benchmark: wrk against the running stack (`make up` first).

Prints requests/s and p50/p99 latency for ``GET /healthy`` and for an authenticated
``GET /applicant/20/1`` with 10,000 applicants in the table (seeded once, tagged source=bench).

    .venv/bin/python bench/api.py [--duration 15] [--connections 32] [--applicants 10000]
"""
import argparse
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "senko-app"))

from native_stack import Stack  # noqa: E402

BENCH_EMAIL = "bench@example.com"
BENCH_PASSWORD = "bench-password-not-secret"


def seed(count: int) -> str:
    """Ensure ``count`` bench applicants and a bench user exist; return an access token."""
    from flask_jwt_extended import create_access_token
    from sqlalchemy import func, insert, select

    from senko import create_app
    from senko.auth.accounts import create_user
    from senko.extensions import db
    from senko.models import Applicant, User

    app = create_app()
    with app.app_context():
        user = User.by_email(BENCH_EMAIL) or create_user(BENCH_EMAIL, "Bench", BENCH_PASSWORD, "recruiter")
        have = db.session.scalar(select(func.count()).select_from(Applicant).where(Applicant.source == "bench"))
        rows = [{"name": f"ベンチ 太郎{i}", "furigana": "べんち たろう", "source": "bench", "status": "no_resume",
                 "applied_at": date(2026, 1, 1 + i % 28)} for i in range(have, count)]
        for start in range(0, len(rows), 1000):
            db.session.execute(insert(Applicant), rows[start:start + 1000])
        db.session.commit()
        total = db.session.scalar(select(func.count()).select_from(Applicant))
        print(f"applicants in table: {total}")
        return create_access_token(identity=str(user.id))


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
    parser.add_argument("--var", default=str(ROOT / "var"))
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--applicants", type=int, default=10_000)
    args = parser.parse_args()

    stack = Stack.from_var(Path(args.var))
    os.environ.update({k: v for k, v in stack.child_env().items() if k.startswith("SENKO_")})
    token = seed(args.applicants)
    base = f"http://127.0.0.1:{stack.env['SENKO_API_PORT']}"
    print(f"uWSGI processes: {stack.child_env()['SENKO_UWSGI_PROCESSES']}, wrk: {args.threads} threads, "
          f"{args.connections} connections, {args.duration}s each")
    for label, url, headers in (
        ("GET /healthy", f"{base}/healthy", []),
        ("GET /applicant/20/1 (JWT + Redis + MySQL)", f"{base}/applicant/20/1", [f"Authorization: Bearer {token}"]),
    ):
        result = wrk(url, args.duration, args.connections, args.threads, headers)
        print(f"{label:45} {result['rps']:9.0f} req/s   p50 {result['p50']:>8}   p99 {result['p99']:>8}   non-2xx {result['errors']}")


if __name__ == "__main__":
    main()
