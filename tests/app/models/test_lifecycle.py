"""The applicant's lifecycle: every legal move works and records its event, every illegal one raises."""
import pytest

from senko.exceptions import IllegalTransition
from senko.models.applicant import TRANSITIONS, ApplicantStatus

S = ApplicantStatus


def moves(applicant):
    """The transition method that reaches each target status."""
    return {
        S.QUEUED: lambda: applicant.attach_resume("a" * 64, "r.pdf", 10),
        S.PROCESSING: applicant.start_processing,
        S.FAILED: lambda: applicant.fail("unparseable", "broken"),
        S.SCORED: lambda: applicant.record_score(0.7, "v1", [], threshold=0.65),
        S.UNSCORED: lambda: applicant.mark_unscored("no model"),
    }


@pytest.mark.parametrize("target", list(TRANSITIONS))
@pytest.mark.parametrize("source", list(ApplicantStatus))
def test_each_transition_is_legal_exactly_where_the_table_says(app, source, target):
    """From every status to every target: the method moves or raises IllegalTransition, as TRANSITIONS says."""
    from senko.extensions import db
    from senko.models import Applicant

    with app.app_context():
        applicant = Applicant(name="山田 太郎", status=source.value, resume_sha256="b" * 64)
        db.session.add(applicant)
        db.session.flush()
        if source in TRANSITIONS[target]:
            moves(applicant)[target]()
            assert applicant.status == target
        else:
            with pytest.raises(IllegalTransition):
                moves(applicant)[target]()
            assert applicant.status == source
        db.session.rollback()


def test_transitions_record_the_events_the_ui_shows(app):
    """fail → 'failed', record_score → 'scored' (with triage), mark_unscored → 'unscored'; a silent rescore records none."""
    from senko.extensions import db
    from senko.models import Applicant, Event

    with app.app_context():
        applicant = Applicant(name="佐藤 花子")
        applicant.attach_resume("c" * 64, "r.pdf", 10)
        db.session.add(applicant)
        applicant.start_processing()
        applicant.record_extraction(2, 5, ["page 2 damaged"])
        assert applicant.extracted and applicant.failure_detail == "page 2 damaged"
        applicant.mark_unscored("no active model")
        applicant.record_score(0.8, "v3", [{"noun": "Python", "weight": 0.3}], threshold=0.65)
        applicant.record_score(0.5, "v4", [], threshold=0.65, notify=False)
        db.session.commit()
        events = [(e.kind, e.data.get("triage")) for e in db.session.scalars(db.select(Event).order_by(Event.id))]
        assert events == [("unscored", None), ("scored", "review")]
        assert (applicant.status, applicant.score, applicant.model_version) == ("scored", 0.5, "v4")


def test_attaching_a_new_resume_clears_every_result_of_the_old_one(app):
    """A replaced résumé starts over: score, explanation, pages, failure and attempts are gone; the old digest is returned."""
    from senko.models import Applicant

    with app.app_context():
        applicant = Applicant(name="鈴木 一郎", status="failed", resume_sha256="d" * 64, failure_reason="encrypted",
                              score=0.9, processing_attempts=2, processed_sha256="d" * 64)
        assert applicant.attach_resume("e" * 64, "new.pdf", 20) == "d" * 64
        assert (applicant.status, applicant.failure_reason, applicant.score, applicant.processing_attempts,
                applicant.processed_sha256) == ("queued", None, None, 0, None)
        assert applicant.attach_resume("e" * 64, "same.pdf", 20) is None  # same content: nothing to release


def test_decisions_record_who_and_when_and_can_be_cleared(app):
    """decide() keeps who and when, reports whether anything changed, refuses other words, and clears both on None."""
    from senko.models import Applicant

    with app.app_context():
        applicant = Applicant(name="田中 誠")
        assert applicant.decide("OK", 7) is True
        assert applicant.decided_by_id == 7 and applicant.decided_at is not None
        assert applicant.decide("OK", 8) is False and applicant.decided_by_id == 7
        with pytest.raises(ValueError):
            applicant.decide("maybe", 7)
        assert applicant.decide(None, 8) is True
        assert applicant.decided_by_id is None and applicant.decided_at is None


def test_a_typed_name_is_never_replaced_by_the_resume(app):
    """Only a bulk upload's provisional (file) name is replaced by the résumé's 氏名; ふりがな only fills a blank."""
    from senko.models import Applicant

    with app.app_context():
        typed = Applicant(name="山田 太郎", name_source="entered")
        typed.adopt_resume_name("別人 名前", "べつじん")
        assert (typed.name, typed.furigana) == ("山田 太郎", None)
        provisional = Applicant(name="scan_001", name_source="filename", furigana="やまだ")
        provisional.adopt_resume_name("山田 花子", "やまだ はなこ")
        assert (provisional.name, provisional.name_source, provisional.furigana) == ("山田 花子", "resume", "やまだ")
