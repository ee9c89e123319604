"""RFC 5545 output with `icalendar`: one VEVENT per task.

- A timed task is a 30-minute event at its due time (UTC).
- An all-day task (`due_all_day`) is a `VALUE=DATE` event on the local date of its due
  time in the feed owner's time zone (the viewer's day, as the web app shows it), ending the
  next day (DTEND is exclusive).
- A recurring task carries its `RRULE`. Its series runs on its creator's wall clock
  (docs/time.md), so a timed one starts at `DTSTART;TZID=<creator's zone>` with that zone's
  VTIMEZONE in the calendar: "every day at 09:00" in Berlin stays 09:00 across DST. UNTIL is
  given as RFC 5545 wants it beside such a start: a UTC time, or a date for an all-day task.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event, vRecur

from taskflow.core.clock import zone
from taskflow.tasks import recurrence
from taskflow.tasks.models import Task

PRODUCT_ID = "-//TaskFlow//Tasks feed//EN"
# A timed task is shown as a short event at its due time.
TIMED_DURATION = timedelta(minutes=30)


def render(
    tasks: Sequence[tuple[Task, str | None]],
    *,
    public_url: str,
    host: str,
    now: datetime,
    viewer_zone: str,
) -> bytes:
    """The calendar of `tasks`, each with its creator's time zone (None: account gone, the
    viewer's zone stands in)."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "TaskFlow")
    base = public_url.rstrip("/")
    for task, creator_zone in tasks:
        event = _event(task, base=base, host=host, now=now)
        _when(event, task, viewer_zone=viewer_zone, series_zone=creator_zone or viewer_zone)
        calendar.add_component(event)
    calendar.add_missing_timezones()  # a VTIMEZONE for each TZID used
    ical: bytes = calendar.to_ical()
    return ical


def _event(task: Task, *, base: str, host: str, now: datetime) -> Event:
    event = Event()
    event.add("uid", f"task-{task.id}@{host}")
    event.add("dtstamp", now)
    event.add("summary", task.title)
    if task.description:
        event.add("description", task.description)
    event.add("url", f"{base}/projects/{task.project_id}?task={task.id}")
    event.add("last-modified", task.updated_at)
    if task.priority:
        # RFC 5545 PRIORITY: 1 highest .. 9 lowest; TaskFlow 4 (urgent) .. 1 (low).
        event.add("priority", {4: 1, 3: 3, 2: 5, 1: 9}[task.priority])
    return event


def _when(event: Event, task: Task, *, viewer_zone: str, series_zone: str) -> None:
    assert task.due_at is not None
    due = task.due_at if task.due_at.tzinfo else task.due_at.replace(tzinfo=UTC)
    rule = _rule_parts(task.recurrence)
    if task.due_all_day:
        day = due.astimezone(zone(viewer_zone)).date()
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        if rule is not None:
            if "UNTIL" in rule:
                rule["UNTIL"] = _until_date(rule["UNTIL"], viewer_zone)
            event.add("rrule", _recur(rule))
        return
    if rule is None:
        event.add("dtstart", due)
        event.add("dtend", due + TIMED_DURATION)
        return
    local = due.astimezone(zone(series_zone))
    event.add("dtstart", local)
    event.add("dtend", local + TIMED_DURATION)
    if "UNTIL" in rule:
        rule["UNTIL"] = recurrence.until_utc(rule["UNTIL"], series_zone)
    event.add("rrule", _recur(rule))


def _rule_parts(body: str | None) -> dict[str, str] | None:
    """The stored rule's parts, or None (no rule, or one that no longer parses: the task is
    then shown once rather than not at all)."""
    if not body:
        return None
    try:
        return dict(recurrence.parse(body).parts)
    except recurrence.InvalidRule:
        return None


def _recur(parts: dict[str, str]) -> vRecur:
    rule: vRecur = vRecur.from_ical(";".join(f"{name}={value}" for name, value in parts.items()))
    return rule


def _until_date(value: str, viewer_zone: str) -> str:
    """UNTIL beside a DATE start must be a date (RFC 5545 3.3.10): a local date stays, a
    local time keeps its date, a UTC time becomes the viewer's date of that instant."""
    if not value.endswith("Z"):
        return value[:8]
    instant = datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    local: date = instant.astimezone(zone(viewer_zone)).date()
    return local.strftime("%Y%m%d")
