"""Bulk jobs over HTTP (admins only): start a rescore or a retokenize (202 + job id), follow its progress."""
from flask import request
from flask_jwt_extended import current_user

from ..bulk import jobs
from ..errors import ApiError
from .audit import audit
from .base import AdminResource


class JobList(AdminResource):
    """``GET /jobs?limit=``: the newest bulk jobs with their progress."""

    def get(self):
        raw = request.args.get("limit", "20")
        if not raw.isdigit() or not 1 <= int(raw) <= 100:
            raise ApiError(400, "limit must be a whole number from 1 to 100")
        return {"jobs": jobs.recent(int(raw))}


class JobDetail(AdminResource):
    """``GET /jobs/<id>``: one job's status, total, done, failed and chunks."""

    def get(self, job_id: int):
        return {"job": jobs.describe(job_id)}


def _started(job, what: str):
    audit(f"bulk.{job.kind}", "bulk_job", job.id, total=job.total)
    return {"message": f"{what} {job.total} applicants in {job.chunks} chunks", "job": jobs.describe(job.id)}, 202


class ApplicantsRescore(AdminResource):
    """``POST /applicants/rescore``: rescore every undecided, processed applicant with the active model."""

    def post(self):
        return _started(jobs.start_rescore(user_id=current_user.id), "Rescoring")


class ApplicantsRetokenize(AdminResource):
    """``POST /applicants/retokenize``: re-read every processed résumé's nouns, then rescore the undecided."""

    def post(self):
        return _started(jobs.start_retokenize(user_id=current_user.id), "Re-reading")
