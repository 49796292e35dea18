"""Entry point of the Celery worker and beat: ``celery -A senko.worker:celery worker`` (or ``beat``)."""
from celery.signals import worker_init

from . import create_app
from .ingest.nouns import tokenizer

app = create_app()
celery = app.extensions["celery"]


@worker_init.connect
def load_tokenizer(**_kwargs):
    """Load Janome's dictionary once, in the worker's main process, before the pool forks.

    Every child (also one that replaces a child over its memory limit) then starts with it, instead
    of its first résumé paying the load (measured: ~150 ms more on the first document).
    """
    tokenizer()
