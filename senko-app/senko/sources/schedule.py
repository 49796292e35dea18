"""When sources run: times of day in Asia/Tokyo (by default the four windows recruiters' tools use).

Beat calls ``senko.tasks.sources.dispatch_due`` every minute; a source is due when a window has
passed since its last scheduled run started. A board that failed is simply tried again at the next
window, and what it missed is caught up then (cursor or look-back).
"""
import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")
_TIME = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$")


def parse_windows(values: list[str]) -> list[time]:
    """``["07:30", "11:30"]`` → sorted times; raises ValueError naming a value that is not HH:MM."""
    windows = set()
    for value in values:
        match = _TIME.match(str(value).strip())
        if not match:
            raise ValueError(f"schedule: {value!r} is not a time of day (HH:MM)")
        windows.add(time(int(match.group(1)), int(match.group(2))))
    return sorted(windows)


def _tokyo(moment: datetime) -> datetime:
    """A naive-UTC (as stored) or aware datetime, in Tokyo time."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(TOKYO)


def _utc(moment: datetime) -> datetime:
    """An aware datetime as naive UTC, the way the database stores time."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def next_run(windows: list[str], after: datetime) -> datetime | None:
    """The first window strictly after ``after`` (naive UTC), as naive UTC; None without windows."""
    times = parse_windows(windows)
    if not times:
        return None
    local = _tokyo(after)
    for day in range(2):
        date = (local + timedelta(days=day)).date()
        for window in times:
            candidate = datetime.combine(date, window, tzinfo=TOKYO)
            if candidate > local:
                return _utc(candidate)
    return None  # unreachable: a window repeats every day


def last_window(windows: list[str], now: datetime) -> datetime | None:
    """The latest window at or before ``now`` (naive UTC), as naive UTC; None without windows."""
    times = parse_windows(windows)
    if not times:
        return None
    local = _tokyo(now)
    for day in (0, 1):
        date = (local - timedelta(days=day)).date()
        for window in reversed(times):
            candidate = datetime.combine(date, window, tzinfo=TOKYO)
            if candidate <= local:
                return _utc(candidate)
    return None


def is_due(windows: list[str], last_scheduled_start: datetime | None, now: datetime) -> bool:
    """True when a window has passed since the last scheduled run started (or there never was one)."""
    window = last_window(windows, now)
    if window is None:
        return False
    return last_scheduled_start is None or last_scheduled_start < window
