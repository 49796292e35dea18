"""Spreadsheet imports (神エクセル): upload, preview, commit, report — recruiters and admins."""
from flask import Response, request
from flask_jwt_extended import current_user
from pydantic import Field

from ..errors import ApiError
from ..importing import jobs, report
from .audit import audited
from .base import Resource, setting
from .schemas import Body, json_body, parse
from .uploads import read_upload, require_form

MAX_LIST = 100


class SheetChoice(Body):
    name: str = Field(min_length=1, max_length=200)
    mapping: dict[str, str | None] | None = None


class CommitOptions(Body):
    colour_map: dict[str, str | None] | None = None


class CommitBody(Body):
    sheets: list[SheetChoice] | None = Field(default=None, max_length=200)
    options: CommitOptions | None = None


class ImportResource(Resource):
    """A resource recruiters and admins may call (staff, the default: auditors do not add applicants)."""


class ImportList(ImportResource):
    """``POST /imports``: upload a spreadsheet (202, read in the worker); ``GET /imports``: the latest imports."""

    def post(self):
        require_form("file", "the spreadsheet")
        file = request.files.get("file")
        data = read_upload(file, "file", setting("SENKO_MAX_IMPORT_FILE_BYTES"))
        job = jobs.start_import(data, file.filename, current_user.id)
        return {"message": f"Reading {job.filename} (import {job.id})", "import": job.to_dict()}, 202

    def get(self):
        try:
            limit = int(request.args.get("limit", 20))
        except ValueError as exc:
            raise ApiError(400, "limit must be a number") from exc
        if not 1 <= limit <= MAX_LIST:
            raise ApiError(400, f"limit must be between 1 and {MAX_LIST}")
        return {"imports": [job.to_dict(detail=False) for job in jobs.recent(limit)]}


class ImportDetail(ImportResource):
    """``GET /imports/<id>``: status, and per sheet the columns, the proposed mapping and the first 20 rows."""

    @audited("import.view", "import", "import_id")  # the preview holds names, e-mails and phones
    def get(self, import_id: int):
        return {"import": jobs.get(import_id).to_dict()}


class ImportCommit(ImportResource):
    """``POST /imports/<id>/commit``: confirm sheets and mappings (an empty body takes the proposal) → 202."""

    def post(self, import_id: int):
        data = json_body() if request.get_data() else {}
        body = parse(CommitBody, data).model_dump()
        job = jobs.request_commit(import_id, body, current_user.id)
        return {"message": f"Committing import {job.id}", "import": job.to_dict()}, 202


class ImportReport(ImportResource):
    """``GET /imports/<id>/report``: created ids, errors, warnings; ``?format=csv`` for the CSV download."""

    @audited("import.report", "import", "import_id")  # the rows not imported, with their cells
    def get(self, import_id: int):
        job = jobs.get(import_id)
        fmt = request.args.get("format", "json")
        if fmt not in ("json", "csv"):
            raise ApiError(400, "format must be json or csv")
        if fmt == "csv":
            return Response(report.as_csv(job), mimetype="text/csv",
                            headers={"Content-Disposition": f'attachment; filename="{report.filename(job)}"'})
        return report.as_json(job)
