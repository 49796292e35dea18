"""PDF bombs: the decompression cap, the child process's memory and time limits, and a worker that lives on;
the PDF reader process: résumés read the same through it, bombs end as in the worker's own child, nothing is
left behind when a wait is interrupted, and a dead reader process costs no résumé."""
import io
import os
import signal
import time
import zlib
from pathlib import Path

import pytest
import requests

from senko.demo import hostile, resumes


def children_of(pid: int) -> set[int]:
    """Processes (zombies included) whose parent is ``pid``."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def children() -> set[int]:
    """Processes (zombies included) whose parent is this test process."""
    return children_of(os.getpid())


def bounded(data: bytes, **limits):
    """``extract_bounded`` of ``data``: (outcome, seconds, children left behind); outcome is the Extraction or the failure."""
    from senko.ingest.extract import ExtractionFailed
    from senko.ingest.sandbox import Limits, extract_bounded

    before, started = children(), time.monotonic()
    try:
        outcome = extract_bounded(data, Limits(**limits))
    except ExtractionFailed as exc:
        outcome = exc
    return outcome, time.monotonic() - started, children() - before


def test_a_resume_reads_the_same_in_the_child_process():
    """The child's answer is what extract_text gives in-process (text, pages, hidden counts)."""
    from senko.ingest.extract import extract_text

    data = hostile.stuffed_resume_pdf(resumes.make_profile(7), ["Python"], ("white",))
    outcome, _seconds, left = bounded(data)
    assert outcome == extract_text(data, 20) and outcome.hidden == {"background": 6} and left == set()


def test_decompression_bomb_is_too_large_without_inflating_it():
    """2 MB that inflate to 2 GB: cut off at the decompression cap, in well under the time limit; pdfminer is restored."""
    from pdfminer import pdftypes

    from senko.ingest.extract import ExtractionFailed, extract_text

    bomb = hostile.flate_bomb_pdf()
    assert len(bomb) < 3 * 2**20
    outcome, seconds, left = bounded(bomb)
    assert outcome.reason == "too_large" and "decompresses to more than 64 MB" in outcome.detail
    assert seconds < 20 and left == set()  # liveness only: the time limit is 30 s
    with pytest.raises(ExtractionFailed, match="too_large"):
        extract_text(bomb, 20, max_decoded_bytes=2**20)
    assert pdftypes.zlib is zlib and pdftypes.PDFStream.decode.__module__ == "pdfminer.pdftypes"


def test_memory_bomb_is_too_large_at_the_memory_limit():
    """16 KB → 16 MB of nested arrays the parser keeps (gigabytes of objects): the child hits its memory limit."""
    outcome, seconds, left = bounded(hostile.nesting_bomb_pdf(), memory_mb=128)
    assert outcome.reason == "too_large" and "128 MB of memory" in outcome.detail
    assert seconds < 60 and left == set()


def test_slow_pdf_is_a_timeout_and_the_child_is_killed():
    """Millions of operands (half a minute of parsing) end as a timeout at the limit; no child is left behind."""
    outcome, seconds, left = bounded(hostile.slow_pdf(), seconds=1)
    assert outcome.reason == "timeout" and "longer than 1 s" in outcome.detail
    assert seconds < 15 and left == set()


def test_the_child_dies_with_an_interrupted_wait():
    """When the task's own time limit interrupts the wait (Celery's soft limit), the child is killed, not orphaned."""

    class SoftLimit(Exception):
        pass

    def interrupt(_signum, _frame):
        raise SoftLimit()

    bomb, before = hostile.slow_pdf(), children()
    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 0.5)
    try:
        with pytest.raises(SoftLimit):
            bounded(bomb, seconds=30)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert children() - before == set()


def test_bulk_upload_of_bombs_and_a_resume(app, client, admin, worker, predict_service, make_model, wait_done, wait_for):
    """20 decompression bombs and a memory bomb in one bulk upload fail; the résumé among them is scored, and one after them."""
    version = make_model(activate=True)
    wait_for(lambda: all(requests.get(f"{predict_service}/ready", timeout=5).json().get("model_version") == version
                         for _ in range(6)), "both predict workers on the model")
    h = admin["headers"]
    bombs = [hostile.flate_bomb_pdf(1024, tag) for tag in range(20)] + [hostile.nesting_bomb_pdf()]
    good = resumes.resume_pdf(resumes.make_profile(1020))
    files = [(io.BytesIO(pdf), f"bomb{n:02d}.pdf") for n, pdf in enumerate(bombs[:10])] + [(io.BytesIO(good), "good.pdf")] + \
        [(io.BytesIO(pdf), f"bomb{n:02d}.pdf") for n, pdf in enumerate(bombs[10:], start=10)]
    response = client.post("/applicant/bulk", headers=h, data={"resumes": files}, content_type="multipart/form-data")
    assert response.status_code == 202, response.get_json()
    created = {a["name"]: a["id"] for a in response.get_json()["applicants"]}
    assert len(created) == 22
    done = {name: wait_done(client, h, applicant_id, timeout=180) for name, applicant_id in created.items()}
    assert done.pop("good")["status"] == "scored"
    # The memory bomb grows at tens of MB a second: on a busy machine the time limit may come before 512 MB.
    nesting = done.pop("bomb20")
    assert nesting["status"] == "failed" and nesting["failure_reason"] in ("too_large", "timeout"), nesting
    assert {(a["status"], a["failure_reason"]) for a in done.values()} == {("failed", "too_large")}, done
    after = client.post("/applicant/bulk", headers=h, content_type="multipart/form-data",
                        data={"resumes": [(io.BytesIO(resumes.resume_pdf(resumes.make_profile(1021))), "after.pdf")]})
    assert wait_done(client, h, after.get_json()["applicants"][0]["id"])["status"] == "scored"


