"""Loading the demo data set: generated applicants with résumés, past decisions and a first model."""
from collections.abc import Callable

from sqlalchemy import func, select

from .. import applicants
from ..extensions import db
from ..ingest import pipeline
from ..models import Applicant, MlModel, User
from ..training import registry
from .resumes import make_profile, resume_pdf


def has_applicants() -> bool:
    """True when the database holds any applicant."""
    return bool(db.session.scalar(select(func.count()).select_from(Applicant)))


def first_admin_id() -> int | None:
    """The oldest admin's id (demo decisions are recorded as theirs), or None."""
    return db.session.scalar(select(User.id).where(User.role == "admin").order_by(User.id).limit(1))


def load(count: int = 300, decided: float = 0.8, step: Callable[[], None] | None = None) -> int:
    """Create ``count`` generated applicants (deterministic), process each résumé inline, and record the
    hidden-rule decision for the first ``decided`` share; returns how many were decided.

    The résumés go through the real pipeline in this process (no worker needed); ``step`` is called
    after each applicant (a progress bar).
    """
    admin_id = first_admin_id()
    cutoff = int(count * decided)
    for index in range(count):
        profile = make_profile(index)
        fields = {"name": profile.name, "furigana": profile.furigana, "email": profile.email, "source": "demo"}
        applicant = applicants.create_with_resume(fields, resume_pdf(profile), f"demo_{index:04d}.pdf", admin_id,
                                                  enqueue=False)
        pipeline.process(applicant.id)
        if index < cutoff:
            applicants.decide(applicant.id, profile.label, admin_id)
        if step:
            step()
    return cutoff


def train_first_model() -> MlModel:
    """Train a model on the demo decisions and activate it."""
    model = registry.train(None, first_admin_id())
    return registry.activate(model)
