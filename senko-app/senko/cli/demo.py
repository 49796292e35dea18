"""``flask demo load``: generated applicants with résumés and decisions, and a first trained model."""
import logging

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from ..extensions import db
from ..models import Applicant, User
from ..models.mixins import utcnow

demo = AppGroup("demo", help="Demo data for a first look at Senko.")


@demo.command("load")
@click.option("--count", default=300, show_default=True, help="Applicants to generate.")
@click.option("--decided", default=0.8, show_default=True, help="Share of them with a past OK/NG decision.")
@click.option("--if-empty", is_flag=True, help="Do nothing when applicants already exist.")
@click.option("--train/--no-train", default=True, show_default=True, help="Train and activate a first model.")
def load(count, decided, if_empty, train):
    """Generate COUNT résumés (deterministic), process them, record past decisions, train and activate a model."""
    from ..demo.resumes import make_profile, resume_pdf
    from ..ingest.upload import attach_resume
    from ..tasks.ingest import process_resume

    logging.getLogger("senko").setLevel(logging.WARNING)  # one line per résumé is too chatty here
    if if_empty and db.session.scalar(select(func.count()).select_from(Applicant)):
        click.echo("Applicants exist already; no demo data loaded.")
        return
    admin = db.session.scalar(select(User).where(User.role == "admin").order_by(User.id).limit(1))
    cutoff = int(count * decided)
    with click.progressbar(range(count), label="Résumés") as indexes:
        for index in indexes:
            profile = make_profile(index)
            applicant = Applicant(name=profile.name, furigana=profile.furigana, email=profile.email, source="demo")
            attach_resume(applicant, resume_pdf(profile), f"demo_{index:04d}.pdf")
            db.session.add(applicant)
            db.session.commit()
            process_resume.run(applicant.id)
            if index < cutoff:
                applicant.decision = profile.label
                applicant.decided_by_id = admin.id if admin else None
                applicant.decided_at = utcnow()
                db.session.commit()
    click.echo(f"Loaded {count} applicants ({cutoff} with decisions).")
    if train:
        from ..training import registry

        model = registry.train(None, admin.id if admin else None)
        registry.activate(model)
        click.echo(f"Trained and activated {model.version}: AUC {model.metrics['roc_auc']} on the hold-out set.")
