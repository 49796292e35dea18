"""``flask demo load``: generated applicants with résumés and decisions, and a first trained model."""
import logging

import click

from ..demo import loader
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
