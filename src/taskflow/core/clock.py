"""Time zones and the user's local days: the one place that turns "today", "tomorrow" and
"the next N days" of a user into UTC instants.

A user's `timezone` is an IANA name (`users.timezone`, default `UTC`); everything stored is
UTC. Day boundaries are computed with `zoneinfo`, so a day across a DST change is 23 or 25
hours long, as the wall clock says. Used by the task views (Today, Upcoming), the filter
language and recurrence (`tasks/recurrence.py`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
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


def now() -> datetime:
    """The current time (UTC): the app's clock. Tests move it with time-machine."""
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
