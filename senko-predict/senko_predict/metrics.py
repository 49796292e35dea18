"""Prometheus metrics of senko-predict, and its exporter: ``python -m senko_predict.metrics --port P --dir D``.

Each uWSGI worker records requests per route and status, the time of each prediction and the batch
sizes; with ``PROMETHEUS_MULTIPROC_DIR`` set (the stack sets one folder for senko-predict) the values
go to files there, and the exporter, a loopback listener of its own, adds up every file. /metrics is
not a route of senko-predict. Its HTTP metrics are named ``senko_predict_http_*`` (senko-app's
``senko_http_*`` share one registry with them when both packages load in one process, as in the tests).
"""
import argparse
import glob
import os
import time

from flask import Flask, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server
from prometheus_client.multiprocess import MultiProcessCollector

HTTP_REQUESTS = Counter("senko_predict_http_requests_total", "HTTP requests answered, by route, method and status",
                        ["route", "method", "status"])
HTTP_DURATION = Histogram("senko_predict_http_request_duration_seconds", "Time to answer an HTTP request, by route",
                          ["route", "method", "status"],
                          buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
PREDICT_DURATION = Histogram("senko_predict_request_duration_seconds", "Time to score one batch (model inference)",
                             buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
PREDICT_BATCH = Histogram("senko_predict_batch_size", "Documents per POST /predict",
                          buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000))
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def instrument(app: Flask, requests_total, duration) -> None:
    """Count (``requests_total``) and time (``duration``) every request of ``app`` by route (the URL rule,
    or ``unmatched``: bounded, no ids), method and status. senko-app uses it with its own metrics."""

    @app.before_request
    def start_timer():
        g.metrics_started = time.perf_counter()

    @app.after_request
    def observe(response):
        route = request.url_rule.rule if request.url_rule is not None else "unmatched"
        labels = (route, request.method if request.method in METHODS else "other", str(response.status_code))
        requests_total.labels(*labels).inc()
        started = g.get("metrics_started")
        if started is not None:  # None: a hook registered earlier answered before ours ran
            duration.labels(*labels).observe(time.perf_counter() - started)
        return response


def init_app(app: Flask) -> None:
    """Count and time every request of senko-predict."""
    instrument(app, HTTP_REQUESTS, HTTP_DURATION)


def observe_prediction(documents: int, seconds: float) -> None:
    """Record one scored batch: its size and how long the model took."""
    PREDICT_BATCH.observe(documents)
    PREDICT_DURATION.observe(seconds)


class FoldersCollector:
    """The metrics the processes writing into ``folders`` (multiprocess mode) recorded, added up."""

    def __init__(self, folders):
        self.folders = tuple(folders)

    def collect(self):
        """Merge every process's file (counters and histograms summed, also those of exited processes)."""
        files = [path for folder in self.folders for path in sorted(glob.glob(os.path.join(folder, "*.db")))]
        return MultiProcessCollector.merge(files, accumulate=True)


def main(argv=None) -> None:
    """Serve the folders' metrics on HOST:PORT (loopback by default) until stopped."""
    parser = argparse.ArgumentParser(prog="python -m senko_predict.metrics", description=main.__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", dest="folders", action="append", required=True, help="a multiprocess folder (repeat)")
    args = parser.parse_args(argv)
    registry = CollectorRegistry()
    registry.register(FoldersCollector(args.folders))
    _server, thread = start_http_server(args.port, addr=args.host, registry=registry)
    print(f"senko-predict metrics on http://{args.host}:{args.port}/metrics", flush=True)
    thread.join()


if __name__ == "__main__":
    main()
