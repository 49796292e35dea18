"""The audit trail: decision history, deletions, views and downloads of personal data, users who cannot vanish."""
import pytest


def entries(client, headers, **params) -> list[dict]:
    response = client.get("/audit", headers=headers, query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["entries"]


def test_every_decision_change_is_kept(client, admin, recruiter):
    """OK → NG → cleared (an undo): the history keeps all three with who, when and the note."""
    applicant_id = client.post("/applicant", headers=recruiter["headers"], json={"name": "履歴 一郎"}).get_json()["applicant"]["id"]
    url = f"/applicant/{applicant_id}"
    assert client.patch(url, headers=recruiter["headers"], json={"decision": "OK", "decision_note": "経験が合う"}).status_code == 200
    assert client.patch(url, headers=admin["headers"], json={"decision": "NG"}).status_code == 200
    assert client.patch(url, headers=admin["headers"], json={"decision": None, "decision_note": "取り消し"}).status_code == 200
    assert client.patch(url, headers=admin["headers"], json={"decision": None}).status_code == 200  # no change, no entry
    history = client.get(f"{url}/decisions", headers=recruiter["headers"]).get_json()["decisions"]
    assert [(h["from"], h["to"], h["changed_by"], h["note"]) for h in history] == [
        (None, "OK", "recruiter@example.com", "経験が合う"),
        ("OK", "NG", "admin@example.com", None),
        ("NG", None, "admin@example.com", "取り消し"),
    ]
    assert all(h["changed_at"].endswith("Z") for h in history)
    decided = entries(client, admin["headers"], action="applicant.decide", target_id=applicant_id)
    assert [(e["data"]["from"], e["data"]["to"]) for e in reversed(decided)] == [(None, "OK"), ("OK", "NG"), ("NG", None)]
    assert client.get("/applicant/99999/decisions", headers=recruiter["headers"]).status_code == 404


def test_deletion_is_recorded_without_personal_data(client, admin, recruiter):
    """Deleting an applicant leaves who deleted which id when, and nothing of the person (history gone too)."""
    applicant_id = client.post("/applicant", headers=recruiter["headers"],
                               json={"name": "削除 花子", "email": "hanako@example.com"}).get_json()["applicant"]["id"]
    client.patch(f"/applicant/{applicant_id}", headers=recruiter["headers"], json={"decision": "NG"})
    assert client.delete(f"/applicant/{applicant_id}", headers=recruiter["headers"]).status_code == 200
    [entry] = entries(client, admin["headers"], action="applicant.delete")
    assert entry["target_type"] == "applicant" and entry["target_id"] == str(applicant_id)
    assert entry["actor"] == "recruiter@example.com" and entry["address"] == "127.0.0.1"
    trail = str(entries(client, admin["headers"], limit=500))
    assert "削除" not in trail and "hanako" not in trail
    assert client.get(f"/applicant/{applicant_id}/decisions", headers=recruiter["headers"]).status_code == 404


def test_views_and_downloads_are_logged(client, admin, recruiter, make_applicant):
    """Reading an applicant, its nouns, its résumé and a list page each leave an entry naming the reader."""
    from senko.demo.resumes import make_profile, resume_pdf

    applicant_id = make_applicant(pdf=resume_pdf(make_profile(1)))
    h = recruiter["headers"]
    assert client.get(f"/applicant/{applicant_id}", headers=h).status_code == 200
    assert client.get(f"/applicant/{applicant_id}/nouns", headers=h).status_code == 200
    assert client.get(f"/applicant/{applicant_id}/resume", headers=h).status_code == 200
    assert client.get("/applicant/20/1", headers=h).status_code == 200
    assert client.get("/applicant/99999", headers=h).status_code == 404  # a failed read records nothing
    actions = {(e["action"], e["target_id"]) for e in entries(client, admin["headers"], action="applicant.")}
    assert actions == {("applicant.view", str(applicant_id)), ("applicant.nouns", str(applicant_id)),
                       ("applicant.resume_download", str(applicant_id)), ("applicant.list", None)}
    assert {e["actor"] for e in entries(client, admin["headers"], action="applicant.")} == {"recruiter@example.com"}


def test_audit_filters_and_paging(client, admin, recruiter):
    """Filters by action, actor, target and time; ``before`` pages; recruiters may not read it."""
    recruiter_id = client.get("/user/me", headers=recruiter["headers"]).get_json()["user"]["id"]
    for n in range(5):
        client.post("/applicant", headers=recruiter["headers"], json={"name": f"頁 {n}"})
    created = entries(client, admin["headers"], action="applicant.create", actor_id=recruiter_id)
    assert len(created) == 5
    first = client.get("/audit", headers=admin["headers"], query_string={"action": "applicant.create", "limit": 2}).get_json()
    assert len(first["entries"]) == 2 and first["next_before"] == first["entries"][-1]["id"]
    rest = entries(client, admin["headers"], action="applicant.create", before=first["next_before"])
    assert [e["id"] for e in first["entries"] + rest] == [e["id"] for e in created]
    assert entries(client, admin["headers"], action="applicant.create", until="2000-01-01") == []
    assert len(entries(client, admin["headers"], action="applicant.create", since="2000-01-01")) == 5
    assert len(entries(client, admin["headers"], action="applicant.create", since="2000-01-01t00:00:00z")) == 5
    logins = entries(client, admin["headers"], action="user.login", target_type="user", target_id=recruiter_id)
    assert len(logins) == 1
    assert client.get("/audit", headers=recruiter["headers"]).status_code == 403
    assert client.get("/audit?since=yesterday", headers=admin["headers"]).status_code == 400
    assert client.get("/audit?limit=501", headers=admin["headers"]).status_code == 400
    assert client.get("/audit", headers=admin["headers"], query_string={"action": "x" * 41}).status_code == 400


def test_users_who_decided_are_never_deleted(app, client, admin, recruiter, runner):
    """A user with a decision cannot be deleted (CLI or SQL): deactivated instead, the decision keeps its name."""
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    from senko.extensions import db

    applicant_id = client.post("/applicant", headers=recruiter["headers"], json={"name": "残 太郎"}).get_json()["applicant"]["id"]
    client.patch(f"/applicant/{applicant_id}", headers=recruiter["headers"], json={"decision": "OK"})
    result = runner.invoke(args=["users", "delete", "--email", "recruiter@example.com"])
    assert result.exit_code == 1 and "deactivate" in result.output
    with app.app_context(), pytest.raises(IntegrityError):
        db.session.execute(text("DELETE FROM users WHERE email = 'recruiter@example.com'"))
    assert runner.invoke(args=["users", "deactivate", "--email", "recruiter@example.com"]).exit_code == 0
    applicant = client.get(f"/applicant/{applicant_id}", headers=admin["headers"]).get_json()["applicant"]
    assert applicant["decided_by"] == "recruiter@example.com"
    runner.invoke(args=["users", "create", "--email", "unused@example.com", "--role", "recruiter"])
    assert runner.invoke(args=["users", "delete", "--email", "unused@example.com"]).exit_code == 0


def test_beat_flushes_queued_read_audits_without_a_request(app, client, recruiter, make_applicant):
    """Reads wait in Redis until a flush; the beat task writes them even when no further request comes."""
    from sqlalchemy import func, select

    from senko import auditlog
    from senko.extensions import db, redis_store
    from senko.models import AuditEntry
    from senko.tasks.maintenance import flush_read_audits

    applicant_id = make_applicant()
    assert client.get(f"/applicant/{applicant_id}", headers=recruiter["headers"]).status_code == 200  # takes the turn
    assert client.get(f"/applicant/{applicant_id}", headers=recruiter["headers"]).status_code == 200  # waits
    with app.app_context():
        def views() -> int:
            return db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "applicant.view"))

        assert redis_store.client.llen(auditlog.PENDING_KEY) == 1 and views() == 1
        assert app.extensions["celery"].conf.beat_schedule["flush-read-audits"]["task"] == flush_read_audits.name
        assert flush_read_audits() == 1
        db.session.rollback()
        assert views() == 2 and redis_store.client.llen(auditlog.PENDING_KEY) == 0


