"""``flask`` command groups, one per noun (docstrings become the help text)."""
from .users import users


def init_app(app):
    """Attach the command groups to ``app.cli``."""
    app.cli.add_command(users)
