"""Helpers for the model tests: labelled applicants straight in MySQL, waiting for models and scores."""
import time

from senko.demo.resumes import make_profile


def seed_labelled(app, count: int, decided: int | None = None, start: int = 0) -> list[int]:
    """Create ``count`` generated applicants with stored nouns; the first ``decided`` get their hidden-rule label."""
    from senko.extensions import db
    from senko.ingest.nouns import extract_nouns, load_stopwords, name_parts
    from senko.models import Applicant
    from senko.models.mixins import utcnow
    from senko.ingest.pipeline import store_nouns

    decided = count if decided is None else decided
    stopwords = load_stopwords()
    ids = []
    with app.app_context():
        for offset in range(count):
            profile = make_profile(start + offset)
            applicant = Applicant(name=profile.name, furigana=profile.furigana, status="unscored",
                                  processed_sha256="0" * 64)
            if offset < decided:
                applicant.decision, applicant.decided_at = profile.label, utcnow()
            db.session.add(applicant)
            db.session.flush()
            nouns = extract_nouns("\n".join(profile.lines()), stopwords, name_parts(profile.name, profile.furigana))
            store_nouns(applicant.id, nouns.counts)
            ids.append(applicant.id)
        db.session.commit()
    return ids


def wait_for(predicate, what: str, timeout: float = 60.0, interval: float = 0.2):
    """Poll ``predicate()`` until it returns something truthy; returns it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")