def test_read_audits_survive_a_flush_that_fails_or_dies(app, client, recruiter, make_applicant, monkeypatch):
    """A failed INSERT puts its batch back in order; a flusher killed mid-batch loses nothing: the next flush writes it."""
    import time

    from sqlalchemy import func, select

    from senko import auditlog
    from senko.extensions import db, redis_store
    from senko.models import AuditEntry

    applicant_id = make_applicant()
    with app.app_context():
        redis = redis_store.client
        redis.delete(auditlog.FLUSH_LOCK_KEY)
        redis.set(auditlog.FLUSH_LOCK_KEY, 1, ex=60)  # no request takes the turn: the test flushes
        for _ in range(3):
            assert client.get(f"/applicant/{applicant_id}", headers=recruiter["headers"]).status_code == 200
        queued = redis.lrange(auditlog.PENDING_KEY, 0, -1)
        assert len(queued) == 3

        def views() -> int:
            db.session.rollback()
            return db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "applicant.view"))

        class Killed(BaseException):
            pass

        def dies(*_args, **_kwargs):
            raise Killed()

        monkeypatch.setattr(auditlog, "insert", dies)
        with pytest.raises(Killed):
            auditlog.flush()
        assert redis.lrange(auditlog.PENDING_KEY, 0, -1) == queued and redis.zcard(auditlog.IN_FLIGHT_KEY) == 0
        monkeypatch.undo()

        # A flusher that died for good (SIGKILL) leaves its claimed batch behind, registered as in flight.
        claim = redis.register_script(auditlog.CLAIM)
        batch = f"{auditlog.BATCH_PREFIX}dead"
        assert claim(keys=[auditlog.PENDING_KEY, batch, auditlog.IN_FLIGHT_KEY], args=[2, time.time()]) == queued[:2]
        assert auditlog.flush() == 1 and views() == 1  # the batch is still someone's: not written twice yet
        redis.zadd(auditlog.IN_FLIGHT_KEY, {batch: time.time() - auditlog.STALE_SECONDS - 1})
        assert auditlog.flush() == 2 and views() == 3
        assert redis.llen(auditlog.PENDING_KEY) == 0 and redis.zcard(auditlog.IN_FLIGHT_KEY) == 0 and not redis.exists(batch)
