"""Job-board fetch benchmark: a board with 2,000 applications over 100 pages, against the running stack.

Serves the demo job board (``senko.demo.jobboard``) in this process on a free loopback port, adds a
json_api source for it (through the service, with an allow-list entry), and times, in this process:

- the first run: every page read and every applicant committed (applications/s) — the ingest
  pipeline is excluded (the bench board's applications carry no résumé, so nothing is queued);
- a re-run with nothing new: it continues from the stored cursor and should take seconds.

Everything it created (source, applicants, allow-list entry) is removed at the end.

    .venv/bin/python bench/sources.py [--applications 2000] [--page-size 20]
"""
import argparse
import logging
import time
from datetime import timedelta

import common


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=2000)
    parser.add_argument("--page-size", type=int, default=20)
    args = parser.parse_args()
    common.stack()
    flask_app = common.app()

    from sqlalchemy import delete

    from senko.demo.jobboard import create_board, make_applications, serve
    from senko.extensions import db
    from senko.models import Applicant, SourceRun
    from senko.sources import runner, service

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the board's access log
    # 15 minutes apart: all within the 30-day look-back.
    applications = make_applications(args.applications, seed=4242, step=timedelta(minutes=15))
    for application in applications:
        application["resume"] = False  # time the fetch and the commits, not the résumé pipeline
    server = serve(create_board(applications, page_size=args.page_size))
    name = f"bench-board-{server.port}"
    with flask_app.app_context():
        before = service.allow_list_json()["entries"]
        service.set_allow_list([*before, f"127.0.0.1:{server.port}"], None)
        settings = {"url": f"{server.url}/api/applications", "api_key": "demo-key", "items_path": "applications",
                    "next_cursor_path": "next_cursor", "cursor_param": "cursor",
                    "fields": {"external_id": "id", "name": "applicant.name", "furigana": "applicant.kana",
                               "email": "contact.email", "phone": "contact.phone", "applied_at": "applied_at"}}
        source_id = service.create({"name": name, "kind": "json_api", "settings": settings}, None).id
    try:
        for label in ("first run", "re-run, nothing new"):
            with flask_app.app_context():
                run_id = runner.start_inline(source_id).id
                started = time.perf_counter()
                runner.execute(run_id)
                seconds = time.perf_counter() - started
                run = db.session.get(SourceRun, run_id)
                rate = run.seen / seconds if seconds else 0
                print(f"{label:22} {seconds:8.2f} s   seen {run.seen:5}  new {run.new:5}  duplicates {run.duplicates:4}"
                      f"   {rate:8.0f} applications/s   status {run.status}")
        print(f"board requests: {len(server.app.board.requests)} ({args.applications // args.page_size} pages)")
    finally:
        with flask_app.app_context():
            db.session.execute(delete(Applicant).where(Applicant.source == name))
            db.session.commit()
            service.remove(source_id)
            service.set_allow_list(before, None)
        server.stop()


if __name__ == "__main__":
    main()
