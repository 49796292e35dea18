"""``flask health ...``: the checks compose's health checks and ``make status`` run for the processes without HTTP."""
import json
import sys

import click

from .. import health as checks
from .base import SenkoGroup

health = SenkoGroup("health", help="Health of the dependencies, the Celery workers, the queue and beat.")


@health.command("beat")
def beat():
    """Exit 0 when beat ticked within SENKO_BEAT_STALE_SECONDS, else 1 (senko-beat's health check)."""
    heartbeat = checks.beat()
    if heartbeat is None or heartbeat["stale"]:
        click.echo("beat: " + ("no heartbeat yet" if heartbeat is None else f"stale, last tick {heartbeat['age']:.0f}s ago"))
        sys.exit(1)
    click.echo(f"beat: alive, last tick {heartbeat['age']:.0f}s ago")


@health.command("ready")
def ready():
    """Exit 0 when the database and Redis answer, else 1."""
    result = checks.dependencies()
    click.echo(", ".join(f"{name}: {value}" for name, value in result.items()))
    if any(value != "ok" for value in result.values()):
        sys.exit(1)


@health.command("status")
@click.option("--json", "as_json", is_flag=True, help="One JSON object (what make status reads).")
@click.option("--timeout", type=float, default=2.0, help="Seconds to wait for the workers' pings.")
def status(as_json, timeout):
    """Dependencies, answering workers, queue depth and beat's last runs."""
    report = checks.status(timeout)
    if as_json:
        click.echo(json.dumps(report))
        return
    click.echo(json.dumps(report, indent=2))
