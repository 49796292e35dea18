"""Bulk jobs (rescore, retokenize): chunks, the lease fence, the API, the CLI and the activation path."""
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select, update


@pytest.fixture
def small_chunks(app):
    """Chunks of 6 applicants for this test (the planner runs in the test's process)."""
    before = app.config["SENKO_BULK_CHUNK_SIZE"]
    app.config["SENKO_BULK_CHUNK_SIZE"] = 6
    try:
        yield 6
    finally:
        app.config["SENKO_BULK_CHUNK_SIZE"] = before


def applied_counts(app, job_id: int) -> list[int]:
    """Each item's ``applied`` counter of the job."""
    from senko.extensions import db
    from senko.models import BulkJobItem

    with app.app_context():
        return list(db.session.scalars(select(BulkJobItem.applied).where(BulkJobItem.job_id == job_id)))


def wait_job(client, headers, job_id: int, wait_for) -> dict:
    """Poll ``GET /jobs/<id>`` until the job is no longer running."""
    def finished():
        job = client.get(f"/jobs/{job_id}", headers=headers).get_json()["job"]
        return job if job["status"] != "running" else None

    return wait_for(finished, f"bulk job {job_id}", 120, 0.3)


def serving(predict_service: str, version: str) -> bool:
    """True once senko-predict answers with model ``version`` six times, each on a new connection: each of its
    two processes swaps models on its own, and one of them answering is not both."""
    try:
        return all(requests.get(f"{predict_service}/ready", timeout=5).json().get("model_version") == version
                   for _ in range(6))
    except requests.RequestException:
        return False


def test_lease_fence_applies_a_chunk_once(app, predict_service, make_model, small_chunks, monkeypatch, wait_for):
    """A chunk run twice is applied once; a run whose lease was taken over drops its results."""
    from senko import queue
    from senko.bulk import chunks, jobs, work
    from senko.extensions import db
    from senko.models import Applicant, BulkChunk, BulkJobItem

    version = make_model(activate=True)
    wait_for(lambda: serving(predict_service, version), f"senko-predict serving {version}", 180)
    monkeypatch.setattr(queue, "run_bulk_chunk", lambda chunk_id, countdown=None: None)  # this test runs the chunks
    with app.app_context():
        job = jobs.start(jobs.RESCORE, version)
        assert (job.total, job.chunks) == (20, 4)  # 20 undecided of 120; 6 + 6 + 6 + 2
        first, second = db.session.scalars(select(BulkChunk.id).where(BulkChunk.job_id == job.id)
                                           .order_by(BulkChunk.seq).limit(2)).all()

        assert chunks.run(first, "a@test")["status"] == "done"
        assert chunks.run(first, "b@test")["status"] == "done"  # delivered again: nothing happens
        assert db.session.get(BulkChunk, first).worker == "a@test"

        chunk, _job, stale_token = chunks.claim(second, "slow@test")
        db.session.execute(update(BulkChunk).where(BulkChunk.id == second)
                           .values(lease_until=chunk.lease_until - timedelta(hours=1)))
        db.session.commit()
        assert chunks.run(second, "fast@test")["status"] == "done"  # the lease ran out: taken over
        ids = db.session.scalars(select(BulkJobItem.applicant_id).where(BulkJobItem.job_id == job.id,
                                                                         BulkJobItem.chunk_seq == 1)).all()
        stale = db.session.scalars(select(Applicant).where(Applicant.id.in_(ids))).all()
        late = chunks.apply(second, job.id, 1, stale_token, 6, stale, work.rescore(stale, version))
        assert late["status"] == "lease lost"
        db.session.rollback()
        counts = db.session.execute(select(BulkJobItem.chunk_seq, func.sum(BulkJobItem.applied))
                                    .where(BulkJobItem.job_id == job.id).group_by(BulkJobItem.chunk_seq)).all()
        assert dict(counts) == {0: 6, 1: 6, 2: 0, 3: 0}
        versions = db.session.scalars(select(Applicant.model_version).where(Applicant.id.in_(ids))).all()
        assert versions == [version] * 6


def test_a_job_whose_chunks_cannot_all_be_sent_is_cancelled(app, predict_service, make_model, small_chunks, monkeypatch):
    """The broker failing half-way leaves no job running with chunks nobody sends; the sent ones are skipped."""
    from senko import queue
    from senko.bulk import chunks, jobs
    from senko.exceptions import Unavailable
    from senko.extensions import db
    from senko.models import BulkChunk, BulkJob

    version = make_model(activate=False)
    sent = []

    def flaky(chunk_id, countdown=None):
        if sent:
            raise Unavailable("Task queue (Redis) is unavailable")
        sent.append(chunk_id)

    monkeypatch.setattr(queue, "run_bulk_chunk", flaky)
    with app.app_context():
        with pytest.raises(Unavailable):
            jobs.start(jobs.RESCORE, version)
        job = db.session.scalar(select(BulkJob).order_by(BulkJob.id.desc()).limit(1))
        assert job.status == "cancelled" and job.finished_at is not None
        assert chunks.run(sent[0], "a@test")["status"] == "skipped"
        assert db.session.get(BulkChunk, sent[0]).status == "skipped"


