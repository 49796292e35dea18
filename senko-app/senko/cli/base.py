"""What every command group shares: domain errors become a clean ``Error: ...`` and exit status 1."""
import click
from flask.cli import AppGroup

from ..exceptions import SenkoError


class SenkoGroup(AppGroup):
    """A ``flask`` command group whose commands may raise any ``SenkoError``: the one place the CLI handles them."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except SenkoError as exc:
            raise click.ClickException(exc.message) from exc
