"""When sources run: the windows in Asia/Tokyo, the next run, and what is due."""
from datetime import datetime

import pytest

from senko.sources import schedule

WINDOWS = ["07:30", "11:30", "15:30", "19:30"]


def utc(*args) -> datetime:
    """A naive UTC datetime, as the database stores time."""
    return datetime(*args)


def test_next_run_is_the_next_tokyo_window_in_utc():
    """At 10:00 JST (01:00 UTC) the next window is 11:30 JST = 02:30 UTC; after 19:30 JST it is 07:30 JST tomorrow."""
    assert schedule.next_run(WINDOWS, utc(2026, 11, 29, 1, 0)) == utc(2026, 11, 29, 2, 30)
    assert schedule.next_run(WINDOWS, utc(2026, 11, 29, 2, 30)) == utc(2026, 11, 29, 6, 30)  # strictly after
    # 20:00 JST on the 29th is 11:00 UTC; the next window is 07:30 JST on the 30th = 22:30 UTC on the 29th.
    assert schedule.next_run(WINDOWS, utc(2026, 11, 29, 11, 0)) == utc(2026, 11, 29, 22, 30)
    assert schedule.next_run([], utc(2026, 11, 29, 11, 0)) is None


def test_a_source_is_due_once_per_window():
    """Due when a window passed since the last scheduled start; a failed window is simply retried at the next one."""
    now = utc(2026, 11, 29, 2, 45)  # 11:45 JST
    assert schedule.is_due(WINDOWS, None, now)
    assert not schedule.is_due(WINDOWS, utc(2026, 11, 29, 2, 31), now)  # ran at 11:31 JST
    assert schedule.is_due(WINDOWS, utc(2026, 11, 28, 22, 31), now)  # last ran at 07:31 JST
    # Just after midnight JST the latest window is yesterday's 19:30.
    assert schedule.last_window(WINDOWS, utc(2026, 11, 29, 15, 10)) == utc(2026, 11, 29, 10, 30)


def test_windows_are_validated():
    """Times must be HH:MM; duplicates collapse and the order does not matter."""
    assert [t.strftime("%H:%M") for t in schedule.parse_windows(["19:30", "7:30", "07:30"])] == ["07:30", "19:30"]
    for bad in ("25:00", "7.30", "noon"):
        with pytest.raises(ValueError, match="HH:MM"):
            schedule.parse_windows([bad])


def test_beat_dispatches_job_board_sources_every_minute(app):
    """Beat's table has the dispatch job, which starts the sources whose window came."""
    from senko import queue

    entry = app.extensions["celery"].conf.beat_schedule["dispatch-job-board-sources"]
    assert entry["task"] == queue.DISPATCH_SOURCES and entry["schedule"].total_seconds() == 60
