"""``flask demo load``: generated applicants with résumés and decisions, and a first trained model."""
import logging
import threading

import click

from ..demo import jobboard, loader
from .base import SenkoGroup

demo = SenkoGroup("demo", help="Demo data for a first look at Senko.")


@demo.command("load")
@click.option("--count", default=300, show_default=True, help="Applicants to generate.")
@click.option("--decided", default=0.8, show_default=True, help="Share of them with a past OK/NG decision.")
@click.option("--if-empty", is_flag=True, help="Do nothing when applicants already exist.")
@click.option("--train/--no-train", default=True, show_default=True, help="Train and activate a first model.")
def load(count, decided, if_empty, train):
    """Generate COUNT résumés (deterministic), process them, record past decisions, train and activate a model."""
    logging.getLogger("senko").setLevel(logging.WARNING)  # one line per résumé is too chatty here
    if if_empty and loader.has_applicants():
        click.echo("Applicants exist already; no demo data loaded.")
        return
    with click.progressbar(length=count, label="Résumés") as bar:
        cutoff = loader.load(count, decided, step=lambda: bar.update(1))
    click.echo(f"Loaded {count} applicants ({cutoff} with decisions).")
    if train:
        model = loader.train_first_model()
        click.echo(f"Trained and activated {model.version}: AUC {model.metrics['roc_auc']} on the hold-out set.")


@demo.command("board")
@click.option("--port", default=9200, show_default=True, help="Loopback port to serve the demo job board on.")
@click.option("--count", default=60, show_default=True, help="Applications on the board (a few more arrive every hour).")
def board(port, count):
    """Serve a demo job board (JSON API and recruiter console) on 127.0.0.1 until stopped."""
    app = jobboard.create_board(jobboard.make_applications(count, seed=77))
    server = jobboard.serve(app, port=port)
    click.echo(f"Demo job board on {server.url} (API key demo-key; console recruiter / demo-password)")
    stop = threading.Event()
    try:
        while not stop.wait(3600):
            app.board.add(2)  # new applications keep arriving, so the next scheduled run finds some
    finally:
        server.stop()


@demo.command("source")
@click.option("--url", "board_url", default="http://127.0.0.1:9200", show_default=True, help="The demo job board.")
def source(board_url):
    """Add the demo job board as a source (and to the allow list) and start its first run."""
    source_id, run_id = loader.create_demo_source(board_url)
    click.echo(f"Source {loader.DEMO_SOURCE} (id {source_id}): run {run_id} started")
