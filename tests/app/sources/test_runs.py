"""Runs of a job-board source against the test board: exactly once, resumable, caught up, failures readable."""
import pytest
from sqlalchemy import select, text

JSON_FIELDS = {"external_id": "id", "name": "applicant.name", "furigana": "applicant.kana", "email": "contact.email",
               "phone": "contact.phone", "applied_at": "applied_at", "resume_url": "resume_url"}


@pytest.fixture
def allow_board(client, admin, job_board):
    """The board's loopback address in the admins' allow list (as an admin would add it)."""
    response = client.put("/sources/allow-list", headers=admin["headers"], json={"entries": [f"127.0.0.1:{job_board.port}"]})
    assert response.status_code == 200, response.get_json()
    return job_board


def json_source(client, admin, board, mode="cursor", api_key="demo-key", name="doda") -> int:
    """Create a json_api source for the test board through the API; returns its id."""
    settings = {"url": f"{board.url}/api/applications", "api_key": api_key, "items_path": "applications",
                "fields": JSON_FIELDS}
    settings.update({"next_cursor_path": "next_cursor", "cursor_param": "cursor"} if mode == "cursor" else {"page_param": "page"})
    response = client.post("/sources", headers=admin["headers"], json={"name": name, "kind": "json_api", "settings": settings})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["source"]["id"]


def run(app, source_id: int) -> dict:
    """Start a run and carry it out in this process (what the worker's task does)."""
    from senko.sources import runner

    with app.app_context():
        run_id = runner.start_inline(source_id).id
        runner.execute(run_id)
    return db_run(app, run_id)


def db_run(app, run_id: int) -> dict:
    from senko.extensions import db
    from senko.models import SourceRun

    with app.app_context():
        return db.session.get(SourceRun, run_id).to_dict()


def applicants_of(app, name: str) -> list:
    from senko.extensions import db
    from senko.models import Applicant

    with app.app_context():
        return db.session.execute(select(Applicant.external_id, Applicant.status, Applicant.resume_sha256)
                                  .where(Applicant.source == name).order_by(Applicant.external_id)).all()


@pytest.fixture(autouse=True)
def no_queue(monkeypatch):
    """These runs are carried out inline; the résumés they queue are not what is tested here."""
    from senko import queue

    monkeypatch.setattr(queue, "send", lambda name, *args, **options: "not-sent")


def test_first_run_imports_everything_once_and_a_rerun_creates_nothing(app, client, admin, allow_board):
    """Cursor board: 25 applications over 3 pages → 25 applicants with source and external id; again: nothing new."""
    source_id = json_source(client, admin, allow_board)
    first = run(app, source_id)
    assert (first["status"], first["seen"], first["new"], first["errors"]) == ("ok", 25, 25, 0)
    rows = applicants_of(app, "doda")
    assert len(rows) == 25 and len({r.external_id for r in rows}) == 25
    with_resume = [r for r in rows if r.resume_sha256]
    assert with_resume and all(r.status == "queued" for r in with_resume)
    second = run(app, source_id)
    assert (second["status"], second["new"]) == ("ok", 0)
    assert len(applicants_of(app, "doda")) == 25
    allow_board.app.board.add(3)
    third = run(app, source_id)
    assert (third["new"], len(applicants_of(app, "doda"))) == (3, 28)


def test_page_board_stops_at_the_first_known_page(app, client, admin, allow_board):
    """Newest-first page board: a re-run reads one known page and stops; new ones at the top are taken."""
    source_id = json_source(client, admin, allow_board, mode="page")
    assert run(app, source_id)["new"] == 25
    allow_board.app.board.add(2)
    again = run(app, source_id)
    assert (again["new"], again["duplicates"]) == (2, 18)  # page 1: 2 new + 8 known; page 2 all known → stop
    assert len(applicants_of(app, "doda")) == 27


