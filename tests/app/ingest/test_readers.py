"""The PDF reader process: résumés read the same through it, bombs end as in the worker's own child,
nothing is left behind when a wait is interrupted, and a dead reader process costs no résumé."""
import os
import signal
import time
from pathlib import Path

import pytest

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