def test_a_chunk_leaves_alone_what_changed_while_it_ran(app, predict_service, make_model, small_chunks, monkeypatch,
                                                      wait_for):
    """An applicant decided, or given a new résumé, between the chunk's read and its write keeps what it has now."""
    from senko import queue
    from senko.bulk import chunks, jobs, work
    from senko.extensions import db
    from senko.models import Applicant, BulkChunk, BulkJobItem

    version = make_model(activate=True)
    wait_for(lambda: serving(predict_service, version), f"senko-predict serving {version}", 180)
    monkeypatch.setattr(queue, "run_bulk_chunk", lambda chunk_id, countdown=None: None)
    with app.app_context():
        job = jobs.start(jobs.RESCORE, version)
        chunk_id = db.session.scalar(select(BulkChunk.id).where(BulkChunk.job_id == job.id, BulkChunk.seq == 0))
        _chunk, _job, token = chunks.claim(chunk_id, "a@test")
        ids = db.session.scalars(select(BulkJobItem.applicant_id).where(BulkJobItem.job_id == job.id,
                                                                         BulkJobItem.chunk_seq == 0)).all()
        applicants = db.session.scalars(select(Applicant).where(Applicant.id.in_(ids))).all()
        outcome = work.rescore(applicants, version)
        decided, replaced, *others = ids
        with db.engine.begin() as other:  # meanwhile, in another request: a decision and a new résumé
            other.execute(update(Applicant).where(Applicant.id == decided).values(decision="NG", score=0.5))
            other.execute(update(Applicant).where(Applicant.id == replaced)
                          .values(status="queued", processed_sha256=None, score=None))
        assert chunks.apply(chunk_id, job.id, 0, token, 6, applicants, outcome)["status"] == "done"
        db.session.expire_all()
        assert db.session.get(Applicant, decided).score == pytest.approx(0.5)
        assert (db.session.get(Applicant, replaced).score, db.session.get(Applicant, replaced).processed_sha256) == (None, None)
        assert {db.session.get(Applicant, i).model_version for i in others} == {version}


@pytest.mark.usefixtures("worker")
def test_activation_and_api_rescore_run_chunked_jobs(app, client, admin, recruiter, predict_service, make_model,
                                                    small_chunks, wait_for):
    """Activating starts a chunked rescore; POST /applicants/rescore another; each applicant is applied once per job."""
    version = make_model(activate=True)
    first = wait_for(lambda: client.get("/jobs", headers=admin["headers"]).get_json()["jobs"], "activation's job", 180)
    first = wait_job(client, admin["headers"], first[0]["id"], wait_for)
    assert first["kind"] == "rescore" and first["model_version"] == version and first["status"] == "done"

    response = client.post("/applicants/rescore", headers=admin["headers"])
    assert response.status_code == 202, response.get_json()
    job = wait_job(client, admin["headers"], response.get_json()["job"]["id"], wait_for)
    assert (job["status"], job["total"], job["done"], job["failed"]) == ("done", 20, 20, 0)
    assert job["chunks"]["total"] == job["chunks"]["done"] == 4
    assert applied_counts(app, job["id"]) == [1] * 20
    events = client.get("/events", headers=admin["headers"]).get_json()["events"]
    finished = [e for e in events if e["kind"] == "rescore_finished" and e["data"].get("job_id") == job["id"]]
    assert finished and finished[0]["data"]["rescored"] == 20
    assert len([e for e in events if e["kind"] == "bulk_progress" and e["data"]["job_id"] == job["id"]]) == 4

    listed = client.get("/jobs?limit=5", headers=admin["headers"]).get_json()["jobs"]
    assert [j["id"] for j in listed][:2] == [job["id"], first["id"]]
    assert client.get("/jobs/999999", headers=admin["headers"]).status_code == 404
    assert client.get("/jobs?limit=0", headers=admin["headers"]).status_code == 400
    denied = client.post("/applicants/rescore", headers=recruiter["headers"])
    assert denied.status_code == 403 and denied.get_json()["code"]
    assert client.get("/jobs", headers=recruiter["headers"]).status_code == 403


def test_rescore_without_a_model_is_a_conflict(client, admin):
    """No active model: 409 with the JSON error shape, and no job."""
    response = client.post("/applicants/rescore", headers=admin["headers"])
    assert response.status_code == 409
    assert set(response.get_json()) >= {"message", "code"}
    assert client.get("/jobs", headers=admin["headers"]).get_json()["jobs"] == []


