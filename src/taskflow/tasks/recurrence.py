"""Recurring tasks: RFC 5545 RRULE bodies, read and expanded by python-dateutil's `rrule`.

Occurrences are computed on the wall clock of the task's creator: the rule's DTSTART is the
task's `due_at` in the creator's time zone, so "FREQ=DAILY" from 09:00 Europe/Berlin stays
09:00 in Berlin across the March and October changes (the UTC instant moves by an hour).

The stored rule is the body as given (upper-cased, without an `RRULE:` prefix). Two things are
read differently from a bare RRULE, because a task's series moves with it:
- `UNTIL` may be a local date or time (`UNTIL=20271231`): it is read on the creator's wall
  clock, and a date means the end of that day;
- `COUNT` counts the occurrences left, the current one included: each advance lowers it by
  the occurrences it passes, and completing the last one ends the series.
Occurrences are looked for up to `HORIZON` ahead; a rule with none in that span "yields no
future occurrence". SECONDLY and MINUTELY rules are refused (a task is not a timer).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from dateutil.rrule import rrule, rrulestr

from taskflow.core.clock import zone

RecurrenceBasis = Literal["due", "completion"]
MAX_RULE_LENGTH = 500
HORIZON = timedelta(days=366 * 10)
# Parts of an RRULE (RFC 5545 3.3.10) and their values' characters: nothing else gets through.
RULE_PATTERN = r"^(RRULE:)?[A-Za-z]+=[A-Za-z0-9,+\-]+(;[A-Za-z]+=[A-Za-z0-9,+\-]+)*;?$"
_RULE = re.compile(RULE_PATTERN)
_PARTS = {
    "FREQ", "UNTIL", "COUNT", "INTERVAL", "BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY",
    "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS", "WKST",
}  # fmt: skip
_FREQUENCIES = {"HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
_LOCAL_UNTIL = re.compile(r"^(\d{8})(T\d{6})?$")


class InvalidRule(ValueError):
    """The rule cannot be used; the message says why, for a 422."""


@dataclass(frozen=True, slots=True)
class Rule:
    body: str  # normalized, as stored
    count: int | None
    parts: dict[str, str]


def normalize(body: str) -> str:
    """The form a rule is stored in: upper-case, no `RRULE:` prefix nor trailing `;`."""
    text = body.strip().upper()
    text = text.removeprefix("RRULE:")
    return text.rstrip(";")


def parse(body: str) -> Rule:
    """Check the syntax and the parts; InvalidRule says what is wrong."""
    text = normalize(body)
    if not text or len(text) > MAX_RULE_LENGTH or not _RULE.match(text):
        raise InvalidRule("recurrence: not an RRULE body such as FREQ=WEEKLY;BYDAY=MO,WE")
    parts: dict[str, str] = {}
    for part in text.split(";"):
        name, _, value = part.partition("=")
        if name not in _PARTS:
            raise InvalidRule(f"recurrence: unknown RRULE part {name}")
        if name in parts:
            raise InvalidRule(f"recurrence: {name} is given twice")
        parts[name] = value
    if "FREQ" not in parts:
        raise InvalidRule("recurrence: FREQ is required")
    if parts["FREQ"] not in _FREQUENCIES:
        raise InvalidRule("recurrence: FREQ must be HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY")
    if "COUNT" in parts and "UNTIL" in parts:
        raise InvalidRule("recurrence: COUNT and UNTIL cannot both be given")
    count = None
    if "COUNT" in parts:
        if not parts["COUNT"].isdigit() or not 1 <= int(parts["COUNT"]) <= 100_000:
            raise InvalidRule("recurrence: COUNT must be a number from 1 to 100000")
        count = int(parts["COUNT"])
    if "INTERVAL" in parts and (
        not parts["INTERVAL"].isdigit() or not 1 <= int(parts["INTERVAL"]) <= 1000
    ):
        raise InvalidRule("recurrence: INTERVAL must be a number from 1 to 1000")
    for name, high in (("BYHOUR", 23), ("BYMINUTE", 59), ("BYSECOND", 59)):
        values = parts.get(name, "0").split(",")
        if not all(value.isdigit() and int(value) <= high for value in values):
            raise InvalidRule(f"recurrence: {name} takes numbers from 0 to {high}")
    rule = Rule(body=text, count=count, parts=parts)
    _check_interval(rule)
    _check_feasible(rule)
    return rule


def _check_interval(rule: Rule) -> None:
    """An INTERVAL of days, weeks or hours with a filter on the date can miss every matching
    day forever ("every 7 days, on Mondays" from a Tuesday), which dateutil would only find
    out in the year 9999: such rules are refused (no calendar app writes them)."""
    if rule.parts.get("INTERVAL", "1") == "1" or rule.parts["FREQ"] in ("MONTHLY", "YEARLY"):
        return
    filters = [*_DATE_PARTS, "BYDAY"] if rule.parts["FREQ"] != "WEEKLY" else list(_DATE_PARTS)
    if any(name in rule.parts for name in filters):
        raise InvalidRule(
            f"recurrence: INTERVAL with FREQ={rule.parts['FREQ']} cannot be combined with "
            + ", ".join(name for name in filters if name in rule.parts)
        )


# The Gregorian calendar repeats every 400 years (146,097 days, a whole number of weeks): a
# date filter that no day of years 9600-9999 meets is met by no day ever.
_CYCLE_START = datetime(9600, 1, 1)
_DATE_PARTS = ("BYMONTH", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO")


def _check_feasible(rule: Rule) -> None:
    """Refuse a rule whose date filters no day can meet (February 30th, week 54...): dateutil
    would otherwise search for it until the year 9999. The filters are checked on their own,
    yearly, over one whole calendar cycle (milliseconds)."""
    parts = [f"{name}={rule.parts[name]}" for name in _DATE_PARTS if name in rule.parts]
    if "BYDAY" in rule.parts:  # the weekdays, without ordinals (a superset of the days)
        days = {re.sub(r"^[+-]?\d+", "", day) for day in rule.parts["BYDAY"].split(",")}
        parts.append("BYDAY=" + ",".join(sorted(days)))
    if not parts:
        return
    try:
        relaxed = rrulestr("FREQ=YEARLY;" + ";".join(parts), dtstart=_CYCLE_START)
        found = next(iter(relaxed), None)
    except (ValueError, TypeError, OverflowError) as error:
        raise InvalidRule(f"recurrence: {error}") from None
    if found is None:
        raise InvalidRule("recurrence: no day matches the rule")


def until_utc(value: str, timezone: str) -> str:
    """UNTIL as dateutil (and RFC 5545) wants it beside a zoned DTSTART: a UTC time; a local
    date means the end of that day on the creator's wall clock."""
    if value.endswith("Z"):
        return value
    match = _LOCAL_UNTIL.match(value)
    if match is None:
        raise InvalidRule("recurrence: UNTIL must be a date (YYYYMMDD) or a time (…THHMMSS[Z])")
    try:
        if match.group(2):
            local = datetime.strptime(value, "%Y%m%dT%H%M%S")
        else:
            local = datetime.strptime(value, "%Y%m%d").replace(hour=23, minute=59, second=59)
    except ValueError:
        raise InvalidRule("recurrence: UNTIL is not a valid date") from None
    return local.replace(tzinfo=zone(timezone)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _expander(rule: Rule, start: datetime, timezone: str) -> rrule:
    """The rule with DTSTART `start` on the creator's wall clock, COUNT left out (counted by
    `next_occurrence`), and bounded by the horizon."""
    parts = {name: value for name, value in rule.parts.items() if name != "COUNT"}
    if "UNTIL" in parts:
        parts["UNTIL"] = until_utc(parts["UNTIL"], timezone)
    text = ";".join(f"{name}={value}" for name, value in parts.items())
    dtstart = start.astimezone(zone(timezone))
    try:
        expanded = rrulestr(text, dtstart=dtstart)
    except (ValueError, TypeError, OverflowError) as error:
        raise InvalidRule(f"recurrence: {error}") from None
    if not isinstance(expanded, rrule):  # pragma: no cover - one RRULE line is one rrule
        raise InvalidRule("recurrence: one RRULE only")
    horizon = dtstart + HORIZON
    until: datetime | None = getattr(expanded, "_until", None)  # where dateutil keeps it
    return expanded.replace(until=min(until, horizon) if until is not None else horizon)


@dataclass(frozen=True, slots=True)
class Occurrence:
    due_at: datetime  # UTC
    recurrence: str  # the rule to keep (COUNT lowered by the occurrences passed)


def next_occurrence(
    body: str, due_at: datetime, timezone: str, after: datetime
) -> Occurrence | None:
    """The first occurrence of the series that starts at `due_at` strictly after `after`
    (and after `due_at`), or None when the series has ended (COUNT or UNTIL reached, or
    none within the horizon)."""
    try:
        return _next(parse(body), due_at, timezone, after)
    except (ValueError, TypeError, OverflowError) as error:
        if isinstance(error, InvalidRule):
            raise
        raise InvalidRule(f"recurrence: {error}") from None


def _next(rule: Rule, due_at: datetime, timezone: str, after: datetime) -> Occurrence | None:
    expander = _expander(rule, due_at, timezone)
    after = max(after, due_at).astimezone(UTC)
    if rule.count is None:
        found = expander.after(after)
        if found is None:
            return None
        return Occurrence(due_at=found.astimezone(UTC), recurrence=rule.body)
    # With COUNT, the current due date is the first of the `count` occurrences left.
    passed = 1
    for occurrence in expander:
        if occurrence <= due_at:
            continue
        if passed >= rule.count:
            return None
        if occurrence > after:
            left = rule.count - passed
            kept = ";".join(
                f"{name}={left if name == 'COUNT' else value}" for name, value in rule.parts.items()
            )
            return Occurrence(due_at=occurrence.astimezone(UTC), recurrence=kept)
        passed += 1
    return None


def validate(body: str, due_at: datetime | None, timezone: str, now: datetime) -> str:
    """The rule as stored, if it is valid for a task due `due_at`; InvalidRule otherwise:
    a task due in the future needs an occurrence after it (unless COUNT=1: it is the only
    one), an overdue one an occurrence after now."""
    rule = parse(body)
    if due_at is None:
        raise InvalidRule("recurrence: a recurring task needs a due_at")
    zone(timezone)
    if rule.count == 1 and due_at >= now:
        return rule.body
    if next_occurrence(rule.body, due_at, timezone, now) is None:
        raise InvalidRule("recurrence: the rule yields no future occurrence")
    return rule.body


def advance(
    body: str,
    basis: str,
    due_at: datetime,
    start_at: datetime | None,
    timezone: str,
    completed: datetime,
) -> tuple[Occurrence, datetime | None] | None:
    """Where a completed occurrence moves the task: the next due date after the due date
    (basis `due`) or after the completion (basis `completion`), the start date shifted by
    the same amount; None when the series has ended."""
    if basis == "completion":
        # "every 3 days from when I did it": the rule restarts at the completion time, on
        # the due date's wall-clock time of day.
        local_due = due_at.astimezone(zone(timezone))
        local_done = completed.astimezone(zone(timezone))
        anchor = local_done.replace(
            hour=local_due.hour, minute=local_due.minute, second=local_due.second,
            microsecond=local_due.microsecond,
        )  # fmt: skip
        found = next_occurrence(body, _rezone(anchor, timezone), timezone, completed)
    else:
        found = next_occurrence(body, due_at, timezone, due_at)
    if found is None:
        return None
    shifted = start_at + (found.due_at - due_at) if start_at is not None else None
    return found, shifted


def _rezone(local: datetime, timezone: str) -> datetime:
    """A wall-clock time in `timezone` as the UTC instant it names."""
    return local.replace(tzinfo=zone(timezone)).astimezone(UTC)
