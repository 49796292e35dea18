"""API throughput benchmark: wrk against the running stack (`make up` first).

Prints requests/s and p50/p99 latency for ``GET /healthy``, for ``GET /user/me`` (the JWT + Redis
revocation check + user state alone), for an authenticated ``GET /applicant/20/1`` and
``GET /applicants?status=scored&sort=-score&limit=20`` with 10,000 applicants in the table (seeded
once, tagged source=bench), each as a ratio to the auth baseline: ``bench/baseline.py`` (PyJWT +
the Redis blocklist, nothing else) swapped in for senko-app under the same uwsgi.ini and nginx for
one run, senko-app started again after it.

    .venv/bin/python bench/api.py [--duration 15] [--connections 32] [--applicants 10000]
"""
import argparse
import contextlib
import re
import subprocess
from datetime import date

import common


def seed(flask_app, count: int) -> None:
    """Ensure ``count`` bench applicants exist (tagged source=bench)."""
    from sqlalchemy import func, insert, select, update

    from senko.extensions import db
    from senko.models import Applicant
    from senko.models.kana import fold

    with flask_app.app_context():
        have = db.session.scalar(select(func.count()).select_from(Applicant).where(Applicant.source == "bench"))
        rows = [{"name": f"ベンチ 太郎{i}", "furigana": "べんち たろう", "source": "bench", "status": "scored",
                 "score": (i * 7919 % 1000) / 1000, "name_key": fold(f"ベンチ 太郎{i}"), "furigana_key": fold("べんち たろう"),
                 "applied_at": date(2026, 1, 1 + i % 28), "processing_attempts": 0} for i in range(have, count)]
        for start in range(0, len(rows), 1000):
            db.session.execute(insert(Applicant), rows[start:start + 1000])
        # Bench rows of an older seed had no score: make them scored, so the filtered list has rows to show.
        db.session.execute(update(Applicant).where(Applicant.source == "bench", Applicant.status == "no_resume")
                           .values(status="scored", score=(Applicant.id % 1000) / 1000.0))
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
    auth = [f"Authorization: Bearer {token}"]
    routes = (
        ("GET /healthy", f"{base}/healthy", []),
        ("GET /user/me (JWT + Redis, user row)", f"{base}/user/me", auth),
        ("GET /applicant/20/1 (old route)", f"{base}/applicant/20/1", auth),
        ("GET /applicants?status=scored&sort=-score&limit=20", f"{base}/applicants?status=scored&sort=-score&limit=20", auth),
        ("GET /applicants?sort=-score&limit=20", f"{base}/applicants?sort=-score&limit=20", auth),
    )

    def measure(label: str, url: str, headers: list[str]) -> dict:
        wrk(url, 2, args.connections, args.threads, headers)  # warm-up: connections, caches, lazy imports
        return {"label": label, **wrk(url, args.duration, args.connections, args.threads, headers)}

    results = [measure(*route) for route in routes]
    with baseline_app(stack):
        base_result = measure("baseline: bare WSGI, PyJWT HS256 + Redis blocklist", f"{base}/", auth)
    for result in [base_result, *results]:
        print(f"{result['label']:56} {result['rps']:8.0f} req/s  {result['rps'] / base_result['rps']:5.2f}x baseline"
              f"   p50 {result['p50']:>8}   p99 {result['p99']:>8}   non-2xx {result['errors']}")


@contextlib.contextmanager
def baseline_app(stack):
    """Swap senko-app for ``bench/baseline.py`` under the same uwsgi.ini (only the module differs), behind
    the same nginx; senko-app is started again afterwards."""
    from senko_stack import services
    from senko_stack.processes import port_open, wait_for

    ini = stack.var / "run" / "uwsgi-baseline.ini"
    original = (services.APP_DIR / "uwsgi.ini").read_text()
    ini.write_text(re.sub(r"(?m)^module = .*$", "module = baseline:application", original)
                   + f"\npythonpath = {common.ROOT / 'bench'}\n")
    ini.chmod(0o644)
    uwsgi_port = int(stack.env["SENKO_UWSGI_PORT"])
    stack.stop("uwsgi")
    try:
        stack.spawn("uwsgi", [stack.bin("uwsgi"), "--ini", str(ini)], cwd=services.APP_DIR,
                    env=services.share_data(stack), user=stack.account)
        wait_for(lambda: port_open(uwsgi_port), "uWSGI (baseline)", 60, stack.log / "uwsgi.log")
        yield
    finally:
        stack.stop("uwsgi")
        stack.start_app()


if __name__ == "__main__":
    main()
