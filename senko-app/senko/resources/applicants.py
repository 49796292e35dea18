"""Applicants: create, page through, read, decide, delete."""
from flask import request
from flask_jwt_extended import current_user
from sqlalchemy import func, select

from .. import applicants, listing
from ..counts import estimated_count
from ..errors import ApiError
from ..extensions import db
from ..models import Applicant
from ..models.applicant import STATUSES
from ..models.applicant_json import applicant_fields, stored_score
from .audit import audit, audited
from .base import Resource, setting
from .schemas import ApplicantCreate, ApplicantUpdate, json_body, parse
from .uploads import read_file, upload_limit

# Far beyond any list a person pages through, and small enough that the OFFSET stays a number MySQL takes.
MAX_PAGE = 1_000_000
READ_ONLY_FIELDS = {
    "id", "name_source", "status", "failure_reason", "failure_detail", "score", "model_version", "triage", "explanation",
    "scored_at", "resume", "masked_tokens", "decided_by", "decided_at", "created_at", "updated_at",
}
SORTS = {
    "newest": (Applicant.created_at.desc(), Applicant.id.desc()),
    "oldest": (Applicant.created_at.asc(), Applicant.id.asc()),
    "score": (Applicant.score.desc(), Applicant.id.desc()),
    "-score": (Applicant.score.asc(), Applicant.id.asc()),
}


def applicant_json(applicant: Applicant, detail: bool = True) -> dict:
    """An applicant as the API shows it (triage uses the configured threshold)."""
    return applicant.to_dict(setting("SENKO_TRIAGE_THRESHOLD"), detail)


def list_filters() -> list:
    """SQL conditions from the ``status``, ``decision``, ``triage`` and ``source`` query parameters (bad value → 400)."""
    conditions = []
    status = request.args.get("status")
    if status:
        if status not in STATUSES:
            raise ApiError(400, f"status must be one of {', '.join(STATUSES)}")
        conditions.append(Applicant.status == status)
    decision = request.args.get("decision")
    if decision:
        if decision not in ("OK", "NG", "none"):
            raise ApiError(400, "decision must be OK, NG or none")
        conditions.append(Applicant.decision.is_(None) if decision == "none" else Applicant.decision == decision)
    source = request.args.get("source")
    if source:
        if len(source) > 100:
            raise ApiError(400, "source must be at most 100 characters")
        conditions.append(Applicant.source == source)
    triage = request.args.get("triage")
    if triage:
        threshold = setting("SENKO_TRIAGE_THRESHOLD")
        if triage == "review":
            conditions.append(Applicant.score >= stored_score(threshold))
        elif triage == "below":
            conditions.append(Applicant.score < stored_score(threshold))
        elif triage == "pending":
            conditions.append(Applicant.score.is_(None))
        else:
            raise ApiError(400, "triage must be review, below or pending")
    return conditions


def form_fields() -> dict:
    """The applicant fields of a multipart form (blank values dropped)."""
    return {key: value for key, value in request.form.items() if value.strip()}


def create_with_resume():
    """``POST /applicant`` as multipart/form-data: applicant fields plus a ``resume`` PDF → 202."""
    body = parse(ApplicantCreate, form_fields())
    file = request.files.get("resume")
    data = read_file(file, "resume", setting("SENKO_MAX_RESUME_BYTES"))
    applicant = applicants.create_with_resume(body.model_dump(), data, file.filename, current_user.id)
    return {"message": f"Queued the résumé of applicant {applicant.id}", "id": applicant.id, "status": applicant.status,
            "applicant": applicant_json(applicant)}, 202


class ApplicantCreateResource(Resource):
    """``POST /applicant``: JSON fields (201), or multipart fields plus a ``resume`` PDF (202, processed async)."""

    decorators = [upload_limit]

    def post(self):
        if request.mimetype == "multipart/form-data":
            return create_with_resume()
        applicant = applicants.create(parse(ApplicantCreate).model_dump(), current_user.id)
        return {"message": f"Created applicant {applicant.id}", "applicant": applicant_json(applicant)}, 201


class ApplicantPage(Resource):
    """``GET /applicant/<limit>/<page>``: one page of applicants, newest first unless ``sort`` says otherwise."""

    def get(self, limit: int, page: int):
        cap = setting("SENKO_PAGE_LIMIT_MAX")
        if not 1 <= limit <= cap:
            raise ApiError(400, f"limit must be between 1 and {cap}")
        if not 1 <= page <= MAX_PAGE:
            raise ApiError(400, f"page must be between 1 and {MAX_PAGE}")
        sort = request.args.get("sort", "newest")
        if sort not in SORTS:
            raise ApiError(400, f"sort must be one of {', '.join(SORTS)}")
        conditions = list_filters()
        filter_key = "&".join(f"{k}={request.args.get(k, '')}" for k in ("status", "decision", "triage", "source"))
        filter_key += f"&threshold={setting('SENKO_TRIAGE_THRESHOLD')}"
        total, _estimate = estimated_count(filter_key, lambda: db.session.scalar(
            select(func.count()).select_from(Applicant).where(*conditions)))
        rows = db.session.connection().execute(
            listing.list_rows().where(*conditions).order_by(*SORTS[sort]).limit(limit).offset((page - 1) * limit)
        ).all()
        threshold = setting("SENKO_TRIAGE_THRESHOLD")
        body = {
            "applicants": [applicant_fields(row, threshold, row.decided_by_email) for row in rows],
            "total": total,
            "page": page,
            "limit": limit,
            "pages": (total + limit - 1) // limit,
        }
        audit("applicant.list", page=page, limit=limit, shown=len(rows))
        return body


class ApplicantList(Resource):
    """``GET /applicants``: filter, sort and search applicants, a page at a time with keyset cursors."""

    def get(self):
        query = listing.parse(request.args, setting("SENKO_PAGE_LIMIT_MAX"), setting("SENKO_TRIAGE_THRESHOLD"))
        rows, next_cursor, total, estimate = listing.page(query)
        threshold = setting("SENKO_TRIAGE_THRESHOLD")
        body = {"applicants": [applicant_fields(row, threshold, row.decided_by_email) for row in rows], "next_cursor": next_cursor,
                "total": total, "total_is_estimate": estimate}
        audit("applicant.list", shown=len(rows))
        return body


class ApplicantResource(Resource):
    """``GET/PATCH/DELETE /applicant/<id>``."""

    @audited("applicant.view", "applicant", "applicant_id")
    def get(self, applicant_id: int):
        return {"applicant": applicant_json(applicants.get(applicant_id))}

    def patch(self, applicant_id: int):
        data = json_body()
        read_only = sorted(READ_ONLY_FIELDS & data.keys())
        if read_only:
            raise ApiError(422, f"Read-only field(s): {', '.join(read_only)}")
        changes = parse(ApplicantUpdate, data).model_dump(exclude_unset=True)
        return {"applicant": applicant_json(applicants.update(applicant_id, changes, current_user.id))}

    def delete(self, applicant_id: int):
        applicants.remove(applicant_id, current_user.id)
        return {"message": f"Deleted applicant {applicant_id}"}


class ApplicantDecisions(Resource):
    """``GET /applicant/<id>/decisions``: every change of the decision, oldest first (who, when, from → to, note)."""

    def get(self, applicant_id: int):
        return {"applicant_id": applicant_id, "decisions": [d.to_dict() for d in applicants.decisions(applicant_id)]}
