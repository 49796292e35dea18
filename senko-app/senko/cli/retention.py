"""``flask retention ...``: see which applicants have passed the retention period, and delete them now."""
import click

from .. import retention as service
from ..models.mixins import isoformat
from .base import SenkoGroup

retention = SenkoGroup("retention", help="Applicants past SENKO_RETENTION_MONTHS: preview and delete.")


@retention.command("preview")
@click.option("--limit", type=int, default=None, help="List at most this many.")
def preview(limit):
    """List the applicants the next run would delete (id, decided_at, added, reason); deletes nothing."""
    rows = service.preview(limit)
    for row in rows:
        click.echo(f"{row.id:>8}  decided {isoformat(row.decided_at) or '-':20}  added {isoformat(row.created_at)}  {row.reason}")
    before = service.cutoff()
    click.echo(f"{len(rows)} applicant(s) would be deleted" + (f" (cutoff {isoformat(before)})" if before else
                                                                  " (retention is off: SENKO_RETENTION_MONTHS=0)"))


@retention.command("run")
def run():
    """Delete the expired applicants now (what the daily beat job does) and print the counts."""
    counts = service.run()
    click.echo(f"Deleted {counts['deleted']} applicant(s); cleared {counts['audit_scrubbed']} audit payload(s).")
