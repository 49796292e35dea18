"""``flask metrics serve``: the exporter Prometheus scrapes for senko-app (a loopback listener of its own).

uWSGI's and the Celery worker's processes write their metrics into folders (prometheus_client's
multiprocess mode, ``PROMETHEUS_MULTIPROC_DIR`` per service); this process adds up every file of the
folders it is given, and answers what ``senko.collectors`` reads from the database and the broker.
/metrics is never a route of the API and never behind the public nginx server.
"""
import click
from flask import current_app
from flask.cli import with_appcontext
from prometheus_client import CollectorRegistry, start_http_server

from senko_predict.metrics import FoldersCollector

from ..collectors import SenkoCollector
from .base import SenkoGroup

metrics = SenkoGroup("metrics", help="Serve senko-app's Prometheus metrics.")


def registry_for(app, folders) -> CollectorRegistry:
    """A registry with the folders' metrics and the scrape-time collector of ``app``."""
    registry = CollectorRegistry()
    registry.register(FoldersCollector(folders))
    registry.register(SenkoCollector(app))
    return registry


@metrics.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback: not public).")
@click.option("--port", type=int, required=True, help="Port of /metrics (SENKO_METRICS_PORT).")
@click.option("--dir", "folders", multiple=True, type=click.Path(file_okay=False), required=True,
              help="A multiprocess folder to read (repeat: uWSGI's, the worker's).")
@with_appcontext
def serve(host, port, folders):
    """Answer GET /metrics on HOST:PORT until stopped."""
    app = current_app._get_current_object()
    _server, thread = start_http_server(port, addr=host, registry=registry_for(app, folders))
    click.echo(f"senko-app metrics on http://{host}:{port}/metrics (folders: {', '.join(folders)})")
    thread.join()
