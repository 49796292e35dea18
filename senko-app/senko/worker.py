"""Entry point of the Celery worker and beat: ``celery -A senko.worker:celery worker`` (or ``beat``)."""
from celery.signals import beat_init, worker_init

from . import alerts, create_app
from .ingest.nouns import tokenizer
from .metrics import track_tasks

app = create_app()
celery = app.extensions["celery"]
track_tasks()  # senko_tasks_total{task,outcome}, from Celery's signals


@worker_init.connect
def load_tokenizer(**_kwargs):
    """Load Janome's dictionary once, in the worker's main process, before the pool forks.

    Every child (also one that replaces a child over its memory limit) then starts with it, instead
    of its first résumé paying the load (measured: ~150 ms more on the first document).
    """
    tokenizer()


@beat_init.connect
def watch_queue_backlog(**_kwargs):
    """Beat watches the queue's length (and alerts past the threshold) when an alert webhook is set."""
    alerts.watch_backlog(app, celery)
