"""The periodic jobs, as data: task, interval, expiry. Celery beat runs them."""
from datetime import timedelta

from celery.schedules import crontab


def beat_schedule(config) -> dict:
    """The beat schedule built from the app's settings."""
    return {
        "recover-stuck-resumes": {
            "task": "senko.tasks.maintenance.recover_stuck",
            "schedule": timedelta(seconds=60),
            "options": {"expires": 55},
        },
        "rescore-unscored": {
            "task": "senko.tasks.scoring.rescore_unscored",
            "schedule": timedelta(seconds=config["SENKO_RESCORE_INTERVAL"]),
            "options": {"expires": config["SENKO_RESCORE_INTERVAL"]},
        },
        "nightly-retrain": {
            "task": "senko.tasks.training.nightly_retrain",
            "schedule": crontab(hour=config["SENKO_RETRAIN_HOUR"], minute=0),
            "options": {"expires": 3600},
        },
    }
