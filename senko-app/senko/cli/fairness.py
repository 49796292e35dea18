"""``flask fairness ...``: checks that protected attributes do not move scores."""
import click

from ..demo import counterfactual
from ..scoring import client
from .base import SenkoGroup
from .fairness_report import report

fairness = SenkoGroup("fairness", help="Fairness checks: counterfactual résumé pairs against the active model; "
                                       "the adverse-impact report.")
fairness.add_command(report)


@fairness.command("counterfactual")
@click.option("--nouns-only", is_flag=True, help="Compare the stored nouns only (no senko-predict needed).")
def counterfactual_suite(nouns_only):
    """Run the counterfactual pairs through the pipeline, score them with the active model (senko-predict)
    and print attribute → max |score delta|. Exit status 1 when a pair's nouns differ or a delta exceeds 0.005."""

    def score(documents):
        answer = client.predict(documents)
        click.echo(f"Model {answer['model_version']} (senko-predict)")
        return answer["probabilities"]

    rows = counterfactual.run_suite(None if nouns_only else score)
    for line in counterfactual.table(rows):
        click.echo(line)
    failed = [row for row in rows if not row.passed]
    deltas = [row.delta for row in rows if row.delta is not None]
    click.echo(f"{len(rows)} pairs, {len(failed)} failed" + (f", max |Δscore| {max(deltas):.4f}" if deltas else "")
               + f" (tolerance {counterfactual.TOLERANCE})")
    if failed:
        raise SystemExit(1)
