"""``flask`` command groups, one per noun (docstrings become the help text)."""
from .applicants import applicants
from .backup import backup
from .boot import boot
from .demo import demo
from .fairness import fairness
from .health import health
from .imports import imports
from .metrics import metrics
from .models import models
from .retention import retention
from .sources import sources
from .users import users


def init_app(app):
    """Attach the command groups to ``app.cli``."""
    for group in (users, models, sources, demo, boot, backup, retention, health, metrics, applicants, imports,
                  fairness):
        app.cli.add_command(group)
