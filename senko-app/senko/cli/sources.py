"""``flask sources ...``: list job-board sources and run one now, in this process, with its report."""
import click

from ..sources import runner, service
from .base import SenkoGroup

sources = SenkoGroup("sources", help="Job-board sources (媒体連携): list them, run one now.")


@sources.command("list")
def list_sources():
    """List sources: id, name, kind, enabled, last run and next run."""
    for source in service.list_all():
        data = service.to_json(source)
        last = data["last_run"]
        click.echo(f"{source.id}\t{source.name}\t{source.kind}\t{'on' if source.enabled else 'off'}\t"
                   f"last: {last['status'] + ' ' + last['started_at'] if last else '-'}\tnext: {data['next_run_at'] or '-'}")


@sources.command("run")
@click.argument("source_id", type=int)
def run(source_id):
    """Fetch SOURCE_ID now and wait for the end (the résumés then go to the workers as usual)."""
    record = runner.start_inline(source_id)
    report = runner.execute(record.id) or {}
    click.echo(f"Run {record.id}: {report.get('status')}; seen {report.get('seen', 0)}, new {report.get('new', 0)}, "
               f"duplicates {report.get('duplicates', 0)}, errors {report.get('errors', 0)}"
               + (f"; {report['reason']}" if report.get("reason") else ""))
    if report.get("status") == "failed":
        raise click.exceptions.Exit(1)
