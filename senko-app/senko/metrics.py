"""Prometheus metrics of senko-app: what its processes count (requests, ingest stages, tasks, logins).

The metric objects live here, at module level, as prometheus_client expects; nothing is opened at
import. With ``PROMETHEUS_MULTIPROC_DIR`` set (the stack sets a folder per service), each uWSGI or
Celery worker process writes its values to files there and the exporter (``flask metrics serve``)
adds them up; without it (tests in one process) they stay in this process. Labels stay bounded:
the route is the URL rule (``/applicant/<int:applicant_id>``), never the path; no personal data.
What is read at scrape time (applicants per status, queue depth, the active model) is in
``senko.collectors``.
"""
from flask import Flask
from prometheus_client import Counter, Histogram

from senko_predict.metrics import instrument

STAGES = ("extract", "tokenize", "store", "score")

HTTP_REQUESTS = Counter("senko_http_requests_total", "HTTP requests answered, by route, method and status",
                        ["route", "method", "status"])
HTTP_DURATION = Histogram("senko_http_request_duration_seconds", "Time to answer an HTTP request, by route",
                          ["route", "method", "status"],
                          buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
INGEST_STAGE = Histogram("senko_ingest_stage_seconds", "Time of one ingest stage of one résumé (extract, tokenize, store, score)",
                         ["stage"], buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60))
TASKS = Counter("senko_tasks_total", "Celery tasks finished, by task name and outcome (success, failure, retry)",
                ["task", "outcome"])
LOGIN_FAILURES = Counter("senko_login_failures_total", "Failed logins (wrong email or password)")


def init_app(app: Flask) -> None:
    """Count and time every request of ``app`` by route, method and status (the same rule as senko-predict's)."""
    instrument(app, HTTP_REQUESTS, HTTP_DURATION)


def observe_ingest(timings: dict[str, float]) -> None:
    """Record the stage timings of one processed résumé (``ingest.pipeline.process``)."""
    for stage, seconds in timings.items():
        if stage in STAGES:
            INGEST_STAGE.labels(stage).observe(seconds)


def count_login_failure() -> None:
    """One more failed login."""
    LOGIN_FAILURES.inc()


def track_tasks() -> None:
    """Count the outcomes of Celery tasks (success, failure, retry) by task name: in the worker only."""
    from celery.signals import task_failure, task_retry, task_success

    def outcome(name: str):
        def record(sender=None, request=None, **_kwargs):
            task = getattr(sender, "name", None) or getattr(request, "task", None) or "unknown"
            TASKS.labels(task, name).inc()
        return record

    # weak=False: the receivers are closures that nothing else holds.
    task_success.connect(outcome("success"), weak=False)
    task_failure.connect(outcome("failure"), weak=False)
    task_retry.connect(outcome("retry"), weak=False)
