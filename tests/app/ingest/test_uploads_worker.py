"""Résumé ingest end to end: upload → real Celery worker → pdfminer.six → Janome → MySQL, and every failure path."""
import io
from pathlib import Path

import pytest
from sqlalchemy import text

from senko.demo import hostile, resumes

pytestmark = pytest.mark.usefixtures("worker")


def stored_files(app) -> list[Path]:
    root = Path(app.config["SENKO_DATA_DIR"]) / "resumes"
    return [p for p in root.rglob("*.pdf")] if root.exists() else []


def table_count(app, table: str) -> int:
    from senko.extensions import db

    with app.app_context():
        return db.session.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar()


def test_japanese_resume_gives_nouns_without_personal_attributes(client, recruiter, upload, wait_done):
    """A real résumé ends unscored (no model yet) with content nouns; name, place, gender, birth date are masked."""
    profile = resumes.make_profile(0)
    response = upload(client, recruiter["headers"], resumes.resume_pdf(profile), name=profile.name,
                      furigana=profile.furigana)
    assert response.status_code == 202
    body = response.get_json()
    assert body["status"] == "queued" and body["applicant"]["resume"]["filename"] == "履歴書.pdf"
    applicant = wait_done(client, recruiter["headers"], body["id"])
    assert applicant["status"] == "unscored" and applicant["failure_reason"] is None
    assert applicant["resume"]["pages"] == 2 and applicant["masked_tokens"] > 5  # 履歴書 + 職務経歴書

    nouns = client.get(f"/applicant/{body['id']}/nouns", headers=recruiter["headers"]).get_json()
    words = {n["noun"]: n["count"] for n in nouns["nouns"]}
    for skill in ("Word", "機械", "学習", "経済学部", "卒業"):
        assert skill in words, (skill, words)
    surname, given = profile.name.split()
    forbidden = {surname, given, "山", "﨑", "花子", "愛知", "名古屋", "女性", "男性", "性別", "生年月日", "1995", "31",
                 "慶應義塾", "慶應義塾大学", "大学"}  # school names are dropped by default (issue 12)
    assert not forbidden & words.keys(), forbidden & words.keys()


def test_vertical_writing_comes_out_as_words(client, recruiter, upload, wait_done):
    """縦書き résumés give the same multi-character nouns as horizontal ones, not one character per line."""
    profile = resumes.make_profile(0)
    horizontal = upload(client, recruiter["headers"], resumes.resume_pdf(profile), name=profile.name).get_json()["id"]
    profile.vertical = True
    vertical = upload(client, recruiter["headers"], resumes.resume_pdf(profile), name=profile.name).get_json()["id"]
    for applicant_id in (horizontal, vertical):
        wait_done(client, recruiter["headers"], applicant_id)

    def nouns(applicant_id):
        rows = client.get(f"/applicant/{applicant_id}/nouns", headers=recruiter["headers"]).get_json()["nouns"]
        return {n["noun"]: n["count"] for n in rows}

    assert nouns(vertical) == nouns(horizontal)
    assert "経済学部" in nouns(vertical)


EXPECTED = {
    "encrypted": {"encrypted"},
    "truncated": {"unparseable"},
    "corrupted_stream": {"unparseable", "unreadable_font", "no_text", None},  # None: recovered and processed
    "circular_xobject": {"no_text", "unparseable"},
    "image_only": {"no_text"},
    "zero_pages": {"no_text"},
    "many_pages": {"too_many_pages"},
    "unmapped_font": {"unreadable_font"},
    "flate_bomb": {"too_large"},
}


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_hostile_pdfs_fail_with_a_reason_and_the_worker_carries_on(client, recruiter, kind, upload, wait_done):
    """Each hostile file ends failed with its failure_reason (or processed if recoverable); a good file still works after."""
    response = upload(client, recruiter["headers"], hostile.HOSTILE[kind](), filename=f"{kind}.pdf")
    assert response.status_code == 202, response.get_json()
    applicant = wait_done(client, recruiter["headers"], response.get_json()["id"])
    assert applicant["failure_reason"] in EXPECTED[kind], applicant
    if applicant["failure_reason"]:
        assert applicant["status"] == "failed" and applicant["failure_detail"]
    good = upload(client, recruiter["headers"], resumes.resume_pdf(resumes.make_profile(4))).get_json()["id"]
    assert wait_done(client, recruiter["headers"], good)["status"] == "unscored"


def test_failure_is_reported_as_an_event(client, recruiter, upload, wait_done):
    """A failed document produces a 'failed' event naming the person and the reason."""
    applicant_id = upload(client, recruiter["headers"], hostile.encrypted_pdf(), name="佐藤 花子").get_json()["id"]
    wait_done(client, recruiter["headers"], applicant_id)
    events = client.get("/events?after=0", headers=recruiter["headers"]).get_json()["events"]
    failed = [e for e in events if e["applicant_id"] == applicant_id]
    assert failed[-1]["kind"] == "failed" and failed[-1]["data"]["failure_reason"] == "encrypted"
    assert "佐藤 花子" in failed[-1]["message"]


