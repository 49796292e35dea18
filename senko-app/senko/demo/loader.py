"""Loading the demo data set: generated applicants with résumés, past decisions, a first model, a job-board source."""
from collections.abc import Callable
from urllib.parse import urlsplit

from sqlalchemy import func, select

from .. import applicants
from ..extensions import db
from ..ingest import pipeline
from ..models import Applicant, MlModel, User
from ..sources import runner
from ..sources import service as sources_service
from ..training import governance, registry
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
    # Demo data only: the loader acknowledges the model card itself, so the demo has a working model at once.
    governance.acknowledge(model, registry.read_verified, first_admin_id(), "demo data: acknowledged by `flask demo load`")
    return registry.activate(model)


DEMO_SOURCE = "デモ求人ボード"
DEMO_FIELDS = {"external_id": "id", "name": "applicant.name", "furigana": "applicant.kana", "email": "contact.email",
               "phone": "contact.phone", "applied_at": "applied_at", "resume_url": "resume_url"}


def create_demo_source(board_url: str, api_key: str = "demo-key") -> tuple[int, int | None]:
    """Point a json_api source at the demo job board (allowing its loopback address) and start a first run.

    Returns (source id, run id); an existing demo source is only run again.
    """
    parts = urlsplit(board_url)
    entry = f"{parts.hostname}:{parts.port or (443 if parts.scheme == 'https' else 80)}"
    current = sources_service.allow_list_json()["entries"]
    if entry not in current:
        sources_service.set_allow_list([*current, entry], first_admin_id())
    existing = next((s for s in sources_service.list_all() if s.name == DEMO_SOURCE), None)
    if existing is None:
        settings = {"url": f"{board_url.rstrip('/')}/api/applications", "api_key": api_key, "items_path": "applications",
                    "next_cursor_path": "next_cursor", "cursor_param": "cursor", "fields": DEMO_FIELDS}
        existing = sources_service.create({"name": DEMO_SOURCE, "kind": "json_api", "settings": settings}, first_admin_id())
    return existing.id, runner.start(existing.id, "manual").id