def test_a_crash_after_page_two_resumes_without_loss_or_duplicates(app, client, admin, allow_board, monkeypatch):
    """The worker dies after committing page 2; the redelivered task resumes at page 3: 25 applicants, each once."""
    from senko.sources import runner

    source_id = json_source(client, admin, allow_board)
    original, pages = runner._import_page, []

    def crash_after_two(*args, **kwargs):
        if len(pages) == 2:
            raise SystemExit("worker killed")
        pages.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(runner, "_import_page", crash_after_two)
    with app.app_context():
        run_id = runner.start_inline(source_id).id
        with pytest.raises(SystemExit):
            runner.execute(run_id)
    crashed = db_run(app, run_id)
    assert crashed["status"] == "running" and crashed["new"] == 20  # two pages (and their counts) were committed
    assert len(applicants_of(app, "doda")) == 20
    monkeypatch.setattr(runner, "_import_page", original)
    with app.app_context():
        runner.execute(run_id)  # the redelivery
    resumed = db_run(app, run_id)
    assert resumed["status"] == "ok" and resumed["new"] == 25 and len(applicants_of(app, "doda")) == 25


def test_a_board_down_fails_the_run_with_an_event_and_is_caught_up_later(app, client, admin, allow_board):
    """500s → failed run with a reason and a 'source_failed' event; once up, the next run catches up everything."""
    source_id = json_source(client, admin, allow_board)
    allow_board.app.board.fail_status = 500
    failed = run(app, source_id)
    assert failed["status"] == "failed" and "500" in failed["reason"]
    events = client.get("/events?after=0", headers=admin["headers"]).get_json()["events"]
    assert any(e["kind"] == "source_failed" and e["message"].startswith("doda の取り込みに失敗しました") for e in events)
    allow_board.app.board.fail_status = None
    allow_board.app.board.add(4)
    assert run(app, source_id)["new"] == 29


def test_a_wrong_api_key_is_a_failed_run_with_a_clear_reason(app, client, admin, allow_board):
    """The board answers 401: the run fails, the reason says the key was refused, the popup says 認証エラー."""
    source_id = json_source(client, admin, allow_board, api_key="wrong-key")
    failed = run(app, source_id)
    assert failed["status"] == "failed" and "401" in failed["reason"]
    events = client.get("/events?after=0", headers=admin["headers"]).get_json()["events"]
    assert any(e["kind"] == "source_failed" and "認証エラー" in e["message"] for e in events)


def test_bad_items_are_recorded_and_the_rest_imported(app, client, admin, allow_board):
    """No id, a résumé that is not a PDF, a phone too long to store: errors of the run (partial); the others come in."""
    board = allow_board.app.board
    board.applications[3]["resume"] = "broken"
    board.applications[7]["external_id"] = None
    board.applications[9]["phone"] = "0" * 40
    source_id = json_source(client, admin, allow_board)
    result = run(app, source_id)
    assert (result["status"], result["new"], result["errors"]) == ("partial", 22, 3)
    assert len(result["item_errors"]) == 3 and any("phone" in e["message"] for e in result["item_errors"])


def test_the_same_person_from_two_boards_is_flagged_not_merged(app, client, admin, allow_board):
    """A second source with the same applications: new applicants, each flagged as a possible duplicate of the first."""
    first = json_source(client, admin, allow_board, name="doda")
    second = json_source(client, admin, allow_board, name="リクナビ")
    run(app, first)
    assert run(app, second)["new"] == 25
    response = client.get("/applicant/100/1?source=リクナビ", headers=admin["headers"]).get_json()
    assert response["total"] == 25
    assert all(a["possible_duplicate_of"] is not None for a in response["applicants"])


def test_the_source_list_never_shows_a_secret(client, admin, recruiter, allow_board):
    """GET /sources (any user) and GET /sources/<id> show which secrets are set, never their values."""
    source_id = json_source(client, admin, allow_board)
    listed = client.get("/sources", headers=recruiter["headers"])
    assert listed.status_code == 200 and "demo-key" not in listed.get_data(as_text=True)
    detail = client.get(f"/sources/{source_id}", headers=admin["headers"]).get_json()["source"]
    assert detail["secrets_set"] == ["api_key"] and "api_key" not in detail["settings"]
    assert client.get(f"/sources/{source_id}", headers=recruiter["headers"]).status_code == 403


def test_secrets_are_encrypted_at_rest(app, client, admin, allow_board):
    """The database holds the API key only as a Fernet token."""
    from senko.extensions import db
    from senko.models import Source

    json_source(client, admin, allow_board)
    with app.app_context():
        stored = db.session.scalar(select(Source.secrets_encrypted))
        raw = db.session.scalar(text("SELECT COUNT(*) FROM sources WHERE settings LIKE '%demo-key%'"))
    assert stored.startswith("gAAAA") and "demo-key" not in stored and raw == 0


