"""Model tasks: Celery's side of training, rescoring after an activation and the nightly retrain."""
from celery import shared_task

from .. import queue
from ..exceptions import Unavailable
from ..training import jobs, rescore, shadow


@shared_task(name=queue.TRAIN_MODEL)
def train_model(algorithm: str | None = None, user_id: int | None = None, activate: bool = False) -> str | None:
    """Train a candidate (and activate it when asked); failures become a ``model_training_failed`` event."""
    return jobs.train_candidate(algorithm, user_id, activate)


@shared_task(bind=True, name=queue.RESCORE_ALL, max_retries=60)
def rescore_all(self, version: str) -> dict | None:
    """Rescore every undecided applicant with model ``version``; waits (retries) until senko-predict serves it."""
    try:
        return rescore.rescore_all(version)
    except rescore.NotServingYet as exc:
        raise self.retry(countdown=1, exc=exc) from exc
    except Unavailable as exc:
        raise self.retry(countdown=2, exc=exc) from exc


@shared_task(name=queue.NIGHTLY_RETRAIN)
def nightly_retrain() -> dict:
    """Train a candidate when enough new decisions arrived and propose it (never activated unattended)."""
    return jobs.nightly_retrain()


@shared_task(name=queue.SHADOW_SCORE)
def shadow_score(version: str) -> dict:
    """Score new and recently decided applicants with candidate ``version`` into ``shadow_scores`` only."""
    return shadow.run_version(version)


@shared_task(name=queue.SHADOW_NEWEST)
def shadow_newest() -> dict | None:
    """Shadow-score new applicants with the newest proposed candidate (nothing when none is proposed)."""
    return shadow.run_newest_candidate()
