"""Rescoring after an activation: a chunked bulk job (``senko.bulk``) gives every undecided, processed applicant the new score."""
from ..bulk import jobs
from ..bulk.work import NotServingYet
from ..models import MlModel
from ..scoring.client import predict

__all__ = ["NotServingYet", "rescore_all"]


def rescore_all(version: str) -> dict | None:
    """Start the bulk rescore job for model ``version`` once senko-predict serves it; returns the job's progress.

    Returns None when another model has been activated since (that activation rescores). Raises
    ``Unavailable`` (``NotServingYet`` or the client's errors) while senko-predict does not serve
    ``version`` yet: the task retries. The chunks then run on any worker (``bulk.chunks``).
    """
    active = MlModel.active()
    if active is None or active.version != version:
        return None
    probe = predict([["経験"]])
    if probe["model_version"] != version:
        raise NotServingYet(f"senko-predict still serves {probe['model_version']}, not {version}")
    job = jobs.start_rescore(version)
    return {"version": version, "job_id": job.id, "total": job.total, "chunks": job.chunks}
