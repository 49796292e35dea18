"""Source runs through the real Celery worker, the CLI and beat's dispatch: the whole path, résumés scored."""


def make_source(client, admin, board) -> int:
    """A json_api source for the test board, allowed through the SSRF guard."""
    client.put("/sources/allow-list", headers=admin["headers"], json={"entries": [f"127.0.0.1:{board.port}"]})
    settings = {"url": f"{board.url}/api/applications", "api_key": "demo-key", "items_path": "applications",
                "next_cursor_path": "next_cursor", "cursor_param": "cursor",
                "fields": {"external_id": "id", "name": "applicant.name", "furigana": "applicant.kana",
                           "email": "contact.email", "phone": "contact.phone", "resume_url": "resume_url"}}
    response = client.post("/sources", headers=admin["headers"], json={"name": "en転職", "kind": "json_api", "settings": settings})
    return response.get_json()["source"]["id"]


def test_run_now_through_the_worker_imports_and_the_pipeline_takes_over(client, admin, job_board, worker, wait_for, wait_done):
    """POST /run → 202; the worker's run ends ok with 25 new; the imported résumés go through the pipeline."""
    source_id = make_source(client, admin, job_board)
    response = client.post(f"/sources/{source_id}/run", headers=admin["headers"])
    assert response.status_code == 202
    run_id = response.get_json()["run_id"]
    finished = wait_for(lambda: next((r for r in client.get(f"/sources/{source_id}/runs", headers=admin["headers"]).get_json()["runs"]
                                      if r["id"] == run_id and r["status"] != "running"), None), "the run", 90)
    assert (finished["status"], finished["new"]) == ("ok", 25)
    listed = client.get("/applicant/100/1?source=en転職", headers=admin["headers"]).get_json()["applicants"]
    with_resume = [a for a in listed if a["resume"]]
    assert len(listed) == 25 and with_resume and all(a["external_id"].startswith("JB-") for a in listed)
    assert wait_done(client, admin["headers"], with_resume[0]["id"])["status"] in ("scored", "unscored")
    events = client.get("/events?after=0", headers=admin["headers"]).get_json()["events"]
    assert any(e["kind"] == "source_run_finished" and "25 件" in e["message"] for e in events)


def test_flask_sources_run_prints_the_report(runner, client, admin, job_board, monkeypatch):
    """`flask sources run <id>` fetches in the CLI's process and prints the counts; a failure exits 1."""
    from senko import queue

    monkeypatch.setattr(queue, "send", lambda name, *args, **options: "not-sent")
    source_id = make_source(client, admin, job_board)
    result = runner.invoke(args=["sources", "run", str(source_id)])
    assert result.exit_code == 0, result.output
    assert "ok; seen 25, new 25, duplicates 0, errors 0" in result.output
    job_board.app.board.fail_status = 503
    failed = runner.invoke(args=["sources", "run", str(source_id)])
    assert failed.exit_code == 1 and "failed" in failed.output
    assert "en転職" in runner.invoke(args=["sources", "list"]).output


def test_beat_dispatch_starts_a_new_source_once_per_window(app, client, admin, job_board, monkeypatch):
    """dispatch_due starts a never-run source, and not again until the next window."""
    from senko import queue
    from senko.sources import runner as source_runner

    sent = []
    monkeypatch.setattr(queue, "send", lambda name, *args, **options: sent.append((name, args)) or "id")
    make_source(client, admin, job_board)
    with app.app_context():
        first = source_runner.dispatch_due()
        for run_id in first:
            source_runner.execute(run_id)
        assert len(first) == 1 and source_runner.dispatch_due() == []
    assert (queue.RUN_SOURCE, (first[0],)) in sent


def test_an_imap_source_through_the_runner_takes_each_mail_once(app, client, admin, imap_server, monkeypatch):
    """A mailbox source: 3 notification mails → 3 applicants with résumés; marked seen, so a re-run takes none."""
    from senko import queue
    from senko.demo.mails import notification_mail
    from senko.demo.resumes import make_profile
    from senko.sources import runner

    monkeypatch.setattr(queue, "send", lambda name, *args, **options: "not-sent")
    imap_server.clear()
    imap_server.append(*(notification_mail(make_profile(i), serial=i) for i in range(3)))
    client.put("/sources/allow-list", headers=admin["headers"], json={"entries": [f"127.0.0.1:{imap_server.port}"]})
    settings = {"host": "127.0.0.1", "port": imap_server.port, "username": imap_server.user,
                "password": imap_server.password, "verify_tls": False}
    response = client.post("/sources", headers=admin["headers"], json={"name": "応募通知メール", "kind": "imap", "settings": settings})
    assert response.status_code == 201, response.get_json()
    source_id = response.get_json()["source"]["id"]
    reports = []
    for _ in range(2):
        with app.app_context():
            run_id = runner.start_inline(source_id).id
            reports.append(runner.execute(run_id))
    assert [(r["status"], r["new"]) for r in reports] == [("ok", 3), ("ok", 0)]
    listed = client.get("/applicant/100/1?source=応募通知メール", headers=admin["headers"]).get_json()["applicants"]
    assert len(listed) == 3 and all(a["resume"] for a in listed)