def test_text_file_renamed_pdf_is_415_and_nothing_stored(app, client, recruiter):
    """Type is checked by content: a text file named .pdf with Content-Type application/pdf → 415, nothing stored."""
    data = {"name": "x", "resume": (io.BytesIO(hostile.text_renamed_pdf()), "resume.pdf", "application/pdf")}
    response = client.post("/applicant", headers=recruiter["headers"], data=data, content_type="multipart/form-data")
    assert response.status_code == 415 and "not a PDF" in response.get_json()["message"]
    assert table_count(app, "applicants") == 0 and stored_files(app) == []


def test_oversized_pdf_is_413_and_nothing_stored(app, client, recruiter, upload):
    """A PDF over the per-file limit (10 MB) → 413 JSON, nothing stored."""
    big = b"%PDF-1.4\n" + b"0" * (app.config["SENKO_MAX_RESUME_BYTES"] + 10)
    response = upload(client, recruiter["headers"], big)
    assert response.status_code == 413 and "larger than 10 MB" in response.get_json()["message"]
    assert table_count(app, "applicants") == 0 and stored_files(app) == []


def test_missing_file_and_bad_fields(app, client, recruiter, upload):
    """Multipart without a file → 400; with a bad field → 422; nothing stored either way."""
    response = client.post("/applicant", headers=recruiter["headers"], data={"name": "x"}, content_type="multipart/form-data")
    assert response.status_code == 400
    response = upload(client, recruiter["headers"], hostile.zero_pages_pdf(), email="not-an-email")
    assert response.status_code == 422
    assert table_count(app, "applicants") == 0 and stored_files(app) == []


