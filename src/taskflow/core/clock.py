"""Time zones and the user's local days: the one place that turns "today", "tomorrow" and
"the next N days" of a user into UTC instants.

A user's `timezone` is an IANA name (`users.timezone`, default `UTC`); everything stored is
UTC. Day boundaries are computed with `zoneinfo`, so a day across a DST change is 23 or 25
hours long, as the wall clock says. Used by the task views (Today, Upcoming), the filter
language and recurrence (`tasks/recurrence.py`).
"""

from __future__ import annotations

import os
import time as wall
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from taskflow.db import utcnow

DEFAULT_TIMEZONE = "UTC"
MAX_TIMEZONE_LENGTH = 64


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    """The zone of an IANA name; ValueError for an unknown one (also for names zoneinfo
    would read as paths, such as `../etc`)."""
    if not name or len(name) > MAX_TIMEZONE_LENGTH or name.startswith(("/", ".")):
        raise ValueError(f"unknown time zone: {name!r}")
    if any(part in ("", ".", "..") for part in name.split("/")):
        raise ValueError(f"unknown time zone: {name!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"unknown time zone: {name!r}") from None


def is_timezone(name: str) -> bool:
    try:
        zone(name)
    except ValueError:
        return False
    return True


class _FileClock:
    """The settable clock of multi-process tests (TASKFLOW_TEST_CLOCK_FILE, refused unless
    TASKFLOW_ENV=test): the file holds an ISO 8601 instant; the clock reads that instant plus
    the real time passed since the file was written, so it ticks on from where a test set it,
    in every process that reads the same file; followed by ` frozen`, it stays there. No file
    yet: the real time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen: tuple[int, int] | None = None
        self._set_to: datetime | None = None
        self._frozen = False

    def now(self) -> datetime:
        try:
            status = self.path.stat()
        except FileNotFoundError:
            return utcnow()
        if self._seen != (status.st_mtime_ns, status.st_size):
            text, _, frozen = self.path.read_text(encoding="utf-8").strip().partition(" ")
            set_to = datetime.fromisoformat(text)
            self._frozen = frozen == "frozen"
            self._set_to = set_to if set_to.tzinfo else set_to.replace(tzinfo=UTC)
            self._seen = (status.st_mtime_ns, status.st_size)
        assert self._set_to is not None  # read just above
        if self._frozen:
            return self._set_to.astimezone(UTC)
        elapsed = max(0.0, wall.time() - status.st_mtime_ns / 1e9)
        return self._set_to.astimezone(UTC) + timedelta(seconds=elapsed)


_file_clock: _FileClock | None = None


def use_clock_file(path: Path | None) -> None:
    """Read the time from `path` from now on (None: the real time again). Called when a
    runtime is built, from the test-only setting `test_clock_file`."""
    global _file_clock  # one clock per process, as the real one
    _file_clock = _FileClock(path) if path is not None else None


def set_clock_file(path: Path, at: datetime, *, frozen: bool = False) -> None:
    """Set the file clock at `path` to `at` (tests), ticking on from there or `frozen`:
    written whole, then renamed, so a reader never sees half an instant."""
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    text = at.astimezone(UTC).isoformat() + (" frozen" if frozen else "")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


def now() -> datetime:
    """The current time (UTC): the app's clock. In-process tests move it with time-machine;
    multi-process tests with the clock file (`use_clock_file`)."""
    if _file_clock is not None:
        return _file_clock.now()
    return utcnow()


def local_date(timezone: str, at: datetime | None = None) -> date:
    """The calendar date at `at` (default: now) on a wall clock in `timezone`."""
    return (at or now()).astimezone(zone(timezone)).date()


def start_of_day(timezone: str, day: date) -> datetime:
    """The UTC instant at which `day` begins in `timezone` (the first instant of the day,
    also where midnight itself does not exist)."""
    local = datetime.combine(day, time(0), tzinfo=zone(timezone))
    return local.astimezone(UTC)


def day_bounds(timezone: str, day: date) -> tuple[datetime, datetime]:
    """[start, end) of a local day in UTC."""
    return start_of_day(timezone, day), start_of_day(timezone, day + timedelta(days=1))


def today_bounds(timezone: str, at: datetime | None = None) -> tuple[datetime, datetime]:
    """[start, end) of the user's today."""
    return day_bounds(timezone, local_date(timezone, at))


def next_days(timezone: str, days: int, at: datetime | None = None) -> tuple[datetime, datetime]:
    """[start of today, start of the day `days` days later): "the next N days" including
    today, as Todoist counts them."""
    today = local_date(timezone, at)
    return start_of_day(timezone, today), start_of_day(timezone, today + timedelta(days=days))


def end_of_local_day(timezone: str, at: datetime) -> datetime:
    """The end (exclusive) of the local day that holds `at`: an all-day task due `at` is
    overdue from then on."""
    return day_bounds(timezone, local_date(timezone, at))[1]
