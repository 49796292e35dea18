"""``flask models ...``: train, list, activate, roll back, import and convert models from the command line."""
from pathlib import Path

import click
from sqlalchemy import select

from ..exceptions import SenkoError
from ..extensions import db
from ..models import MlModel
from ..training import governance, legacy, registry, shadow
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
@click.option("--activate", is_flag=True, help="Activate the new model when done (needs --acknowledge-card).")
@click.option("--acknowledge-card", is_flag=True, help="Print the model card and acknowledge it as the operator.")
def train(algorithm, activate, acknowledge_card):
    """Train a model now (with a progress bar) and register it as a candidate."""
    with click.progressbar(length=len(registry.STAGES), label="Training", show_pos=True) as bar:
        def progress(stage):
            bar.label = stage
            bar.update(1)

        model = registry.train(algorithm, None, progress)
    metrics = model.metrics
    click.echo(f"Trained {model.version} ({model.algorithm}) on {model.training_size} decisions: AUC {metrics['roc_auc']}, "
               f"F1 {metrics['f1']} at {metrics['threshold']}, Brier {metrics['brier']}")
    if acknowledge_card:
        _acknowledge(model)
    if activate:
        registry.activate(model)
        click.echo(f"Activated {model.version}")


def _acknowledge(model: MlModel) -> None:
    card = governance.card(model, registry.read_verified)
    click.echo(governance_text(card))
    governance.acknowledge(model, registry.read_verified, None, "acknowledged from the command line")
    click.echo(f"Acknowledged the model card of {model.version}")


def governance_text(card: dict) -> str:
    """A model card as a few readable lines."""
    holdout, cv, check = card["holdout"], card.get("cross_validation") or {}, card.get("fairness_check") or {}
    intervals = holdout.get("intervals") or {}
    lines = [f"Model card {card['version']} ({card['algorithm']}, {card['source']}): {card['data']['size']} decisions "
             f"from {card['data']['decided_from']} to {card['data']['decided_to']}",
             f"  hold-out AUC {holdout['metrics'].get('roc_auc')} {intervals.get('roc_auc', '')}, "
             f"cross-validated AUC {cv.get('roc_auc')} {(cv.get('intervals') or {}).get('roc_auc', '')}",
             f"  fairness check: {'passed' if check.get('passed') else 'FAILED' if check else 'not run'}"]
    lines += [f"  ! {failure['attribute']}: {failure['message']}" for failure in check.get("failures", [])]
    nouns = card.get("top_nouns") or {}
    for side in ("positive", "negative"):
        if side in nouns:
            lines.append(f"  top {side}: " + ", ".join(f"{n['noun']} {n['weight']:+.3f}" for n in nouns[side][:8]))
    return "\n".join(lines)


@models.command("card")
@click.argument("version")
@click.option("--acknowledge", is_flag=True, help="Acknowledge the card as the operator (needed before a first activation).")
def card(version, acknowledge):
    """Print the model card of VERSION (and acknowledge it)."""
    model = registry.by_version(version)
    if acknowledge:
        _acknowledge(model)
    else:
        click.echo(governance_text(governance.card(model, registry.read_verified)))


@models.command("activate")
@click.argument("version")
@click.option("--acknowledge-card", is_flag=True, help="Print the model card and acknowledge it as the operator first.")
def activate(version, acknowledge_card):
    """Activate VERSION (senko-predict switches within seconds; undecided applicants are rescored)."""
    model = registry.by_version(version)
    if acknowledge_card and model.card_acknowledged_at is None:
        _acknowledge(model)
    registry.activate(model)
    click.echo(f"Activated {version}")


@models.command("shadow")
@click.argument("version")
def shadow_score(version):
    """Shadow-score new and recently decided applicants with VERSION and compare it with the active model."""
    result = shadow.run_version(version)
    comparison = shadow.compare(registry.by_version(version))
    active, human = comparison["vs_active"], comparison["vs_human"]
    click.echo(f"Shadow-scored {result['shadowed']} applicants with {version}: agreement with the active model "
               f"{active['agreement']} ({active['into_review']} into review, {active['out_of_review']} out); "
               f"with decisions {human['shadow_agreement']} (AUC {human['shadow_auc']}, active {human['active_auc']})")


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
