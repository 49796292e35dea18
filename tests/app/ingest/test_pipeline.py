"""Focused tests of the pipeline's pieces: idempotency, time limits, recovery, stop words."""
from datetime import timedelta

from sqlalchemy import select, text

from senko.demo import hostile, resumes


def test_name_fields_are_read_from_common_layouts():
    """氏名 / ふりがな in the usual 履歴書 layouts; anything that is not clearly a name is left alone."""
    from senko.ingest.profile import NameFields, read_name_fields

    assert read_name_fields("履歴書\n氏名 山田 太郎\nふりがな やまだ たろう") == NameFields("山田 太郎", "やまだ たろう")
    # Reading first, spaced label, stamp box, and a table row that carries the next label.
    assert read_name_fields("ふりがな やまだ たろう\n氏 名 山田 太郎 印") == NameFields("山田 太郎", "やまだ たろう")
    assert read_name_fields("氏名: 印南 一郎 生年月日 1990年1月1日") == NameFields("印南 一郎", None)
    assert read_name_fields("フリガナ ヤマダ タロウ 男\n名前 John Smith") == NameFields("John Smith", "ヤマダ タロウ")
    # Unmappable glyphs, notes and long sentences are not names.
    assert read_name_fields("氏名 鈴木 \x00野\nふりがな すずき よしの") == NameFields(None, "すずき よしの")
    assert read_name_fields("氏名 (自署)\nふりがな 山田") == NameFields(None, None)
    assert read_name_fields("氏名 を 記入 して ください お願い します") == NameFields(None, None)
    assert read_name_fields("職務経歴書\n職務要約 Python 開発") == NameFields(None, None)


def test_running_the_task_twice_changes_nothing_twice(app, monkeypatch, make_applicant):
    """process_resume run twice (as after a redelivery) stores each noun once with the same count."""
    from senko.extensions import db
    from senko.models import ApplicantNoun
    from senko.tasks import ingest

    applicant_id = make_applicant(resumes.resume_pdf(resumes.make_profile(3)))
    with app.app_context():
        from senko.scoring import service

        monkeypatch.setattr(service, "try_score", lambda applicant: "scored")
        ingest.process_resume.run(applicant_id)
        first = db.session.execute(select(ApplicantNoun.noun, ApplicantNoun.count).where(ApplicantNoun.applicant_id == applicant_id)).all()
        # Redelivered after the nouns were stored: straight to scoring, nothing re-extracted.
        assert ingest.process_resume.run(applicant_id) == {"status": "already extracted"}
        # Forced re-extraction (as after a crash before the commit) replaces, never duplicates.
        db.session.execute(text("UPDATE applicants SET processed_sha256 = NULL WHERE id=:id"), {"id": applicant_id})
        db.session.commit()
        assert ingest.process_resume.run(applicant_id)["status"] == "extracted"
        second = db.session.execute(select(ApplicantNoun.noun, ApplicantNoun.count).where(ApplicantNoun.applicant_id == applicant_id)).all()
        assert first and sorted(first) == sorted(second)
        # Finished (scored/unscored/failed): another delivery is a no-op.
        db.session.execute(text("UPDATE applicants SET status='unscored' WHERE id=:id"), {"id": applicant_id})
        db.session.commit()
        assert ingest.process_resume.run(applicant_id) is None


def test_soft_time_limit_marks_timeout(app, monkeypatch, make_applicant):
    """When the soft time limit fires during extraction, the applicant ends failed/timeout."""
    from billiard.exceptions import SoftTimeLimitExceeded

    from senko.extensions import db
    from senko.ingest import pipeline
    from senko.models import Applicant
    from senko.tasks import ingest

    def slow(*_args, **_kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(pipeline, "read_pdf", slow)
    applicant_id = make_applicant(resumes.resume_pdf(resumes.make_profile(3)))
    with app.app_context():
        ingest.process_resume.run(applicant_id)
        applicant = db.session.get(Applicant, applicant_id)
        assert (applicant.status, applicant.failure_reason) == ("failed", "timeout")


def test_repeatedly_killed_document_gives_up_as_timeout(app, make_applicant):
    """A document whose worker died on every attempt is not retried forever: failed/timeout."""
    from senko.extensions import db
    from senko.models import Applicant
    from senko.tasks import ingest

    applicant_id = make_applicant(resumes.resume_pdf(resumes.make_profile(3)), status="processing")
    with app.app_context():
        db.session.execute(text("UPDATE applicants SET processing_attempts = :n WHERE id = :id"),
                           {"n": app.config["SENKO_PDF_MAX_ATTEMPTS"], "id": applicant_id})
        db.session.commit()
        ingest.process_resume.run(applicant_id)
        applicant = db.session.get(Applicant, applicant_id)
        assert (applicant.status, applicant.failure_reason) == ("failed", "timeout")


def test_recover_stuck_requeues_old_processing(app, client, recruiter, worker, wait_done, make_applicant):
    """An applicant left 'processing' past the hard limit (killed worker) is requeued and finished by the real worker."""
    from senko.extensions import db
    from senko.models.mixins import utcnow
    from senko.tasks.maintenance import recover_stuck

    applicant_id = make_applicant(resumes.resume_pdf(resumes.make_profile(5)), status="processing")
    old = utcnow() - timedelta(seconds=app.config["SENKO_PDF_TIME_LIMIT"] + 120)
    with app.app_context():
        db.session.execute(text("UPDATE applicants SET updated_at = :t WHERE id = :id"), {"t": old, "id": applicant_id})
        db.session.commit()
        assert recover_stuck.run() == {"requeued": 1}
    assert wait_done(client, recruiter["headers"], applicant_id)["status"] == "unscored"


def test_stopwords_are_configurable(tmp_path):
    """A custom stop list file plus extra words replaces the shipped list."""
    from senko.ingest.nouns import extract_nouns, load_stopwords

    custom = tmp_path / "stop.txt"
    custom.write_text("# mine\n機械\n", encoding="utf-8")
    words = load_stopwords(str(custom), ["学習"])
    assert words == {"機械", "学習"}
    result = extract_nouns("機械学習とデータ分析の経験", words)
    assert "機械" not in result.counts and "学習" not in result.counts and "分析" in result.counts
    assert result.masked == 2


def test_shipped_stopwords_mask_fair_hiring_items():
    """The shipped list masks the MHLW fair-hiring attributes."""
    from senko.ingest.nouns import extract_nouns, load_stopwords

    result = extract_nouns("性別 女性 本籍 宗教 支持政党 家族 年齢 生年月日 出生地", load_stopwords())
    assert not result.counts and result.masked >= 9


def test_storage_is_content_addressed(app):
    """The same bytes are stored once, under their sha256."""
    import hashlib

    from senko.ingest.storage import resume_path, save_resume

    data = hostile.zero_pages_pdf()
    with app.app_context():
        digest = save_resume(data)
        assert save_resume(data) == digest == hashlib.sha256(data).hexdigest()
        assert resume_path(digest).read_bytes() == data
