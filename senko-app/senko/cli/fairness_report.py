"""``flask fairness report``: the adverse-impact report as a table (added to the ``fairness`` group)."""
from datetime import datetime

import click
from flask.cli import with_appcontext

from ..fairness.report import report as build_report
from ..models.fairness import ATTRIBUTES


def _pct(value) -> str:
    return "-" if value is None else f"{value * 100:5.1f}%"


def _ratio(ratio) -> str:
    return "-" if ratio is None else f"{ratio['value']:.2f} [{ratio['low']:.2f}–{ratio['high']:.2f}]"


@click.command("report")
@click.option("--attribute", type=click.Choice(ATTRIBUTES), required=True, help="The stated attribute to group by.")
@click.option("--from", "since", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Applicants added on or after.")
@click.option("--to", "until", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Applicants added on or before.")
@with_appcontext
def report(attribute, since, until):
    """Print the adverse-impact report: per group rates, four-fifths ratios (95% CI), calibration and warnings."""
    if until is not None:
        until = datetime.combine(until.date(), datetime.max.time())
    result = build_report(attribute, since, until)
    click.echo(f"Adverse impact by {attribute}: {result['applicants']} applicants ({result['not_stated']} not stated), "
               f"threshold {result['threshold']}, min group {result['min_group_size']}")
    click.echo(f"{'group':10} {'n':>5} {'score':>6} {'above':>7} {'ratio [95% CI]':>20} {'decided':>7} "
               f"{'OK':>7} {'ratio [95% CI]':>20} {'mean score':>10} {'OK (cal.)':>9}")
    for g in result["groups"]:
        cal = g["calibration"]
        click.echo(f"{g['group']:10} {g['applicants']:>5} {g['with_score']:>6} {_pct(g['share_above']):>7} "
                   f"{_ratio(g['model_ratio']):>20} {g['decided']:>7} {_pct(g['ok_rate']):>7} "
                   f"{_ratio(g['human_ratio']):>20} {_pct(cal['mean_score']):>10} {_pct(cal['ok_rate']):>9}")
    for warning in result["warnings"]:
        click.echo(f"WARNING ({warning['measure']}): {warning['message']}")
    if not result["warnings"]:
        click.echo("No group below four fifths of the highest with enough data.")
