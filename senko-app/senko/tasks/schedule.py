"""The periodic jobs, as data: task, interval, expiry. Celery beat runs them."""
from datetime import timedelta

from celery.schedules import crontab

from .. import queue


def beat_schedule(config) -> dict:
    """The beat schedule built from the app's settings."""
    return {
        "recover-stuck-resumes": {
            "task": queue.RECOVER_STUCK,
            "schedule": timedelta(seconds=60),
            "options": {"expires": 55},
        },
        "recover-bulk-chunks": {
            "task": queue.RECOVER_BULK,
            "schedule": timedelta(seconds=60),
            "options": {"expires": 55},
        },
        "flush-read-audits": {
            "task": queue.FLUSH_READ_AUDITS,
            "schedule": timedelta(seconds=60),
            "options": {"expires": 55},
        },
        "rescore-unscored": {
            "task": queue.RESCORE_UNSCORED,
            "schedule": timedelta(seconds=config["SENKO_RESCORE_INTERVAL"]),
            "options": {"expires": config["SENKO_RESCORE_INTERVAL"]},
        },
        "dispatch-job-board-sources": {
            "task": queue.DISPATCH_SOURCES,
            "schedule": timedelta(seconds=config["SENKO_SOURCES_DISPATCH_INTERVAL"]),
            "options": {"expires": config["SENKO_SOURCES_DISPATCH_INTERVAL"]},
        },
        # A proposed candidate keeps scoring new applicants in the shadow until someone decides on it.
        "shadow-newest-candidate": {
            "task": queue.SHADOW_NEWEST,
            "schedule": timedelta(hours=1),
            "options": {"expires": 3000},
        },
        "nightly-retrain": {
            "task": queue.NIGHTLY_RETRAIN,
            "schedule": crontab(hour=config["SENKO_RETRAIN_HOUR"], minute=0),
            "options": {"expires": 3600},
        },
        # Daily, before the nightly retrain's hour passes again: expired applicants go (a no-op when it is 0).
        "apply-retention": {
            "task": queue.APPLY_RETENTION,
            "schedule": crontab(hour=config["SENKO_RETENTION_HOUR"], minute=30),
            "options": {"expires": 3600},
        },
    }
