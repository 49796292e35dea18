"""The applicant service as the CLI, the demo loader and the importers use it: no HTTP involved."""
import pytest

from senko.demo import hostile, resumes
from senko.exceptions import Invalid, NotFound, TooLarge, Unavailable, Unsupported


def stored_files(app) -> list:
    from senko.ingest.storage import resume_root

    with app.app_context():
        root = resume_root()
        return sorted(p.name for p in root.rglob("*.pdf")) if root.exists() else []


def test_create_with_resume_checks_before_storing(app):
    """A non-PDF, an empty file or an oversize file raises its domain error and nothing is stored."""
    from senko import applicants
    from senko.models import Applicant

    with app.app_context():
        with pytest.raises(Unsupported):
            applicants.create_with_resume({"name": "山田 太郎"}, hostile.text_renamed_pdf(), "fake.pdf", enqueue=False)
        with pytest.raises(Invalid):
            applicants.create_with_resume({"name": "山田 太郎"}, b"", "empty.pdf", enqueue=False)
        with pytest.raises(TooLarge):
            big = b"%PDF-1.4\n" + b"0" * app.config["SENKO_MAX_RESUME_BYTES"]
            applicants.create_with_resume({"name": "山田 太郎"}, big, "big.pdf", enqueue=False)
        assert applicants.db.session.scalar(applicants.select(applicants.func.count()).select_from(Applicant)) == 0
    assert stored_files(app) == []


def test_one_bad_file_refuses_the_whole_batch(app):
    """create_from_files checks every file first: a bad one means no applicant and no stored file."""
    from senko import applicants

    good = resumes.resume_pdf(resumes.make_profile(1))
    with app.app_context(), pytest.raises(Unsupported):
        applicants.create_from_files([("a.pdf", good), ("b.pdf", hostile.text_renamed_pdf())])
    assert stored_files(app) == []


def test_create_queue_down_keeps_the_applicant_queued(app, monkeypatch):
    """With the broker unreachable the applicant stays stored and queued, and the caller gets Unavailable (503)."""
    from senko import applicants, queue

    def broker_down(*_args, **_kwargs):
        raise Unavailable("The task queue is unavailable")

    monkeypatch.setattr(queue, "send", broker_down)
    with app.app_context():
        with pytest.raises(Unavailable, match="processing starts when it is back"):
            applicants.create_with_resume({"name": "山田 太郎"}, resumes.resume_pdf(resumes.make_profile(2)), "r.pdf")
        (applicant,) = applicants.db.session.scalars(applicants.select(applicants.Applicant)).all()
        assert applicant.status == "queued"


def test_update_decide_and_remove(app):
    """update() marks a typed name, refuses an empty one; decide() records who; remove() deletes the row and its file."""
    from senko import applicants

    pdf = resumes.resume_pdf(resumes.make_profile(3))
    with app.app_context():
        applicant = applicants.create_with_resume({"name": "scan"}, pdf, "r.pdf", enqueue=False)
        applicant_id = applicant.id
        assert applicants.update(applicant_id, {"name": "山田 花子"}, None).name_source == "entered"
        with pytest.raises(Invalid):
            applicants.update(applicant_id, {"name": ""}, None)
        assert applicants.decide(applicant_id, "NG", None).decision == "NG"
        assert stored_files(app)
        applicants.remove(applicant_id)
        with pytest.raises(NotFound):
            applicants.get(applicant_id)
    assert stored_files(app) == []


def test_a_file_shared_by_two_applicants_stays_until_the_last_goes(app):
    """The content-addressed file is deleted only when no applicant refers to it any more."""
    from senko import applicants

    pdf = resumes.resume_pdf(resumes.make_profile(4))
    with app.app_context():
        first = applicants.create_with_resume({"name": "一人目"}, pdf, "a.pdf", enqueue=False).id
        second = applicants.create_with_resume({"name": "二人目"}, pdf, "b.pdf", enqueue=False).id
        applicants.remove(first)
        assert len(stored_files(app)) == 1
        applicants.remove(second)
    assert stored_files(app) == []
