"""Backups: an archive of the database, résumés and models restores into an empty stack; tokens from before are refused."""
import hashlib
import io
import json
import os
import shutil
import stat
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from senko import backup
from senko.demo import resumes
from senko.extensions import db
from senko.models import Applicant, ApplicantNoun, AuditEntry, MlModel, User
from senko.training import registry
from senko_predict import artifact

pytestmark = pytest.mark.usefixtures("worker")


@pytest.fixture
def migrator(app, stack, monkeypatch):
    """The app configured with the migrator account, as `make backup` / `make restore` run it."""
    monkeypatch.setitem(app.config, "SENKO_MIGRATE_DATABASE_URI", stack.migrate_database_url())
    return app


def files_of(app) -> dict[str, str]:
    """Relative path → sha256 of every résumé and model file."""
    found = {}
    for key, root in (("resumes", Path(app.config["SENKO_DATA_DIR"]) / "resumes"), ("models", Path(app.config["SENKO_MODEL_DIR"]))):
        for path in root.rglob("*") if root.exists() else []:
            if path.is_file():
                found[f"{key}/{path.relative_to(root)}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def snapshot(app) -> dict:
    """What must survive: applicants (with decisions), nouns, models, users, audit rows."""
    with app.app_context():
        return {
            "applicants": db.session.execute(select(Applicant.id, Applicant.name, Applicant.status, Applicant.decision,
                                                    Applicant.resume_sha256).order_by(Applicant.id)).all(),
            "nouns": db.session.execute(select(ApplicantNoun.applicant_id, ApplicantNoun.noun, ApplicantNoun.count)
                                        .order_by(ApplicantNoun.applicant_id, ApplicantNoun.noun)).all(),
            "models": db.session.execute(select(MlModel.version, MlModel.status, MlModel.sha256)).all(),
            "users": db.session.execute(select(User.email, User.role)).all(),
            "audit": db.session.scalar(select(func.count()).select_from(AuditEntry)),
        }


def wipe(app, stack) -> None:
    """An empty stack: no tables but a fresh schema, no files."""
    with app.app_context():
        db.session.remove()
        backup.drop_all_tables()
    stack.migrate()
    shutil.rmtree(Path(app.config["SENKO_DATA_DIR"]) / "resumes", ignore_errors=True)
    shutil.rmtree(Path(app.config["SENKO_MODEL_DIR"]), ignore_errors=True)


def test_backup_round_trip(migrator, stack, client, admin, users, upload, wait_done, make_model, runner, tmp_path):
    """Applicants, nouns, files, models, users and audit rows come back; tokens issued before are refused, login works."""
    app = migrator
    version = make_model(activate=True)
    profile = resumes.make_profile(7)
    created = upload(client, admin["headers"], resumes.resume_pdf(profile), name=profile.name, furigana=profile.furigana)
    applicant = wait_done(client, admin["headers"], created.get_json()["id"])
    assert client.patch(f"/applicant/{applicant['id']}", headers=admin["headers"], json={"decision": "OK"}).status_code == 200
    before, files = snapshot(app), files_of(app)
    assert any(row.applicant_id == applicant["id"] for row in before["nouns"]) and len(files) >= 2

    made = runner.invoke(args=["backup", "create", "--output", str(tmp_path)])
    assert made.exit_code == 0, made.output
    archive = Path(made.output.splitlines()[0])
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    with tarfile.open(archive) as tar:
        assert tar.getnames()[0] == "manifest.json"
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["alembic_revision"] and manifest["counts"]["applicants"] == len(before["applicants"])
    assert set(manifest["files"]) == {"database.sql", *files}

    refused = runner.invoke(args=["backup", "restore", str(archive)])
    assert refused.exit_code == 1 and "empty stack" in refused.output  # the stack holds data

    wipe(app, stack)
    assert files_of(app) == {}
    restored = runner.invoke(args=["backup", "restore", str(archive)])
    assert restored.exit_code == 0, restored.output
    after = snapshot(app)
    for key in ("applicants", "nouns", "models", "users"):
        assert after[key] == before[key], key
    assert after["audit"] == before["audit"] + 1  # backup.create is recorded after the dump; + backup.restore
    assert files_of(app) == files
    with app.app_context():
        model = registry.by_version(version)
        assert model.status == "active"
        assert 0.0 <= artifact.loads(registry.read_verified(model)).predict_proba(["機械 学習"])[0][1] <= 1.0

    client.skip_contract = True  # 401 bodies are documented; the point here is the status
    assert client.get("/user/me", headers=admin["headers"]).status_code == 401
    assert client.post("/user/refresh", headers=users.headers(admin["refresh_token"])).status_code == 401
    client.skip_contract = False
    again = users.login("admin@example.com", users.ADMIN_PASSWORD)
    assert client.get("/user/me", headers=users.headers(again["access_token"])).status_code == 200
    nouns = client.get(f"/applicant/{applicant['id']}/nouns", headers=users.headers(again["access_token"])).get_json()
    assert nouns["nouns"]


def test_damaged_archive_is_refused(migrator, make_applicant, runner, tmp_path):
    """A member whose bytes no longer match the manifest's sha256 is refused before anything changes."""
    make_applicant(pdf=b"%PDF-1.4 backup test\n%%EOF")
    made = runner.invoke(args=["backup", "create", "--output", str(tmp_path)])
    assert made.exit_code == 0, made.output
    archive = Path(made.output.splitlines()[0])
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("resumes/"):
                data = data.replace(b"backup", b"BACKUP")
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    result = runner.invoke(args=["backup", "restore", "--force", str(damaged)])
    assert result.exit_code == 1
    assert "checksum mismatch for resumes/" in result.output
    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(os.urandom(200))
    result = runner.invoke(args=["backup", "restore", str(garbage)])
    assert result.exit_code == 1 and "not a readable backup archive" in result.output
    with migrator.app_context():
        assert db.session.scalar(select(func.count()).select_from(Applicant)) == 1
