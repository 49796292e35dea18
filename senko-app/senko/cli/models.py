"""``flask models ...``: train, list, activate, roll back and import models from the command line."""
from pathlib import Path

import click
from sqlalchemy import select

from ..extensions import db
from ..models import MlModel
from ..training import registry
from .base import SenkoGroup

models = SenkoGroup("models", help="Train, compare, activate and roll back scoring models.")


@models.command("list")
def list_models():
    """List models with status, AUC and training size (newest first)."""
    for model in db.session.scalars(select(MlModel).order_by(MlModel.id.desc())):
        auc = (model.metrics or {}).get("roc_auc")
        click.echo(f"{model.version:8} {model.status:9} {model.algorithm:22} AUC {auc if auc is not None else '-':<6} "
                   f"n={model.training_size or '-'} {model.source}")


@models.command("train")
@click.option("--algorithm", default=None, help="A configured factory name (default: SENKO_MODEL_DEFAULT).")
@click.option("--activate", is_flag=True, help="Activate the new model when done.")
def train(algorithm, activate):
    """Train a model now (with a progress bar) and register it as a candidate."""
    with click.progressbar(length=len(registry.STAGES), label="Training", show_pos=True) as bar:
        def progress(stage):
            bar.label = stage
            bar.update(1)

        model = registry.train(algorithm, None, progress)
    metrics = model.metrics
    click.echo(f"Trained {model.version} ({model.algorithm}) on {model.training_size} decisions: AUC {metrics['roc_auc']}, "
               f"F1 {metrics['f1']} at {metrics['threshold']}, Brier {metrics['brier']}")
    if activate:
        registry.activate(model)
        click.echo(f"Activated {model.version}")


@models.command("activate")
@click.argument("version")
def activate(version):
    """Activate VERSION (senko-predict switches within seconds; undecided applicants are rescored)."""
    registry.activate(registry.by_version(version))
    click.echo(f"Activated {version}")


@models.command("rollback")
def rollback():
    """Go back to the previously active model."""
    model = registry.rollback()
    click.echo(f"Rolled back to {model.version}")


@models.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--algorithm", default="", help="A label for the registry (default: the class name).")
def import_(path, algorithm):
    """Import a pickled scikit-learn pipeline trained elsewhere (checked on the hold-out set first)."""
    model = registry.import_model(path.read_bytes(), algorithm, None)
    click.echo(f"Imported {path.name} as {model.version} (candidate); AUC on hold-out: {model.metrics.get('roc_auc')}")
