"""The one way domain code hands work to the Celery workers: tasks are sent **by name**.

No domain module imports ``senko.tasks`` (the tasks call the domain, not the other way round).
The names below are the tasks' registered names; ``tests/app/test_queue.py`` checks that each
one exists. A broker that cannot be reached raises ``Unavailable``.
"""
from flask import current_app
from kombu.exceptions import OperationalError as BrokerError

from .exceptions import Unavailable

PROCESS_RESUME = "senko.tasks.ingest.process_resume"
SCORE_APPLICANT = "senko.tasks.scoring.score_applicant"
RESCORE_UNSCORED = "senko.tasks.scoring.rescore_unscored"
TRAIN_MODEL = "senko.tasks.training.train_model"
RESCORE_ALL = "senko.tasks.training.rescore_all"
NIGHTLY_RETRAIN = "senko.tasks.training.nightly_retrain"
SHADOW_SCORE = "senko.tasks.training.shadow_score"
SHADOW_NEWEST = "senko.tasks.training.shadow_newest"
RECOVER_STUCK = "senko.tasks.maintenance.recover_stuck"
RUN_SOURCE = "senko.tasks.sources.run_source"
DISPATCH_SOURCES = "senko.tasks.sources.dispatch_due"
APPLY_RETENTION = "senko.tasks.maintenance.apply_retention"
SEND_ALERT = "senko.tasks.alerts.send_alert"
PARSE_IMPORT = "senko.tasks.imports.parse_import"
COMMIT_IMPORT = "senko.tasks.imports.commit_import"
RUN_BULK_CHUNK = "senko.tasks.bulk.run_chunk"
RECOVER_BULK = "senko.tasks.bulk.recover"
FLUSH_READ_AUDITS = "senko.tasks.maintenance.flush_read_audits"
TASK_NAMES = (PROCESS_RESUME, SCORE_APPLICANT, RESCORE_UNSCORED, TRAIN_MODEL, RESCORE_ALL, NIGHTLY_RETRAIN,
              RECOVER_STUCK, RUN_SOURCE, DISPATCH_SOURCES, APPLY_RETENTION, SEND_ALERT, RUN_BULK_CHUNK, RECOVER_BULK,
              PARSE_IMPORT, COMMIT_IMPORT, SHADOW_SCORE, SHADOW_NEWEST, FLUSH_READ_AUDITS)


def send(name: str, *args, **options) -> str:
    """Queue the task ``name`` with positional ``args``; returns the task id.

    ``options`` are Celery's sending options (``countdown``, ``time_limit``, ``soft_time_limit``).
    """
    try:
        return current_app.extensions["celery"].send_task(name, args=args, **options).id
    except BrokerError as exc:
        raise Unavailable("The task queue is unavailable") from exc


def process_resume(applicant_id: int) -> str:
    """Queue the résumé pipeline for ``applicant_id`` with the configured time limits (they travel with the message)."""
    config = current_app.config
    return send(PROCESS_RESUME, applicant_id, soft_time_limit=config["SENKO_PDF_SOFT_TIME_LIMIT"],
                time_limit=config["SENKO_PDF_TIME_LIMIT"])


def score_applicant(applicant_id: int, countdown: float | None = None) -> str:
    """Queue scoring of one applicant (the task retries while senko-predict is down)."""
    return send(SCORE_APPLICANT, applicant_id, countdown=countdown)


def train_model(algorithm: str | None, user_id: int | None, activate: bool) -> str:
    """Queue training of a candidate model."""
    return send(TRAIN_MODEL, algorithm, user_id, activate)


def shadow_score(version: str) -> str:
    """Queue shadow scoring with candidate model ``version`` (stored apart; nothing else changes)."""
    return send(SHADOW_SCORE, version)


def rescore_all(version: str) -> str:
    """Queue the rescore of every undecided applicant with model ``version``."""
    return send(RESCORE_ALL, version)


def run_bulk_chunk(chunk_id: int, countdown: float | None = None) -> str:
    """Queue one chunk of a bulk job (rescore, retokenize); any worker may take it."""
    return send(RUN_BULK_CHUNK, chunk_id, countdown=countdown)


def run_source(run_id: int) -> str:
    """Queue a recorded run of a job-board source."""
    return send(RUN_SOURCE, run_id)