# ---- the PDF reader process (senko.ingest.readers): the worker reads résumés through it --------------
def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture
def readers():
    """``senko.ingest.readers`` with a fresh reader process, stopped afterwards."""
    from senko.ingest import readers

    readers.stop()
    yield readers
    readers.stop()


def read(readers, data: bytes, **limits):
    """``read_pdf`` of ``data``: the Extraction, or the ExtractionFailed it raised."""
    from senko.ingest.extract import ExtractionFailed
    from senko.ingest.sandbox import Limits

    try:
        return readers.read_pdf(data, Limits(**limits))
    except ExtractionFailed as exc:
        return exc


def reader_pid(readers) -> int:
    return readers._process[1].pid


def test_a_resume_reads_the_same_and_the_reader_process_is_small(readers):
    """Text, pages and hidden counts as extract_text gives them in-process; the reader process holds no app."""
    from senko.ingest.extract import extract_text

    data = hostile.stuffed_resume_pdf(resumes.make_profile(7), ["Python"], ("white",))
    assert read(readers, data) == extract_text(data, 20)
    pid = reader_pid(readers)
    resident_mb = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    assert resident_mb < 100, resident_mb  # ~35 MB; the app and Janome would make it 200+
    assert read(readers, resumes.resume_pdf(resumes.make_profile(8))).pages >= 1
    assert reader_pid(readers) == pid and children_of(pid) == set()  # one reader process, no child left


def test_bombs_fail_as_in_the_worker_and_the_reader_process_lives_on(readers):
    """Decompression bomb → too_large, memory bomb → too_large, slow PDF → timeout; each child is gone, the reader stays."""
    assert read(readers, hostile.flate_bomb_pdf()).reason == "too_large"
    pid = reader_pid(readers)
    memory = read(readers, hostile.nesting_bomb_pdf(), memory_mb=128)
    assert memory.reason == "too_large" and "128 MB of memory" in memory.detail
    started = time.monotonic()
    slow = read(readers, hostile.slow_pdf(), seconds=1)
    assert slow.reason == "timeout" and "longer than 1 s" in slow.detail and time.monotonic() - started < 15
    assert reader_pid(readers) == pid and children_of(pid) == set()
    assert read(readers, resumes.resume_pdf(resumes.make_profile(9))).pages >= 1


def test_an_interrupted_wait_kills_the_reader_process_and_its_child(readers):
    """The task's time limit interrupting the wait (Celery's soft limit) leaves neither process behind."""

    class SoftLimit(Exception):
        pass

    def interrupt(_signum, _frame):
        raise SoftLimit()

    read(readers, resumes.resume_pdf(resumes.make_profile(10)))
    pid = reader_pid(readers)
    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 0.5)
    try:
        with pytest.raises(SoftLimit):
            read(readers, hostile.slow_pdf(), seconds=30)
        grandchildren = children_of(pid)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert readers._process is None and not alive(pid)
    assert not any(alive(child) for child in grandchildren)


def test_a_dead_reader_process_costs_no_resume(readers):
    """Killed between two résumés: the next one is read anyway, and the one after by a new reader process."""
    good = resumes.resume_pdf(resumes.make_profile(11))
    expected = read(readers, good)
    old = reader_pid(readers)
    os.kill(old, signal.SIGKILL)
    time.sleep(0.2)
    assert read(readers, good) == expected
    assert read(readers, good) == expected and reader_pid(readers) != old


def test_a_reader_process_that_fails_mid_answer_costs_no_resume(readers, monkeypatch):
    """The reader process ending before it answered: this résumé is read by the worker's own child, the next by a new reader."""
    good = resumes.resume_pdf(resumes.make_profile(12))
    expected = read(readers, good)
    old = reader_pid(readers)
    ask = readers._ask

    def ends(*_args):
        monkeypatch.setattr(readers, "_ask", ask)
        raise OSError("the PDF reader process ended")

    monkeypatch.setattr(readers, "_ask", ends)
    assert read(readers, good) == expected and readers._process is None and not alive(old)
    assert read(readers, good) == expected and reader_pid(readers) != old
