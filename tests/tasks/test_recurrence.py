"""Recurrence rules on their own (tasks/recurrence.py) and the local-day helpers
(core/clock.py): DST, both bases, COUNT and UNTIL, and the rules refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from taskflow.core import clock
from taskflow.tasks.recurrence import InvalidRule, advance, next_occurrence, parse, validate

BERLIN = "Europe/Berlin"


def _berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=clock.zone(BERLIN)).astimezone(UTC)


def test_daily_at_nine_stays_nine_across_the_march_change() -> None:
    # 2027-03-28 02:00 CET -> 03:00 CEST: the UTC hour moves, the local one does not.
    due = _berlin(2027, 3, 26, 9, 0)
    seen = []
    for _ in range(4):
        occurrence = next_occurrence("FREQ=DAILY", due, BERLIN, due)
        assert occurrence is not None
        due = occurrence.due_at
        seen.append(due)
    local = [moment.astimezone(clock.zone(BERLIN)) for moment in seen]
    assert [moment.hour for moment in local] == [9, 9, 9, 9]
    assert [moment.day for moment in local] == [27, 28, 29, 30]
    assert [moment.hour for moment in seen] == [8, 7, 7, 7]  # UTC: 08:00 before, 07:00 after


def test_daily_at_nine_stays_nine_across_the_october_change() -> None:
    # 2027-10-31 03:00 CEST -> 02:00 CET.
    due = _berlin(2027, 10, 30, 9, 0)
    occurrence = next_occurrence("FREQ=DAILY", due, BERLIN, due)
    assert occurrence is not None
    assert occurrence.due_at == datetime(2027, 10, 31, 8, 0, tzinfo=UTC)
    assert occurrence.due_at.astimezone(clock.zone(BERLIN)).hour == 9
    assert occurrence.due_at - due == timedelta(hours=25)


def test_basis_due_keeps_the_schedule_basis_completion_restarts_it() -> None:
    due = _berlin(2027, 1, 4, 9, 0)  # a Monday
    late = _berlin(2027, 1, 7, 18, 30)  # done three days late
    on_schedule = advance("FREQ=DAILY;INTERVAL=3", "due", due, None, BERLIN, late)
    from_done = advance("FREQ=DAILY;INTERVAL=3", "completion", due, None, BERLIN, late)
    assert on_schedule is not None
    assert from_done is not None
    assert on_schedule[0].due_at == _berlin(2027, 1, 7, 9, 0)  # the next on the grid
    assert from_done[0].due_at == _berlin(2027, 1, 10, 9, 0)  # three days after doing it


def test_start_moves_by_the_same_shift() -> None:
    due = _berlin(2027, 1, 4, 9, 0)
    start = due - timedelta(hours=2)
    moved = advance("FREQ=WEEKLY", "due", due, start, BERLIN, due)
    assert moved is not None
    assert moved[0].due_at == due + timedelta(days=7)
    assert moved[1] == start + timedelta(days=7)


def test_last_day_of_the_month() -> None:
    due = _berlin(2027, 1, 31, 9, 0)
    occurrence = next_occurrence("FREQ=MONTHLY;BYMONTHDAY=-1", due, BERLIN, due)
    assert occurrence is not None
    assert occurrence.due_at == _berlin(2027, 2, 28, 9, 0)


def test_count_counts_down_and_ends_the_series() -> None:
    due = _berlin(2027, 1, 4, 9, 0)
    first = next_occurrence("FREQ=DAILY;COUNT=2", due, BERLIN, due)
    assert first is not None
    assert first.recurrence == "FREQ=DAILY;COUNT=1"
    assert next_occurrence(first.recurrence, first.due_at, BERLIN, first.due_at) is None


def test_until_may_be_a_local_date() -> None:
    due = _berlin(2027, 1, 30, 9, 0)
    assert next_occurrence("FREQ=DAILY;UNTIL=20270131", due, BERLIN, due) is not None
    last = _berlin(2027, 1, 31, 9, 0)
    assert next_occurrence("FREQ=DAILY;UNTIL=20270131", last, BERLIN, last) is None


def test_rules_are_stored_normalized() -> None:
    assert parse("rrule:freq=weekly;byday=mo,we;").body == "FREQ=WEEKLY;BYDAY=MO,WE"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "not an RRULE body"),
        ("FREQ=FORTNIGHTLY", "FREQ must be"),
        ("FREQ=SECONDLY", "FREQ must be"),
        ("BYDAY=MO", "FREQ is required"),
        ("FREQ=DAILY;DTSTART=20270101", "unknown RRULE part DTSTART"),
        ("FREQ=DAILY;FREQ=WEEKLY", "given twice"),
        ("FREQ=WEEKLY;BYDAY=XX", "BYDAY"),
        ("FREQ=DAILY;COUNT=2;UNTIL=20270101", "cannot both"),
        ("FREQ=DAILY;BYHOUR=25", "BYHOUR"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "no day matches"),
        ("FREQ=DAILY;INTERVAL=7;BYDAY=MO", "cannot be combined"),
        ("FREQ=DAILY\nEXDATE:20270101", "not an RRULE body"),
    ],
)
def test_invalid_rules_say_why(body: str, message: str) -> None:
    with pytest.raises(InvalidRule, match=message):
        validate(body, _berlin(2027, 1, 4, 9, 0), BERLIN, _berlin(2027, 1, 1, 0, 0))


def test_a_rule_without_a_future_occurrence_is_refused() -> None:
    now = _berlin(2027, 6, 1, 0, 0)
    due = _berlin(2027, 1, 4, 9, 0)
    with pytest.raises(InvalidRule, match="no future occurrence"):
        validate("FREQ=DAILY;UNTIL=20270201", due, BERLIN, now)
    with pytest.raises(InvalidRule, match="needs a due_at"):
        validate("FREQ=DAILY", None, BERLIN, now)
    assert validate("FREQ=DAILY", due, BERLIN, now) == "FREQ=DAILY"


def test_local_days_follow_the_zone() -> None:
    # 23:30 UTC on March 27th is already the 28th in Berlin; that day has 23 hours.
    at = datetime(2027, 3, 27, 23, 30, tzinfo=UTC)
    assert clock.local_date(BERLIN, at) == date(2027, 3, 28)
    start, end = clock.today_bounds(BERLIN, at)
    assert start == datetime(2027, 3, 27, 23, 0, tzinfo=UTC)
    assert end - start == timedelta(hours=23)
    start, end = clock.next_days("UTC", 14, at)
    assert (start, end) == (
        datetime(2027, 3, 27, tzinfo=UTC),
        datetime(2027, 4, 10, tzinfo=UTC),
    )


@pytest.mark.parametrize("name", ["Mars/Olympus", "../etc/passwd", "", "/UTC", "Europe//Berlin"])
def test_unknown_zones_are_refused(name: str) -> None:
    assert not clock.is_timezone(name)