@pytest.mark.parametrize(("body", "problem"), [
    ({"name": "x", "kind": "ftp", "settings": {}}, "kind"),
    ({"name": "x", "kind": "json_api", "settings": {"api_key": "k"}}, "url"),
    ({"name": "x", "kind": "json_api", "settings": {"url": "http://b/", "api_key": "k", "items_path": "a",
                                                     "fields": {"external_id": "id"}}, "schedule": ["25:00"]}, "schedule"),
])
def test_bad_settings_are_refused_on_save(client, admin, body, problem):
    """Unknown kind, a missing setting or a bad schedule → 422 naming the problem."""
    response = client.post("/sources", headers=admin["headers"], json=body)
    assert response.status_code == 422 and problem in response.get_json()["message"]


def test_test_connection_reads_the_first_page_and_stores_nothing(app, client, admin, allow_board):
    """POST /sources/test with unsaved settings: ok and the first items; nothing stored; a wrong key says auth."""
    settings = {"url": f"{allow_board.url}/api/applications", "api_key": "demo-key", "items_path": "applications",
                "fields": JSON_FIELDS, "next_cursor_path": "next_cursor", "cursor_param": "cursor"}
    result = client.post("/sources/test", headers=admin["headers"], json={"kind": "json_api", "settings": settings}).get_json()
    assert result["ok"] and len(result["items"]) == 5 and result["items"][0]["external_id"] == "JB-00001"
    assert applicants_of(app, "doda") == [] and client.get("/sources", headers=admin["headers"]).get_json()["sources"] == []
    settings["api_key"] = "nope"
    refused = client.post("/sources/test", headers=admin["headers"], json={"kind": "json_api", "settings": settings}).get_json()
    assert (refused["ok"], refused["reason"]) == (False, "auth")


def test_without_the_allow_list_the_loopback_board_is_refused(app, client, admin, job_board):
    """SSRF guard: the same source without its allow-list entry fails as refused, before any request reaches the board."""
    source_id = json_source(client, admin, job_board)
    failed = run(app, source_id)
    assert failed["status"] == "failed" and "allow list" in failed["reason"]
    assert job_board.app.board.requests == []


def test_allow_list_changes_are_recorded_and_checked(client, admin):
    """PUT keeps who and when, and refuses an entry that is neither host:port nor a CIDR."""
    saved = client.put("/sources/allow-list", headers=admin["headers"], json={"entries": ["10.1.2.0/24", "board.local:8080"]})
    assert saved.get_json()["updated_by"] == "admin@example.com" and saved.get_json()["entries"] == ["10.1.2.0/24", "board.local:8080"]
    bad = client.put("/sources/allow-list", headers=admin["headers"], json={"entries": ["board.local"]})
    assert bad.status_code == 422


def test_one_run_at_a_time(client, admin, allow_board):
    """A second POST /run while one is running → 409 naming the running one."""
    source_id = json_source(client, admin, allow_board)
    assert client.post(f"/sources/{source_id}/run", headers=admin["headers"]).status_code == 202
    again = client.post(f"/sources/{source_id}/run", headers=admin["headers"])
    assert again.status_code == 409 and "in progress" in again.get_json()["message"]


def test_an_unexpected_error_ends_the_run_and_the_source_is_free_again(app, client, admin, allow_board, monkeypatch):
    """A bug or a database refusal mid-run ends the run as failed (not 'running' forever); the next run may start."""
    from senko.sources import runner

    source_id = json_source(client, admin, allow_board)

    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(runner, "_import_page", broken)
    failed = run(app, source_id)
    assert failed["status"] == "failed" and "RuntimeError" in failed["reason"]
    monkeypatch.undo()
    monkeypatch.setattr("senko.queue.send", lambda name, *args, **options: "not-sent")
    assert run(app, source_id)["new"] == 25


