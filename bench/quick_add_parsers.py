"""Which parser reads quick add's dates best: each candidate on the phrase table of
tests/tasks/quick_table.py (an isolated phrase in, a local date or date-time out), scored by
exact matches. A candidate that is not installed is skipped; the others are not dependencies
of TaskFlow, install them beside it to measure:

    uv pip install --target /tmp/parsers parsedatetime recurrent ctparse
    PYTHONPATH=.:/tmp/parsers .venv/bin/python bench/quick_add_parsers.py

The figures are in docs/quick-add-and-filters.md ("How the parser was chosen").
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

from tests.tasks.quick_table import DATES, NOW, RECURRENCES

from taskflow.tasks.quick_dates import find_date, find_recurrence

Result = date | datetime | None


def _as_result(value: datetime | None, phrase: str) -> Result:
    """A library answers with a datetime (often with the time of `now` when none is
    written): with no time written, the date alone is its answer (all day)."""
    if value is None:
        return None
    value = value.replace(tzinfo=None, second=0, microsecond=0)
    written = any(mark in phrase for mark in ("am", "pm", ":", "noon", "hour", "minute", "night"))
    return value if written else value.date()


def glue(phrase: str) -> Result:
    found = find_date(phrase, NOW)
    return None if found is None or (found.end - found.start) != len(phrase) else found.due


def with_dateparser(phrase: str) -> Result:
    import dateparser  # type: ignore[import-untyped]

    settings = {"PREFER_DATES_FROM": "future", "RELATIVE_BASE": NOW, "DATE_ORDER": "MDY"}
    return _as_result(dateparser.parse(phrase, languages=["en"], settings=settings), phrase)


def with_parsedatetime(phrase: str) -> Result:
    import parsedatetime  # type: ignore[import-not-found]

    value, flags = parsedatetime.Calendar().parseDT(phrase, sourceTime=NOW)
    if flags == 0:
        return None
    if flags == 1:  # a date only
        return value.date()
    return _as_result(value, phrase)


def with_ctparse(phrase: str) -> Result:
    from ctparse import ctparse  # type: ignore[import-not-found]
    from ctparse.types import Time  # type: ignore[import-not-found]

    parsed = ctparse(phrase, ts=NOW, timeout=1)
    if parsed is None or not isinstance(parsed.resolution, Time):
        return None
    resolution: Any = parsed.resolution
    if resolution.year is None or resolution.month is None or resolution.day is None:
        if resolution.hour is None:
            return None
        day = NOW.date()
    else:
        day = date(resolution.year, resolution.month, resolution.day)
    if resolution.hour is None:
        return day
    return datetime.combine(day, time(resolution.hour, resolution.minute or 0))


def rules_glue(phrase: str) -> str | None:
    found = find_recurrence(phrase, NOW)
    return None if found is None else found.recurrence


def rules_recurrent(phrase: str) -> str | None:
    from recurrent.event_parser import RecurringEvent  # type: ignore[import-not-found]

    value = RecurringEvent(now_date=NOW).parse(phrase)
    if not isinstance(value, str):
        return None
    # Its parts come in another order, with the time as BYHOUR/BYMINUTE (quick add puts the
    # time in due_at): compare the parts that make the rule, in the grammar's order.
    order = ["FREQ", "INTERVAL", "BYMONTH", "BYMONTHDAY", "BYDAY"]
    parts = dict(part.split("=", 1) for part in value.removeprefix("RRULE:").split(";"))
    if parts.get("INTERVAL") == "1":
        del parts["INTERVAL"]
    if set(parts) - {"BYHOUR", "BYMINUTE"} - set(order):
        return ";".join(f"{k}={v}" for k, v in parts.items())
    return ";".join(f"{key}={parts[key]}" for key in order if key in parts)


def _score(name: str, read: Callable[[str], Any], table: list[tuple[str, Any]]) -> None:
    right, misses = 0, []
    for phrase, expected in table:
        try:
            got = read(phrase)
        except Exception as error:
            got = f"error: {type(error).__name__}"
        if got == expected and type(got) is type(expected):
            right += 1
        else:
            misses.append(f"{phrase!r} -> {got!r}")
    print(f"{name:<28} {right:>3}/{len(table)}  ({100 * right / len(table):.0f}%)")
    for miss in misses[:100]:
        print("    miss:", miss)


def main() -> None:
    dates = [(phrase, expected) for phrase, expected in DATES]
    rules = [(phrase, rule) for phrase, rule, _ in RECURRENCES]
    candidates = [
        ("grammar + dateparser", glue, None),
        ("dateparser", with_dateparser, "dateparser"),
        ("parsedatetime", with_parsedatetime, "parsedatetime"),
        ("ctparse", with_ctparse, "ctparse"),
    ]
    print(f"dates: {len(dates)} phrases, now = {NOW:%a %Y-%m-%d %H:%M}")
    for name, read, module in candidates:
        if module is None or importlib.util.find_spec(module) is not None:
            _score(name, read, dates)
    print(f"recurrences: {len(rules)} phrases")
    _score("grammar (RRULE)", rules_glue, rules)
    if importlib.util.find_spec("recurrent") is not None:
        _score("recurrent", rules_recurrent, rules)


if __name__ == "__main__":
    main()
