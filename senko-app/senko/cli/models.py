"""``flask models ...``: train, list, activate, roll back, import and convert models from the command line."""
from pathlib import Path

import click
from sqlalchemy import select

from ..exceptions import SenkoError
from ..extensions import db
from ..models import MlModel
from ..training import legacy, registry
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
    """Import a skops file of a scikit-learn pipeline trained elsewhere (pickles are refused; checked on the hold-out set)."""
    model = registry.import_model(path.read_bytes(), algorithm, None)
    click.echo(f"Imported {path.name} as {model.version} (candidate); AUC on hold-out: {model.metrics.get('roc_auc')}")


@models.command("convert")
@click.argument("versions", nargs=-1)
def convert(versions):
    """Convert models stored as pickles by earlier versions to skops (all of them, or VERSIONS).

    Each pickle is checked against its registry sha256 first and unpickled only in a child
    process with an empty environment; a file that does not match is refused, never loaded.
    """
    targets = [registry.by_version(version) for version in versions] if versions else legacy.legacy_models()
    if not targets:
        click.echo("No model is stored as a pickle: nothing to convert.")
        return
    refused = 0
    for model in targets:
        legacy_name = model.filename
        try:
            legacy.convert(model)
        except SenkoError as exc:
            refused += 1
            click.echo(f"Refused {model.version}: {exc.message}", err=True)
            continue
        click.echo(f"Converted {model.version}: {legacy_name} -> {model.filename}")
    if refused:
        raise click.ClickException(f"{refused} of {len(targets)} models not converted")
