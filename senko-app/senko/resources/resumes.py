"""Résumé uploads (single, bulk, replace) and downloads."""
from flask import current_app, request, send_file
from flask_jwt_extended import current_user

from ..errors import ApiError
from ..extensions import db
from ..ingest.storage import resume_path
from ..ingest.upload import attach_resume, name_from_filename, queue, read_resume, release_resume
from ..models import Applicant
from .base import Resource, get_or_404

FORM_TYPES = ("multipart/form-data",)


class ApplicantResume(Resource):
    """``GET /applicant/<id>/resume`` downloads the original; ``POST`` adds or replaces it (202)."""

    def get(self, applicant_id: int):
        applicant = get_or_404(Applicant, applicant_id, "Applicant")
        if not applicant.resume_sha256:
            raise ApiError(404, f"Applicant {applicant_id} has no résumé")
        path = resume_path(applicant.resume_sha256)
        if not path.exists():
            raise ApiError(404, f"The résumé file of applicant {applicant_id} is missing from the store")
        return send_file(path, mimetype="application/pdf", as_attachment=True,
                         download_name=applicant.resume_filename or f"applicant-{applicant_id}.pdf")

    def post(self, applicant_id: int):
        if request.mimetype not in FORM_TYPES:
            raise ApiError(415, "Send the résumé as multipart/form-data with a 'resume' file field")
        applicant = get_or_404(Applicant, applicant_id, "Applicant")
        data = read_resume(request.files.get("resume"))
        replaced = attach_resume(applicant, data, request.files["resume"].filename)
        db.session.commit()
        release_resume(replaced)
        queue([applicant.id])
        return {"message": f"Queued the résumé of applicant {applicant.id}", "id": applicant.id, "status": "queued"}, 202


class ApplicantBulk(Resource):
    """``POST /applicant/bulk``: many PDFs (``resumes`` fields), one new applicant each → 202.

    All files are checked first: if one is too large or not a PDF, nothing is stored.
    """

    def post(self):
        if request.mimetype not in FORM_TYPES:
            raise ApiError(415, "Send the résumés as multipart/form-data with 'resumes' file fields")
        files = [f for f in request.files.getlist("resumes") if f and f.filename]
        if not files:
            raise ApiError(400, "Attach one or more PDFs as 'resumes' file fields")
        cap = current_app.config["SENKO_BULK_MAX_FILES"]
        if len(files) > cap:
            raise ApiError(413, f"At most {cap} files per bulk upload")
        source = (request.form.get("source") or "").strip()[:100] or None
        checked = [(f.filename, read_resume(f)) for f in files]
        applicants = []
        for filename, data in checked:
            applicant = Applicant(name=name_from_filename(filename), name_source="filename", source=source,
                                  created_by_id=current_user.id)
            attach_resume(applicant, data, filename)
            db.session.add(applicant)
            applicants.append(applicant)
        db.session.commit()
        queue([a.id for a in applicants])
        return {
            "message": f"Queued {len(applicants)} résumés",
            "applicants": [{"id": a.id, "name": a.name, "filename": a.resume_filename, "status": "queued"} for a in applicants],
        }, 202