def test_a_dead_broker_fails_the_run_it_could_not_queue(client, admin, allow_board, monkeypatch):
    """POST /run with the broker down: 503, and the recorded run is failed, so the next try is not refused with 409."""
    from senko import queue
    from senko.exceptions import Unavailable

    source_id = json_source(client, admin, allow_board)

    def down(*_args, **_kwargs):
        raise Unavailable("The task queue is unavailable")

    monkeypatch.setattr(queue, "send", down)
    assert client.post(f"/sources/{source_id}/run", headers=admin["headers"]).status_code == 503
    runs = client.get(f"/sources/{source_id}/runs", headers=admin["headers"]).get_json()["runs"]
    assert [r["status"] for r in runs] == ["failed"]
    monkeypatch.setattr(queue, "send", lambda name, *args, **options: "sent")
    assert client.post(f"/sources/{source_id}/run", headers=admin["headers"]).status_code == 202


def test_ids_differing_only_in_case_are_two_applications(app, client, admin, allow_board):
    """Board ids are compared byte for byte: 'abc' and 'ABC' both come in, and a re-run adds nothing."""
    board = allow_board.app.board
    board.applications[0]["external_id"], board.applications[1]["external_id"] = "app-abc", "APP-ABC"
    source_id = json_source(client, admin, allow_board)
    assert run(app, source_id)["new"] == 25
    again = run(app, source_id)
    assert (again["status"], again["new"]) == ("ok", 0)


def test_after_a_failed_run_a_page_board_is_read_to_the_look_back(app, client, admin, allow_board, monkeypatch):
    """Page 2 failed last time: the next run does not stop at the known page 1, so nothing between is lost."""
    from senko.sources.connectors import json_api

    source_id = json_source(client, admin, allow_board, mode="page")
    original, calls = json_api.JsonApiConnector._numbered_pages, []

    def fail_on_page_two(self, number):
        for page in original(self, number):
            calls.append(page)
            if len(calls) == 2:
                from senko.sources.base import ConnectorError

                raise ConnectorError("timeout", "the board did not answer")
            yield page

    monkeypatch.setattr(json_api.JsonApiConnector, "_numbered_pages", fail_on_page_two)
    assert run(app, source_id)["status"] == "failed"
    monkeypatch.undo()
    monkeypatch.setattr("senko.queue.send", lambda name, *args, **options: "not-sent")
    caught_up = run(app, source_id)
    assert caught_up["status"] == "ok" and len(applicants_of(app, "doda")) == 25


def test_sources_survive_bad_patches_a_running_delete_and_a_new_key(app, client, admin, allow_board):
    """PATCH schedule null keeps it; a secret with a newline is refused; DELETE while running → 409; a changed key
    does not break the list (the secrets show as unset, and can be entered again)."""
    from senko.extensions import db
    from senko.models import SourceRun

    source_id = json_source(client, admin, allow_board)
    kept = client.patch(f"/sources/{source_id}", headers=admin["headers"], json={"schedule": None, "enabled": False})
    assert kept.status_code == 200 and kept.get_json()["source"]["schedule"] == ["07:30", "11:30", "15:30", "19:30"]
    settings = client.get(f"/sources/{source_id}", headers=admin["headers"]).get_json()["source"]["settings"]
    newline = client.patch(f"/sources/{source_id}", headers=admin["headers"], json={"settings": {**settings, "api_key": "k\n"}})
    assert newline.status_code == 422 and "one line" in newline.get_json()["message"]
    with app.app_context():
        db.session.add(SourceRun(source_id=source_id, status="running"))
        db.session.commit()
    assert client.delete(f"/sources/{source_id}", headers=admin["headers"]).status_code == 409
    old_key = app.config["SENKO_SOURCES_KEY"]
    app.config["SENKO_SOURCES_KEY"] = "bmV3LWtleS1uZXcta2V5LW5ldy1rZXktbmV3LWtleSE="
    try:
        listed = client.get("/sources", headers=admin["headers"])
        assert listed.status_code == 200 and listed.get_json()["sources"][0]["secrets_set"] == []
        fixed = client.patch(f"/sources/{source_id}", headers=admin["headers"], json={"settings": {**settings, "api_key": "demo-key"}})
        assert fixed.status_code == 200 and fixed.get_json()["source"]["secrets_set"] == ["api_key"]
    finally:
        app.config["SENKO_SOURCES_KEY"] = old_key