@pytest.mark.usefixtures("worker")
def test_retokenize_rereads_resumes(app, client, admin, recruiter, upload, wait_done, small_chunks, wait_for):
    """Retokenize re-reads each stored résumé through the pipeline: stale nouns are replaced, a lost file fails."""
    from senko.demo import resumes
    from senko.extensions import db
    from senko.ingest.storage import resume_path
    from senko.models import Applicant, ApplicantAttributes, ApplicantNoun

    ids = []
    for index in range(3):
        profile = resumes.make_profile(index)
        body = upload(client, recruiter["headers"], resumes.resume_pdf(profile), name=profile.name,
                      furigana=profile.furigana).get_json()
        ids.append(body["id"])
    for applicant_id in ids:
        assert wait_done(client, recruiter["headers"], applicant_id)["status"] == "unscored"
    def stored(applicant_id: int) -> dict:
        rows = db.session.execute(select(ApplicantNoun.noun, ApplicantNoun.count).where(ApplicantNoun.applicant_id == applicant_id))
        return dict(rows.all())

    with app.app_context():
        by_pipeline = {applicant_id: stored(applicant_id) for applicant_id in ids[:2]}
        db.session.execute(update(ApplicantNoun).where(ApplicantNoun.applicant_id.in_(ids)).values(count=99))
        lost = db.session.get(Applicant, ids[2])
        resume_path(lost.resume_sha256).unlink()
        db.session.commit()

    response = client.post("/applicants/retokenize", headers=admin["headers"])
    assert response.status_code == 202
    job = wait_job(client, admin["headers"], response.get_json()["job"]["id"], wait_for)
    assert (job["kind"], job["status"], job["total"], job["done"], job["failed"]) == ("retokenize", "done", 3, 2, 1)
    assert applied_counts(app, job["id"]) == [1, 1, 1]
    with app.app_context():
        counts = db.session.scalars(select(ApplicantNoun.count).where(ApplicantNoun.applicant_id.in_(ids[:2]))).all()
        assert counts and 99 not in counts
        # the same masking as the pipeline's (the résumé's own name fields, schools, word lists), attributes kept
        assert {applicant_id: stored(applicant_id) for applicant_id in ids[:2]} == by_pipeline
        assert db.session.scalar(select(func.count()).select_from(ApplicantAttributes)
                                 .where(ApplicantAttributes.applicant_id.in_(ids[:2]))) == 2
        assert db.session.scalar(select(func.max(ApplicantNoun.count)).where(ApplicantNoun.applicant_id == ids[2])) == 99


@pytest.mark.usefixtures("worker")
def test_cli_follows_the_job_with_a_progress_bar(app, runner, predict_service, make_model, small_chunks):
    """`flask applicants rescore` waits with a progress bar; --no-wait only prints the job."""
    make_model(activate=True)
    result = runner.invoke(args=["applicants", "rescore", "--wait", "--poll", "0.2"])
    assert result.exit_code == 0, result.output
    assert "of 20 applicants in 4 chunks" in result.output and "done: 20 done, 0 failed of 20" in result.output
    quick = runner.invoke(args=["applicants", "retokenize", "--no-wait"])
    assert quick.exit_code == 0 and "Follow it with GET /jobs/" in quick.output and "Job " in quick.output


def test_waiting_out_a_lease_costs_none_of_the_outage_retries(app, monkeypatch):
    """A chunk that waits out another worker's lease five times still gets all its retries for outages (focused: run
    and give_up replaced, the task itself run eagerly by Celery, its retries included)."""
    from flask import current_app

    from senko.bulk import chunks
    from senko.exceptions import Unavailable
    from senko.tasks.bulk import run_chunk

    plan = {"leases": 5, "extra_outages": 0}
    errors, gave_up = [], []

    def run(chunk_id, worker):
        if not errors and not plan.get("started"):
            # The limit of the app the task runs under (Celery's default app may be another test's).
            outages = current_app.config["SENKO_BULK_RETRIES"] + plan["extra_outages"]
            errors.extend([chunks.LeaseHeld("held", 0)] * plan["leases"] + [Unavailable("predict down")] * outages)
            plan["started"] = True
        if errors:
            raise errors.pop(0)
        return {"chunk": chunk_id, "status": "done"}

    monkeypatch.setattr(chunks, "run", run)
    monkeypatch.setattr(chunks, "give_up", lambda chunk_id, why: gave_up.append(why) or {"chunk": chunk_id, "status": "failed"})
    with app.app_context():
        assert run_chunk.apply(args=[7]).get() == {"chunk": 7, "status": "done"} and gave_up == []
        plan.update(leases=0, extra_outages=1, started=False)
        assert run_chunk.apply(args=[8]).get() == {"chunk": 8, "status": "failed"} and gave_up == ["predict down"]
