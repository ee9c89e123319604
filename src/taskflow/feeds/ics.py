"""RFC 5545 output with `icalendar`: one VEVENT per task."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from icalendar import Calendar, Event, vRecur

from taskflow.tasks.models import Task

PRODUCT_ID = "-//TaskFlow//Tasks feed//EN"
# A timed task is shown as a short event at its due time.
TIMED_DURATION = timedelta(minutes=30)


def render(tasks: Sequence[Task], *, public_url: str, host: str, now: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "TaskFlow")
    base = public_url.rstrip("/")
    for task in tasks:
        calendar.add_component(_event(task, base=base, host=host, now=now))
    ical: bytes = calendar.to_ical()
    return ical


def _event(task: Task, *, base: str, host: str, now: datetime) -> Event:
    assert task.due_at is not None
    event = Event()
    event.add("uid", f"task-{task.id}@{host}")
    event.add("dtstamp", now)
    event.add("summary", task.title)
    if task.description:
        event.add("description", task.description)
    event.add("url", f"{base}/projects/{task.project_id}?task={task.id}")
    if _all_day(task):
        day = task.due_at.date()
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
    else:
        event.add("dtstart", task.due_at)
        event.add("dtend", task.due_at + TIMED_DURATION)
    rule = _rrule(task)
    if rule:
        event.add("rrule", rule)
    event.add("last-modified", task.updated_at)
    if task.priority:
        # RFC 5545 PRIORITY: 1 highest .. 9 lowest; TaskFlow 4 (urgent) .. 1 (low).
        event.add("priority", {4: 1, 3: 3, 2: 5, 1: 9}[task.priority])
    return event


def _all_day(task: Task) -> bool:
    return bool(getattr(task, "due_all_day", False))


def _rrule(task: Task) -> vRecur | None:
    """The task's recurrence as an RRULE (once tasks recur: issue 15's `recurrence`)."""
    recurrence = getattr(task, "recurrence", None)
    if not recurrence or not isinstance(recurrence, str):
        return None
    try:
        rule: vRecur = vRecur.from_ical(recurrence.removeprefix("RRULE:"))
    except ValueError:
        return None
    return rule