def test_download_replace_and_delete_resume(app, client, recruiter, upload, wait_done):
    """The original downloads byte for byte; replacing reprocesses and drops the old file; delete removes everything."""
    first = resumes.resume_pdf(resumes.make_profile(10))
    applicant_id = upload(client, recruiter["headers"], first, filename="first.pdf").get_json()["id"]
    wait_done(client, recruiter["headers"], applicant_id)
    download = client.get(f"/applicant/{applicant_id}/resume", headers=recruiter["headers"])
    assert download.status_code == 200 and download.data == first and download.mimetype == "application/pdf"
    assert "first.pdf" in download.headers["Content-Disposition"]

    second = resumes.resume_pdf(resumes.make_profile(11))
    response = client.post(f"/applicant/{applicant_id}/resume", headers=recruiter["headers"],
                           data={"resume": (io.BytesIO(second), "second.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 202 and response.get_json()["status"] == "queued"
    wait_done(client, recruiter["headers"], applicant_id)
    assert client.get(f"/applicant/{applicant_id}/resume", headers=recruiter["headers"]).data == second
    assert len(stored_files(app)) == 1

    assert client.delete(f"/applicant/{applicant_id}", headers=recruiter["headers"]).status_code == 200
    assert stored_files(app) == []
    assert table_count(app, "applicant_nouns") == 0 and table_count(app, "events") == 0
    assert client.get(f"/applicant/{applicant_id}/resume", headers=recruiter["headers"]).status_code == 404


def test_resume_routes_refuse_wrong_input(client, recruiter):
    """No résumé yet → 404 on download; JSON instead of multipart → 415; unknown applicant → 404."""
    applicant_id = client.post("/applicant", headers=recruiter["headers"], json={"name": "x"}).get_json()["applicant"]["id"]
    assert client.get(f"/applicant/{applicant_id}/resume", headers=recruiter["headers"]).status_code == 404
    assert client.post(f"/applicant/{applicant_id}/resume", headers=recruiter["headers"], json={}).status_code == 415
    response = client.post("/applicant/999999/resume", headers=recruiter["headers"],
                           data={"resume": (io.BytesIO(hostile.zero_pages_pdf()), "a.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 404


def test_bulk_upload_processes_each_file(client, recruiter, wait_done):
    """PDFs in one request become applicants named after their files, then after their résumés' 氏名.

    Profile 3's name holds 𠮷, which the generated PDF cannot map (it extracts as NUL): that name is
    not guessed at, the file name stays, and the ふりがな is still taken.
    """
    h = recruiter["headers"]
    profiles = [resumes.make_profile(i) for i in range(4)]
    files = [(io.BytesIO(resumes.resume_pdf(p)), f"応募者{p.index}.pdf") for p in profiles]
    response = client.post("/applicant/bulk", headers=h, data={"resumes": files, "source": "転職サイト"},
                           content_type="multipart/form-data")
    assert response.status_code == 202
    created = response.get_json()["applicants"]
    assert [a["name"] for a in created] == ["応募者0", "応募者1", "応募者2", "応募者3"]
    for profile, item in zip(profiles, created, strict=True):
        applicant = wait_done(client, h, item["id"])
        assert applicant["status"] == "unscored" and applicant["source"] == "転職サイト"
        assert applicant["furigana"] == profile.furigana
        if profile.index == 3:
            assert (applicant["name"], applicant["name_source"]) == ("応募者3", "filename")
            continue
        assert (applicant["name"], applicant["name_source"]) == (profile.name, "resume")
        nouns = {n["noun"] for n in client.get(f"/applicant/{item['id']}/nouns", headers=h).get_json()["nouns"]}
        name_pieces = set(profile.name.split()) | set(profile.name.replace(" ", ""))
        assert nouns and not nouns & name_pieces, nouns & name_pieces
        assert applicant["masked_tokens"] >= 2

    corrected = client.patch(f"/applicant/{created[3]['id']}", headers=h, json={"name": "鈴木 𠮷野"}).get_json()
    assert (corrected["applicant"]["name"], corrected["applicant"]["name_source"]) == ("鈴木 𠮷野", "entered")
    assert client.patch(f"/applicant/{created[3]['id']}", headers=h, json={"name_source": "resume"}).status_code == 422


def test_bulk_upload_with_one_bad_file_stores_nothing(app, client, recruiter):
    """If one file of a bulk upload is not a PDF, the request is refused (415) and nothing is stored."""
    files = [(io.BytesIO(resumes.resume_pdf(resumes.make_profile(1))), "good.pdf"),
             (io.BytesIO(hostile.text_renamed_pdf()), "bad.pdf")]
    response = client.post("/applicant/bulk", headers=recruiter["headers"], data={"resumes": files},
                           content_type="multipart/form-data")
    assert response.status_code == 415 and "bad.pdf" in response.get_json()["message"]
    assert table_count(app, "applicants") == 0 and stored_files(app) == []
    assert client.post("/applicant/bulk", headers=recruiter["headers"], data={}, content_type="multipart/form-data").status_code == 400


def test_events_cursor(client, recruiter, upload, wait_done):
    """Events come after the cursor only, oldest first; without a cursor the newest come with the current cursor."""
    empty = client.get("/events", headers=recruiter["headers"]).get_json()
    assert empty == {"events": [], "cursor": 0}
    ids = [upload(client, recruiter["headers"], hostile.zero_pages_pdf(), name=f"応募者{i}").get_json()["id"] for i in range(2)]
    for applicant_id in ids:
        wait_done(client, recruiter["headers"], applicant_id)
    page = client.get("/events?after=0", headers=recruiter["headers"]).get_json()
    assert sorted(e["applicant_id"] for e in page["events"]) == sorted(ids)
    assert client.get(f"/events?after={page['cursor']}", headers=recruiter["headers"]).get_json()["events"] == []
    assert client.get("/events?after=x", headers=recruiter["headers"]).status_code == 400


def test_noun_statistics_by_decision(client, recruiter, upload, wait_done):
    """/nouns lists nouns by how many applicants have them, optionally among OK (or NG) decisions."""
    ids = [upload(client, recruiter["headers"], resumes.resume_pdf(resumes.make_profile(i))).get_json()["id"] for i in range(2)]
    for applicant_id in ids:
        wait_done(client, recruiter["headers"], applicant_id)
    client.patch(f"/applicant/{ids[0]}", headers=recruiter["headers"], json={"decision": "OK"})
    overall = client.get("/nouns?limit=5", headers=recruiter["headers"]).get_json()["nouns"]
    assert overall[0]["applicants"] == 2
    ok_only = client.get("/nouns?decision=OK&limit=500", headers=recruiter["headers"]).get_json()["nouns"]
    assert ok_only and all(n["applicants"] == 1 for n in ok_only)
    assert client.get("/nouns?decision=maybe", headers=recruiter["headers"]).status_code == 400


def test_soft_time_limit_in_the_real_worker(app, client, recruiter, upload, wait_done):
    """A document slower than the soft time limit ends failed/timeout, and the worker then processes the next one."""
    heavy = resumes.render_pdf(["業務改善と品質管理と設計と開発と運用保守を担当しました。データ分析も行いました。"] * 38, pages=19)
    limits = app.config["SENKO_PDF_SOFT_TIME_LIMIT"], app.config["SENKO_PDF_TIME_LIMIT"]
    # The limits travel with the task message, so this upload carries a 0.3 s soft limit (the
    # document needs about 2 s here: 19 pages, 30,000 characters).
    app.config["SENKO_PDF_SOFT_TIME_LIMIT"], app.config["SENKO_PDF_TIME_LIMIT"] = 0.3, 30
    try:
        applicant_id = upload(client, recruiter["headers"], heavy).get_json()["id"]
    finally:
        app.config["SENKO_PDF_SOFT_TIME_LIMIT"], app.config["SENKO_PDF_TIME_LIMIT"] = limits
    applicant = wait_done(client, recruiter["headers"], applicant_id)
    assert (applicant["status"], applicant["failure_reason"]) == ("failed", "timeout")
    assert "longer than 0.3 s" in applicant["failure_detail"]
    good = upload(client, recruiter["headers"], resumes.resume_pdf(resumes.make_profile(8))).get_json()["id"]
    assert wait_done(client, recruiter["headers"], good)["status"] == "unscored"
