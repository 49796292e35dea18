"""Retention: applicants past SENKO_RETENTION_MONTHS go with their files, nouns, events and audit payloads."""
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select, update

from senko import retention
from senko.extensions import db
from senko.models import Applicant, ApplicantNoun, AuditEntry, Event, MlModel, record_audit, record_event
from senko.models.mixins import utcnow
from senko.training import dataset, registry
from senko_predict import artifact


def age(app, applicant_id: int, decided_days: int | None = None, created_days: int | None = None) -> None:
    """Move an applicant's decision (and/or creation) back in time."""
    with app.app_context():
        values = {}
        if decided_days is not None:
            values.update(decision="OK", decided_at=utcnow() - timedelta(days=decided_days))
        if created_days is not None:
            values["created_at"] = utcnow() - timedelta(days=created_days)
        db.session.execute(update(Applicant).where(Applicant.id == applicant_id).values(**values))
        db.session.commit()


def test_months_before_keeps_the_calendar():
    """Whole calendar months back; the 31st becomes the shorter month's last day."""
    from datetime import datetime

    assert retention.months_before(datetime(2026, 3, 31, 12), 1) == datetime(2026, 2, 28, 12)
    assert retention.months_before(datetime(2026, 1, 15), 12) == datetime(2025, 1, 15)


def test_preview_lists_and_run_deletes_only_expired(app, make_applicant, runner):
    """Old decisions and old undecided applications go (file, nouns, events, audit payload); recent ones stay."""
    pdf = b"%PDF-1.4 retention test\n%%EOF"
    old_decided = make_applicant(pdf=pdf, status="scored")
    recent_decided, old_undecided, recent_undecided = make_applicant(), make_applicant(), make_applicant()
    age(app, old_decided, decided_days=400)
    age(app, recent_decided, decided_days=30)
    age(app, old_undecided, created_days=400)
    with app.app_context():
        db.session.add(ApplicantNoun(applicant_id=old_decided, noun="機械", count=2))
        record_event("scored", "テスト", old_decided)
        record_audit("applicant.update", None, "applicant", old_decided, fields=["note"])
        db.session.commit()
        path = Path(app.config["SENKO_DATA_DIR"]) / "resumes"
        assert len(list(path.rglob("*.pdf"))) == 1

    preview = runner.invoke(args=["retention", "preview"])
    assert preview.exit_code == 0, preview.output
    listed = {int(line.split()[0]) for line in preview.output.splitlines() if line.strip()[:1].isdigit() and "decided" in line}
    assert listed == {old_decided, old_undecided}
    assert "2 applicant(s) would be deleted" in preview.output

    result = runner.invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    assert "Deleted 2 applicant(s)" in result.output
    with app.app_context():
        remaining = set(db.session.scalars(select(Applicant.id)))
        assert remaining == {recent_decided, recent_undecided}
        assert not db.session.scalar(select(func.count()).select_from(ApplicantNoun))
        assert not db.session.scalar(select(func.count()).select_from(Event).where(Event.applicant_id == old_decided))
        about = db.session.scalars(select(AuditEntry).where(AuditEntry.target_id == str(old_decided))).all()
        assert {entry.action for entry in about} >= {"applicant.update", "applicant.delete"}
        assert all(entry.data is None for entry in about)
        run = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "retention.run")).one()
        assert run.data["deleted"] == 2 and run.actor_id is None
        assert not list(path.rglob("*.pdf"))
        assert retention.run()["deleted"] == 0  # idempotent


def test_zero_months_keeps_everything(app, make_applicant, monkeypatch):
    """SENKO_RETENTION_MONTHS=0: nothing expires."""
    applicant = make_applicant()
    age(app, applicant, decided_days=4000)
    monkeypatch.setitem(app.config, "SENKO_RETENTION_MONTHS", 0)
    with app.app_context():
        assert retention.preview() == []
        assert retention.run()["deleted"] == 0
        assert db.session.get(Applicant, applicant) is not None


def test_applicant_in_an_active_model_is_still_deleted(app, make_model):
    """A decided applicant the active model was trained on goes; the model still scores; retraining no longer has it."""
    version = make_model(activate=True)
    with app.app_context():
        ids, _, _ = dataset.labelled_documents()
        expired = ids[:10]
        db.session.execute(update(Applicant).where(Applicant.id.in_(expired))
                           .values(decided_at=utcnow() - timedelta(days=800)))
        db.session.commit()
        assert retention.run()["deleted"] == 10
    with app.app_context():
        model = db.session.scalars(select(MlModel).where(MlModel.version == version)).one()
        assert model.status == "active"
        pipeline = artifact.loads(registry.read_verified(model))
        assert 0.0 <= pipeline.predict_proba(["機械 学習 Python"])[0][1] <= 1.0
        remaining, _, _ = dataset.labelled_documents()
        assert not set(expired) & set(remaining) and len(remaining) == len(ids) - 10
