"""``flask`` command groups, one per noun (docstrings become the help text)."""
from .boot import boot
from .demo import demo
from .models import models
from .sources import sources
from .users import users


def init_app(app):
    """Attach the command groups to ``app.cli``."""
    for group in (users, models, sources, demo, boot):
        app.cli.add_command(group)
