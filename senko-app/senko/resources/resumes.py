"""Résumé uploads (single, bulk, replace) and downloads."""
from flask import request, send_file
from flask_jwt_extended import current_user

from .. import applicants
from ..errors import ApiError
from ..ingest.storage import resume_path
from .audit import audited
from .base import Resource, setting
from .schemas import ApplicantFields, parse
from .uploads import read_file, require_form, resume_files, upload_limit


class ApplicantResume(Resource):
    """``GET /applicant/<id>/resume`` downloads the original; ``POST`` adds or replaces it (202)."""

    decorators = [upload_limit]

    @audited("applicant.resume_download", "applicant", "applicant_id")
    def get(self, applicant_id: int):
        applicant = applicants.get(applicant_id)
        if not applicant.resume_sha256:
            raise ApiError(404, f"Applicant {applicant_id} has no résumé")
        path = resume_path(applicant.resume_sha256)
        if not path.exists():
            raise ApiError(404, f"The résumé file of applicant {applicant_id} is missing from the store")
        return send_file(path, mimetype="application/pdf", as_attachment=True,
                         download_name=applicant.resume_filename or f"applicant-{applicant_id}.pdf")

    def post(self, applicant_id: int):
        require_form("a 'resume' file field", "the résumé")
        applicants.get(applicant_id)  # 404 before reading the upload
        file = request.files.get("resume")
        data = read_file(file, "resume", setting("SENKO_MAX_RESUME_BYTES"))
        applicant = applicants.replace_resume(applicant_id, data, file.filename, current_user.id)
        return {"message": f"Queued the résumé of applicant {applicant.id}", "id": applicant.id, "status": applicant.status}, 202


class ApplicantBulk(Resource):
    """``POST /applicant/bulk``: many PDFs (``resumes`` fields), one new applicant each → 202.

    All files are checked first: if one is too large or not a PDF, nothing is stored.
    """

    decorators = [upload_limit]

    def post(self):
        require_form("'resumes' file fields", "the résumés")
        files = resume_files("resumes")
        if not files:
            raise ApiError(400, "Attach one or more PDFs as 'resumes' file fields")
        cap = setting("SENKO_BULK_MAX_FILES")
        if len(files) > cap:
            raise ApiError(413, f"At most {cap} files per bulk upload")
        # Checked like an applicant's own source (length, no hidden characters); blank is none.
        source = parse(ApplicantFields, {"source": request.form.get("source", "").strip() or None}).source
        created = applicants.create_from_files(files, source, current_user.id)
        return {
            "message": f"Queued {len(created)} résumés",
            "applicants": [{"id": a.id, "name": a.name, "filename": a.resume_filename, "status": a.status}
                           for a in created],
        }, 202
