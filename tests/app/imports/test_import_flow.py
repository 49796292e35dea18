"""The 神エクセル import from upload to report through the API, the real worker, MariaDB and Redis.

Every generator layout is uploaded, previewed, committed with the proposal and compared exactly with
what the generator says it holds: the applicants created (every field, the decision as training data
by the importing person) and every reported error and warning. Importing the same file again
creates nothing; a corrected mapping is saved for the next file of the same layout.
"""
import io

import pytest

from senko.demo import spreadsheets

FIELDS = ("name", "furigana", "email", "phone", "applied_at", "source", "decision", "note")
DONE = ("done", "failed")


def upload(client, headers, data: bytes, filename: str):
    """POST /imports with the file as multipart."""
    return client.post("/imports", headers=headers, data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def wait_import(client, headers, wait_for, import_id: int, statuses) -> dict:
    """Poll GET /imports/<id> until its status is one of ``statuses``."""
    def poll():
        job = client.get(f"/imports/{import_id}", headers=headers).get_json()["import"]
        return job if job["status"] in statuses else None
    return wait_for(poll, f"import {import_id} to be {'/'.join(statuses)}", timeout=120)


def run_import(client, headers, wait_for, data: bytes, filename: str, body: dict | None = None) -> tuple[dict, dict]:
    """Upload, wait for the preview, commit (``body`` or the proposal), wait for the end: (preview, report)."""
    response = upload(client, headers, data, filename)
    assert response.status_code == 202, response.get_json()
    import_id = response.get_json()["import"]["id"]
    preview = wait_import(client, headers, wait_for, import_id, ("ready", "failed"))
    assert preview["status"] == "ready", preview
    response = client.post(f"/imports/{import_id}/commit", headers=headers, json=body or {})
    assert response.status_code == 202, response.get_json()
    done = wait_import(client, headers, wait_for, import_id, DONE)
    assert done["status"] == "done", done
    report = client.get(f"/imports/{import_id}/report", headers=headers).get_json()
    return preview, report


def stored(app, ids: list[int]) -> list[dict]:
    """The created applicants' fields (and who decided), in id order."""
    from senko.extensions import db
    from senko.models import Applicant

    with app.app_context():
        rows = db.session.scalars(db.select(Applicant).where(Applicant.id.in_(ids)).order_by(Applicant.id)).all()
        return [{**{field: getattr(a, field) for field in FIELDS}, "decided_by_id": a.decided_by_id,
                 "created_by_id": a.created_by_id} for a in rows]


def user_id(app, email: str) -> int:
    from senko.models import User

    with app.app_context():
        return User.by_email(email).id


def problems(items: list[dict]) -> list[tuple]:
    return sorted((p["sheet"], p["row"], p["column"], p["reason"]) for p in items)


def expected_problems(items) -> list[tuple]:
    return sorted(tuple(item) for item in items)


@pytest.mark.parametrize("name", spreadsheets.CASE_NAMES)
def test_each_layout_imports_exactly_what_the_generator_expects(app, client, worker, recruiter, wait_for, name):
    """Upload → preview → commit the proposal: the applicants, errors and warnings are exactly the expected ones."""
    case = spreadsheets.case(name)
    body = {"options": {"colour_map": case.colour_map}} if case.colour_map else {}
    preview, report = run_import(client, recruiter["headers"], wait_for, case.data, case.filename, body)
    for sheet in preview["sheets"]:
        assert sheet["hidden"] == (sheet["name"] in case.hidden_sheets)
        if sheet["hidden"]:
            assert not sheet["selected"]
    importer = user_id(app, "recruiter@example.com")
    created = stored(app, report["created"])
    expected = [{field: person[field] for field in FIELDS} for person in case.applicants]
    got = [{field: person[field] for field in FIELDS} for person in created]
    key = lambda person: (person["email"] or "", person["name"], str(person["applied_at"]))  # noqa: E731
    assert sorted(got, key=key) == sorted(expected, key=key)
    assert all(p["created_by_id"] == importer for p in created)
    assert all(p["decided_by_id"] == (importer if p["decision"] else None) for p in created)
    assert problems(report["errors"]) == expected_problems(case.errors)
    assert problems(report["warnings"]) == expected_problems(case.warnings)
    error_rows = {(p["sheet"], p["row"]) for p in report["errors"]}
    assert report["counts"]["created"] == len(expected) and report["counts"]["errors"] == len(error_rows)


def test_reimporting_the_same_file_creates_nothing(app, client, worker, recruiter, wait_for):
    """Every row of a second import of the same file is a `duplicate`; no applicant is doubled."""
    case = spreadsheets.case(spreadsheets.CASE_NAMES[0])
    _, first = run_import(client, recruiter["headers"], wait_for, case.data, case.filename)
    assert first["created"]
    _, again = run_import(client, recruiter["headers"], wait_for, case.data, "copy-" + case.filename)
    assert again["created"] == []
    duplicates = [p for p in again["errors"] if p["reason"] == "duplicate"]
    assert len(duplicates) == len(first["created"]) == again["counts"]["duplicates"]
    assert all("登録済みの応募者 #" in p["message"] for p in duplicates)
    from senko.extensions import db
    from senko.models import Applicant

    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Applicant)) == len(first["created"])


