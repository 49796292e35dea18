"""Celery, bound to the Flask app: every task runs inside an app context and receives ids only.

The task modules are thin: each task keeps only Celery's concerns (names, retries, limits, acks)
and calls one domain function. Domain code sends tasks by name through ``senko.queue``.
"""
from celery import Celery, Task

# Importing the task modules registers their tasks (shared_task) with whichever Celery app is current.
from . import alerts, bulk, imports, ingest, maintenance, scoring, sources, training  # noqa: F401
from .schedule import beat_schedule


def celery_init_app(app) -> Celery:
    """Create the Celery app for ``app`` (broker: Redis), register the tasks and the beat schedule."""

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.conf.update(
        broker_url=app.config["SENKO_CELERY_BROKER_URL"],
        task_ignore_result=True,
        # A task is acknowledged only when done; a worker killed mid-task gives it back to the queue.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        # A hostile document cannot keep memory: children are replaced above this (KiB).
        worker_max_memory_per_child=600_000,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": app.config["SENKO_CELERY_VISIBILITY_TIMEOUT"],
                                  "unacked_restore_interval": app.config["SENKO_CELERY_RESTORE_INTERVAL"],
                                  "unacked_restore_throttle": 1},
        beat_schedule=beat_schedule(app.config),
        # The default scheduler plus a heartbeat in Redis (`flask health beat`, `make status`).
        beat_scheduler="senko.tasks.heartbeat:HeartbeatScheduler",
        timezone="Asia/Tokyo",
        enable_utc=True,
    )
    celery_app.flask_app = app  # beat's scheduler (tasks/heartbeat.py) needs an app context outside any task
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app
