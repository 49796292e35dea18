"""``flask backup ...``: write a backup archive of the database, résumés and models, and restore one."""
import click

from .. import backup as service
from .base import SenkoGroup

backup = SenkoGroup("backup", help="Back up the database, résumés and models into one archive; restore it.")


@backup.command("create")
@click.option("--output", default=None, help="Folder for the archive (default: SENKO_BACKUP_DIR, var/backups).")
def create(output):
    """Write senko-backup-<UTC time>.tar.gz (mode 600) with a manifest and checksums; prints its path."""
    result = service.create(output)
    counts = result["manifest"]["counts"]
    click.echo(f"{result['path']}\n  {counts.get('applicants', 0)} applicants, {counts.get('users', 0)} users, "
               f"{counts.get('ml_models', 0)} models, {len(result['manifest']['files']) - 1} files")


@backup.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
def restore(archive, force):
    """Verify ARCHIVE's checksums, then restore it into this (empty) stack; every session ends."""
    result = service.restore(archive, force)
    expected = result["manifest"]["counts"]
    click.echo(f"Restored the backup of {result['manifest']['created_at']} (revision {result['manifest']['alembic_revision']}).")
    for table, count in sorted(result["counts"].items()):
        note = "" if table not in expected or expected[table] == count else f" (backup: {expected[table]})"
        click.echo(f"  {table:20} {count}{note}")
    click.echo("Every session has ended: people log in again.")
