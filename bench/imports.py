"""Spreadsheet import benchmark (issue 11): a 20,000-row .xlsx and the same rows as CSV (``make_large``).

For each file: the reader alone in this process (detect + preview of every sheet, then ``read_rows``
of the whole sheet), and the whole flow through the worker: upload → ``ready`` (detect + preview)
and commit → ``done`` (read every row, duplicate check, one transaction per sheet), as rows/s; and
the peak RSS (VmHWM) of the worker's processes. The second file holds the same people as the first,
so its commit is the re-import case: every row is checked and reported as a duplicate, none stored.

    .venv/bin/python bench/imports.py [--rows 20000] [--own-stack]

``--own-stack`` starts MariaDB, Redis and a worker of its own on free ports in a temporary folder
(stopped at the end) instead of using the stack `make up` started.
"""
import argparse
import time
from pathlib import Path

import common


def own_stack():
    """A bench stack of its own (``common.own_stack``) with a worker of 2 processes."""
    stack = common.own_stack("senko-bench-imports-", {"SENKO_ENV": "production", "SENKO_WORKER_CONCURRENCY": "2"})
    stack.start_worker()
    return stack, stack.var


def worker_peak_rss_mib(stack) -> float:
    """The largest VmHWM (peak resident set) among the worker's main process and its children, in MiB."""
    pid = stack.pid("worker")
    pids = {pid} if pid else set()
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                status = (proc / "status").read_text()
            except OSError:
                continue
            ppid = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("PPid:")), None)
            if ppid in pids:
                pids.add(int(proc.name))
    peak = 0
    for one in pids:
        try:
            status = Path(f"/proc/{one}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]))
    return peak / 1024


def wait(flask_app, import_id: int, statuses: tuple[str, ...], timeout: float = 1800) -> str:
    from senko.extensions import db
    from senko.models import SpreadsheetImport

    deadline = time.monotonic() + timeout
    with flask_app.app_context():
        while time.monotonic() < deadline:
            status = db.session.get(SpreadsheetImport, import_id).status
            db.session.rollback()
            if status in statuses:
                return status
            time.sleep(0.05)
    raise SystemExit(f"import {import_id} not {statuses} after {timeout} s")


def reader_only(data: bytes, filename: str, rows: int) -> dict:
    """The library alone: detect + preview, then every row of the sheet."""
    from senko.imports import preview, read_rows

    started = time.perf_counter()
    sheets = preview(data, filename)
    preview_s = time.perf_counter() - started
    started = time.perf_counter()
    result = read_rows(data, filename, sheets[0].name, sheets[0].mapping)
    read_s = time.perf_counter() - started
    assert len(result.rows) == rows, len(result.rows)
    return {"preview_s": preview_s, "read_s": read_s}


def through_worker(flask_app, user_id: int, data: bytes, filename: str, rows: int) -> dict:
    """Upload → ready, commit → done, via the worker; seconds of each and the report's counts."""
    from senko.importing import jobs

    with flask_app.app_context():
        started = time.perf_counter()
        import_id = jobs.start_import(data, filename, user_id).id
    assert wait(flask_app, import_id, ("ready", "failed")) == "ready"
    parse_s = time.perf_counter() - started
    with flask_app.app_context():
        started = time.perf_counter()
        jobs.request_commit(import_id, {}, user_id)
    assert wait(flask_app, import_id, ("done", "failed")) == "done"
    commit_s = time.perf_counter() - started
    with flask_app.app_context():
        counts = jobs.get(import_id).report["counts"]
    return {"parse_s": parse_s, "commit_s": commit_s, "counts": counts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--own-stack", action="store_true")
    args = parser.parse_args()
    stack, var = own_stack() if args.own_stack else (common.stack(), None)
    try:
        from senko.demo.spreadsheets import make_large
        from senko.models import User

        flask_app = common.app()
        common.token(flask_app, "recruiter")
        with flask_app.app_context():
            user_id = User.by_email(common.BENCH_EMAIL).id
        files = [(f"bench_{args.rows}.xlsx", make_large(args.rows, "xlsx")), (f"bench_{args.rows}.csv", make_large(args.rows, "csv"))]
        print(f"{args.rows} rows per file; worker concurrency {stack.env.get('SENKO_WORKER_CONCURRENCY', '?')}")
        for filename, data in files:
            alone = reader_only(data, filename, args.rows)
            flow = through_worker(flask_app, user_id, data, filename, args.rows)
            print(f"{filename} ({len(data) / 1e6:.1f} MB):")
            print(f"  reader alone: detect+preview {alone['preview_s']:.2f} s, read_rows {alone['read_s']:.2f} s "
                  f"= {args.rows / alone['read_s']:,.0f} rows/s")
            print(f"  worker: upload→ready (detect+preview) {flow['parse_s']:.2f} s = {args.rows / flow['parse_s']:,.0f} rows/s; "
                  f"commit {flow['commit_s']:.2f} s = {args.rows / flow['commit_s']:,.0f} rows/s "
                  f"(created {flow['counts'].get('created')}, duplicates {flow['counts'].get('duplicates')})")
            print(f"  worker peak RSS so far: {worker_peak_rss_mib(stack):.0f} MiB")
    finally:
        if var is not None:
            common.drop(stack)


if __name__ == "__main__":
    main()