def test_decisions_are_training_data_with_an_import_note(app, client, worker, recruiter, wait_for):
    """An imported OK/NG is a decision by the importer, kept in the history with the note 「取り込み…」, and an event says how many."""
    case = spreadsheets.case(spreadsheets.CASE_NAMES[0])
    _, report = run_import(client, recruiter["headers"], wait_for, case.data, case.filename)
    decided = [p for p in stored(app, report["created"]) if p["decision"]]
    assert decided
    applicant = next(i for i in report["created"] if stored(app, [i])[0]["decision"])
    history = client.get(f"/applicant/{applicant}/decisions", headers=recruiter["headers"]).get_json()["decisions"]
    assert len(history) == 1 and history[0]["changed_by"] == "recruiter@example.com"
    assert history[0]["note"].startswith("取り込み（") and case.filename in history[0]["note"]
    events = client.get("/events", headers=recruiter["headers"]).get_json()["events"]
    done = [e for e in events if e["kind"] == "import_done"]
    counts = report["counts"]
    assert done and done[-1]["message"].startswith(f"{counts['created']}件取り込み、{counts['errors']}件エラー")


def test_a_corrected_mapping_is_saved_and_used_for_the_next_file(app, client, worker, recruiter, wait_for):
    """Commit with one column unmapped: the next file of the same layout comes with that mapping (confidence 1)."""
    case = spreadsheets.case(spreadsheets.CASE_NAMES[0])
    response = upload(client, recruiter["headers"], case.data, case.filename)
    import_id = response.get_json()["import"]["id"]
    preview = wait_import(client, recruiter["headers"], wait_for, import_id, ("ready",))
    sheet = next(s for s in preview["sheets"] if s["selected"])
    note_column = next(label for label, field in sheet["mapping"].items() if field == "note")
    mapping = {**sheet["mapping"], note_column: None}
    response = client.post(f"/imports/{import_id}/commit", headers=recruiter["headers"],
                           json={"sheets": [{"name": sheet["name"], "mapping": mapping}]})
    assert response.status_code == 202
    wait_import(client, recruiter["headers"], wait_for, import_id, ("done",))
    created = client.get(f"/imports/{import_id}/report", headers=recruiter["headers"]).get_json()["created"]
    assert all(p["note"] is None for p in stored(app, created))

    second = upload(client, recruiter["headers"], case.data, "next-month.xlsx").get_json()["import"]["id"]
    again = wait_import(client, recruiter["headers"], wait_for, second, ("ready",))
    same = next(s for s in again["sheets"] if s["name"] == sheet["name"])
    assert same["mapping"] == mapping
    assert set(same["confidence"].values()) == {1.0}


def test_csv_report_escapes_formulas_and_keeps_every_problem(app, client, worker, recruiter, wait_for):
    """A CSV with an e-mail like `=cmd|...`: the row is an error; the CSV report writes the value as text."""
    data = ("氏名,メールアドレス,電話番号,応募日\r\n山田 太郎,taro@example.jp,090-1234-5678,2023/4/1\r\n"
            "佐藤 花子,=cmd|' /C calc'!A0,090-2345-6789,2023/4/2\r\n").encode("cp932")
    _, report = run_import(client, recruiter["headers"], wait_for, data, "list.csv")
    assert len(report["created"]) == 1
    assert [(p["row"], p["column"], p["value"]) for p in report["errors"]] == [(3, "メールアドレス", "=cmd|' /C calc'!A0")]
    import_id = client.get("/imports", headers=recruiter["headers"]).get_json()["imports"][0]["id"]
    response = client.get(f"/imports/{import_id}/report?format=csv", headers=recruiter["headers"])
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeffkind,sheet,row,column,value,reason,message\r\n")
    assert "'=cmd|" in text and ",=cmd" not in text


