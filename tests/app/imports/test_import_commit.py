"""Committing an import in this process (the worker's code, without Celery): one transaction per sheet,
idempotent redelivery, and the CLI that runs the whole flow with a progress bar."""
import pytest

from senko.demo import spreadsheets


def multi_sheet_case():
    """The first generator case with two or more sheets selected by default."""
    from senko.imports import preview

    for name in spreadsheets.CASE_NAMES:
        case = spreadsheets.case(name)
        if sum(sheet.selected for sheet in preview(case.data, case.filename)) >= 2:
            return case
    pytest.fail("the generator has no case with two selected sheets")


def start(case, user_id=None) -> int:
    """Upload, read and confirm the proposal in this process; returns the import id (``committing``)."""
    from senko.importing import jobs

    job = jobs.start_import(case.data, case.filename, user_id, enqueue=False)
    assert jobs.parse_import(job.id) == "ready"
    jobs.request_commit(job.id, {}, user_id, enqueue=False)
    return job.id


def test_a_failing_sheet_is_rolled_back_alone(app, monkeypatch):
    """The second sheet fails mid-way: nothing of it is stored, the first sheet stays, the import says which."""
    from senko.extensions import db
    from senko.importing import commit, jobs
    from senko.models import Applicant

    case = multi_sheet_case()
    with app.app_context():
        import_id = start(case)
        sheets = [s["name"] for s in jobs.get(import_id).choice["sheets"]]
        real_add, calls = commit._add, []

        def add(job, sheet_name, row, user_id):
            calls.append(sheet_name)
            if sheet_name == sheets[1] and calls.count(sheet_name) == 2:
                raise RuntimeError("disk full")
            return real_add(job, sheet_name, row, user_id)

        monkeypatch.setattr(commit, "_add", add)
        assert commit.commit_import(import_id) == "failed"
        job = jobs.get(import_id)
        assert job.reason == "commit_error" and sheets[1] in job.message and sheets[0] in job.message
        assert job.report["sheets_done"] == [sheets[0]]
        expected_first = sorted(p["email"] or p["name"] for p in case.applicants if p["sheet"] == sheets[0])
        names = sorted(a.email or a.name for a in db.session.scalars(db.select(Applicant)))
        assert names == expected_first


def test_a_redelivered_commit_skips_committed_sheets(app):
    """Running the commit task twice (a redelivery) changes nothing the second time."""
    from senko.extensions import db
    from senko.importing import commit
    from senko.models import Applicant

    case = multi_sheet_case()
    with app.app_context():
        import_id = start(case)
        assert commit.commit_import(import_id) == "done"
        count = db.session.scalar(db.select(db.func.count()).select_from(Applicant))
        assert commit.commit_import(import_id) == "done"
        assert db.session.scalar(db.select(db.func.count()).select_from(Applicant)) == count == len(case.applicants)


def test_a_file_that_kills_its_worker_is_given_up(app):
    """A redelivered read after the worker died on it three times fails the import (`crashed`) instead of looping."""
    from senko.extensions import db
    from senko.importing import jobs

    case = spreadsheets.case("clean")
    with app.app_context():
        job = jobs.start_import(case.data, case.filename, None, enqueue=False)
        job.attempts = jobs.MAX_ATTEMPTS  # three starts that never finished
        db.session.commit()
        assert jobs.parse_import(job.id) == "failed"
        job = jobs.get(job.id)
        assert job.reason == "crashed" and "3回" in job.message


def test_commits_wait_for_each_other(app):
    """While another commit holds the import lock, a commit waits and stores nothing; it runs once the lock is free."""
    import threading

    from sqlalchemy import text

    from senko.extensions import db
    from senko.importing import commit
    from senko.models import Applicant

    case = spreadsheets.case("clean")
    with app.app_context():
        import_id = start(case)
        holder = db.engine.connect()
    result = {}

    def run():
        with app.app_context():
            result["status"] = commit.commit_import(import_id)

    thread = threading.Thread(target=run)
    try:
        assert holder.execute(text("SELECT GET_LOCK(:name, 0)"), {"name": commit.LOCK_NAME}).scalar() == 1
        thread.start()
        thread.join(timeout=3)
        assert thread.is_alive()
        with app.app_context():
            assert db.session.scalar(db.select(db.func.count()).select_from(Applicant)) == 0
    finally:
        holder.execute(text("SELECT RELEASE_LOCK(:name)"), {"name": commit.LOCK_NAME})
        holder.close()
    thread.join(timeout=120)
    assert result["status"] == "done"
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Applicant)) == len(case.applicants)


def test_cli_imports_a_file_and_prints_the_report(app, runner, tmp_path, users):
    """`flask imports run FILE --mapping auto --user …` imports in-process and prints the summary and the error rows."""
    from senko.extensions import db
    from senko.models import Applicant

    users.create("hr@example.com", "hr-password-12345", "recruiter", "人事 一郎")
    case = spreadsheets.case(spreadsheets.CASE_NAMES[0])
    path = tmp_path / case.filename
    path.write_bytes(case.data)
    report = tmp_path / "report.csv"
    result = runner.invoke(args=["imports", "run", str(path), "--mapping", "auto", "--user", "hr@example.com",
                                 "--csv", str(report)])
    assert result.exit_code == 0, result.output
    errors = {(sheet, row, reason) for sheet, row, _column, reason in case.errors}
    assert f"{len(case.applicants)}件取り込み、{len({(s, r) for s, r, _ in errors})}件エラー" in result.output
    for sheet, row, reason in errors:
        assert f"{sheet}\t{row}\t" in result.output and reason in result.output
    assert report.read_text(encoding="utf-8").startswith("\ufeffkind,sheet,row")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Applicant)) == len(case.applicants)
    again = runner.invoke(args=["imports", "run", str(path)])
    rows = len({(sheet, row) for sheet, row, _ in errors})
    assert again.exit_code == 0 and f"0件取り込み、{len(case.applicants) + rows}件エラー" in again.output


def test_cli_refuses_a_file_that_is_not_a_spreadsheet(app, runner, tmp_path):
    """A PDF given to the CLI is an `Error: …` and exit status 1, nothing recorded."""
    path = tmp_path / "resume.xlsx"
    path.write_bytes(b"%PDF-1.7 nothing")
    result = runner.invoke(args=["imports", "run", str(path)])
    assert result.exit_code == 1 and "Error:" in result.output
