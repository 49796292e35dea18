"""Entry point of the Celery worker and beat: ``celery -A senko.worker:celery worker`` (or ``beat``)."""
from . import create_app

app = create_app()
celery = app.extensions["celery"]