def test_previews_and_reports_are_audited_reads(app, client, worker, admin, recruiter, wait_for):
    """The preview and the report show applicants' contact data: each read is in the audit trail, like a résumé's."""
    data = "氏名,メールアドレス,応募日\r\n山田 太郎,taro@example.jp,2023/4/1\r\n".encode()
    run_import(client, recruiter["headers"], wait_for, data, "list.csv")
    import_id = client.get("/imports", headers=recruiter["headers"]).get_json()["imports"][0]["id"]
    assert client.get(f"/imports/{import_id}", headers=recruiter["headers"]).status_code == 200
    assert client.get(f"/imports/{import_id}/report?format=csv", headers=recruiter["headers"]).status_code == 200
    entries = client.get("/audit", headers=admin["headers"], query_string={"action": "import."}).get_json()["entries"]
    reads = [(e["action"], e["target_id"], e["actor"]) for e in entries]
    assert ("import.view", str(import_id), "recruiter@example.com") in reads
    assert ("import.report", str(import_id), "recruiter@example.com") in reads


def test_broken_files_fail_with_a_reason_never_a_500(app, client, worker, recruiter, wait_for):
    """Not a spreadsheet → 415, empty or a broken zip → 422, too large → 413; a workbook the reader cannot
    open is accepted, then `failed` with a message and an `import_failed` event."""
    headers = recruiter["headers"]
    assert upload(client, headers, b"%PDF-1.4 not a sheet", "x.xlsx").status_code == 415
    assert upload(client, headers, b"", "x.csv").status_code == 422
    broken = upload(client, headers, b"PK\x03\x04" + b"\x00" * 200, "x.xlsx")
    assert broken.status_code == 422 and broken.get_json()["message"]
    limit = app.config["SENKO_MAX_IMPORT_FILE_BYTES"]
    app.config["SENKO_MAX_IMPORT_FILE_BYTES"] = 100
    try:
        assert upload(client, headers, b"a,b\r\n" * 100, "x.csv").status_code == 413
    finally:
        app.config["SENKO_MAX_IMPORT_FILE_BYTES"] = limit
    stream = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "this is not xml <<<")
    response = upload(client, headers, stream.getvalue(), "broken.xlsx")
    assert response.status_code == 202
    job = wait_import(client, headers, wait_for, response.get_json()["import"]["id"], ("ready", "failed"))
    assert job["status"] == "failed" and job["reason"] in ("invalid", "unreadable", "unsupported") and job["message"]
    events = client.get("/events", headers=headers).get_json()["events"]
    assert any(e["kind"] == "import_failed" and e["data"]["import_id"] == job["id"] for e in events)


def test_a_zip_bomb_is_refused_before_it_is_read(app, client, recruiter):
    """An .xlsx whose declared uncompressed size is over the reader's limit → 413 at upload, nothing stored."""
    import zipfile

    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"\x00" * (1 << 20)
            for _ in range(210):
                member.write(chunk)
    response = upload(client, recruiter["headers"], stream.getvalue(), "bomb.xlsx")
    assert response.status_code == 413 and "MB" in response.get_json()["message"]
    assert client.get("/imports", headers=recruiter["headers"]).get_json()["imports"] == []


def test_commit_rules_and_roles(app, client, worker, recruiter, users, wait_for):
    """No token 401; an auditor 403; not ready 409; unknown sheet or field 422; committing twice 409; unknown 404."""
    from senko.importing import jobs

    case = spreadsheets.case(spreadsheets.CASE_NAMES[0])
    assert client.post("/imports", data={}).status_code == 401
    users.create("auditor@example.com", "auditor-password-123", "auditor", "監査 役")
    auditor = users.headers(users.login("auditor@example.com", "auditor-password-123")["access_token"])
    assert upload(client, auditor, case.data, case.filename).status_code == 403
    headers = recruiter["headers"]
    with app.app_context():  # recorded but never sent to the worker: it stays `parsing`
        parsing = jobs.start_import(case.data, case.filename, None, enqueue=False).id
    early = client.post(f"/imports/{parsing}/commit", headers=headers, json={})
    assert early.status_code == 409 and "parsing" in early.get_json()["message"]

    import_id = upload(client, headers, case.data, case.filename).get_json()["import"]["id"]
    preview = wait_import(client, headers, wait_for, import_id, ("ready",))
    sheet, first_column = preview["sheets"][0]["name"], preview["sheets"][0]["columns"][0]
    assert client.post(f"/imports/{import_id}/commit", headers=headers,
                       json={"sheets": [{"name": "no such sheet"}]}).status_code == 422
    bad = client.post(f"/imports/{import_id}/commit", headers=headers,
                      json={"sheets": [{"name": sheet, "mapping": {first_column: "salary"}}]})
    assert bad.status_code == 422
    assert client.post(f"/imports/{import_id}/commit", headers=headers, json={"colour": 1}).status_code == 400
    assert client.post(f"/imports/{import_id}/commit", headers=headers).status_code == 202
    again = client.post(f"/imports/{import_id}/commit", headers=headers, json={})
    assert again.status_code == 409 and again.get_json()["message"]
    assert client.get("/imports/999999", headers=headers).status_code == 404
    wait_import(client, headers, wait_for, import_id, DONE)
