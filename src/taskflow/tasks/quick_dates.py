"""Quick add's dates, times and recurrences in English: where they are in a line and what
they mean on the user's wall clock.

A small grammar (the regular expressions below) finds the phrases and resolves the relative
ones itself (`today`, `next friday`, `in 3 days`, `5pm`); dates written with a month name
or in digits (`dec 20`, `20 December 2027`, `2027-01-15`, `1/15`) are read by `dateparser`.
That split won on the table of phrases in tests/tasks/test_quick_dates.py (the figures are in
docs/quick-add-and-filters.md). Every result is a local wall-clock time (`datetime` without
a zone) or a local date (all day); the caller puts it in the user's zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrulestr

_WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}  # fmt: skip
_RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_YEARS = (1900, 2999)  # a date outside is a typo (and 9999-12-31 local may not fit in UTC)
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # at most, leap years included
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
            "seven": 7, "eight": 8, "nine": 9, "ten": 10, "other": 2}  # fmt: skip

# "sat" and "sun" alone are words of a title ("sun cream"); they count after on/next/this.
_WD_ANY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues|tue|wed" \
    r"|thurs|thur|thu|fri|sat|sun)"  # fmt: skip
_MON = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november"
    r"|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
)
_ORD = r"(?:st|nd|rd|th)"
_NUM = r"(?:\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten)"
_UNIT = r"(?:minute|min|hour|hr|day|week|month|year)s?"
_TIME = (
    r"(?:(?:at|@)\s+)?(?:(?P<h12>1[0-2]|0?[1-9])(?::(?P<m12>[0-5]\d))?\s?(?P<ampm>am|pm|a\.m\.|p\.m\.)"
    r"|(?P<h24>[01]?\d|2[0-3]):(?P<m24>[0-5]\d)|(?P<word>noon|midnight))"
)
_RELATIVE = (
    rf"(?P<rel>today|tod|tonight|tomorrow|tmrw|tmr|day after tomorrow"
    rf"|next (?:week|month|year)|(?:(?:next|this|on) )?{_WD_ANY}(?<!\bsat)(?<!\bsun)"
    rf"|(?:next|this|on) (?:sat|sun)|in {_NUM} {_UNIT}|end of (?:the )?month)"
)
_ABSOLUTE = (
    rf"(?P<abs>{_MON} \d{{1,2}}{_ORD}?(?:,? \d{{4}})?|\d{{1,2}}{_ORD}? (?:of )?{_MON}(?: \d{{4}})?"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}(?:/\d{{2}}(?:\d{{2}})?)?)"
)
_DAY = rf"(?:on )?(?:{_RELATIVE}|{_ABSOLUTE})"
_DATE_PHRASE = re.compile(
    rf"(?<![\w#@+]){_DAY}(?:,? {_TIME.replace('?P<', '?P<d_')})?(?![\w/:-])"
    rf"|(?<![\w#@+:]){_TIME}(?: {_DAY.replace('?P<', '?P<t_')})?(?![\w/:-])"
    rf"|(?<![\w#@+:])\d{{4}}-\d{{2}}-\d{{2}}[ T]"
    rf"(?P<iso_h>[01]\d|2[0-3]):(?P<iso_m>[0-5]\d)(?![\w:])",
    re.IGNORECASE,
)
_EVERY = re.compile(
    rf"(?<![\w#@+])every(?P<bang>!)? (?:(?P<n>\d{{1,3}}|other|two|three|four) )?"
    rf"(?P<what>day|days|weekday|workday|weekend|week|weeks|month|months|year|years"
    rf"|{_WD_ANY}(?:(?:, ?| and | & ){_WD_ANY})*|last day|\d{{1,2}}{_ORD}"
    rf"|{_MON} \d{{1,2}}{_ORD}?)"
    rf"(?: on the (?P<on>\d{{1,2}}){_ORD}?| on the (?P<on_last>last) day)?"
    rf"(?:,? {_TIME})?(?![\w/:-])",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Found:
    """A phrase of the line (`start`/`end` index it) and its meaning."""

    start: int
    end: int
    due: datetime | date  # local: a datetime has a time, a date is all day
    recurrence: str | None = None
    completion_basis: bool = False


def _time_of(groups: dict[str, str | None], prefix: str = "") -> time | None:
    if (word := groups.get(prefix + "word")) is not None:
        return time(12) if word.lower() == "noon" else time(0)
    if (hour := groups.get(prefix + "h12")) is not None:
        pm = (groups.get(prefix + "ampm") or "").lower().startswith("p")
        return time(int(hour) % 12 + (12 if pm else 0), int(groups.get(prefix + "m12") or 0))
    if (hour := groups.get(prefix + "h24")) is not None:
        return time(int(hour), int(groups.get(prefix + "m24") or 0))
    return None


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS[word.lower()]


def _next_weekday(today: date, weekday: int, *, skip_today: bool) -> date:
    ahead = (weekday - today.weekday()) % 7
    return today + timedelta(days=ahead or (7 if skip_today else 0))


def _relative(phrase: str, now: datetime) -> datetime | date | None:
    text = " ".join(phrase.lower().split())
    today = now.date()
    fixed = {"today": today, "tod": today, "tonight": today, "tomorrow": today + timedelta(1),
             "tmrw": today + timedelta(1), "tmr": today + timedelta(1),
             "day after tomorrow": today + timedelta(2)}  # fmt: skip
    if text in fixed:
        return datetime.combine(today, time(19)) if text == "tonight" else fixed[text]
    if text.startswith("next ") and text[5:] in ("week", "month", "year"):
        if text.endswith("week"):  # Todoist: next week is next Monday
            return _next_weekday(today, 0, skip_today=True)
        step = relativedelta(months=1) if text.endswith("month") else relativedelta(years=1)
        return (today + step).replace(day=1)
    if text.startswith("in "):
        _, number, unit = text.split(" ")
        n, unit = _count(number), unit.rstrip("s")
        if unit in ("minute", "min", "hour", "hr"):
            minutes = n if unit.startswith("m") else 60 * n
            return (now + timedelta(minutes=minutes)).replace(second=0, microsecond=0)
        steps = {"day": relativedelta(days=n), "week": relativedelta(weeks=n),
                 "month": relativedelta(months=n), "year": relativedelta(years=n)}  # fmt: skip
        return today + steps[unit]
    if text.startswith("end of"):
        return (today + relativedelta(months=1)).replace(day=1) - timedelta(days=1)
    words = text.split(" ")
    weekday = _WEEKDAYS.get(words[-1])
    if weekday is None:
        return None
    # "next friday" is the friday of next week (Todoist); "friday"/"this friday" the coming one
    if words[0] == "next":
        monday = _next_weekday(today, 0, skip_today=True)
        return monday + timedelta(days=weekday)
    return _next_weekday(today, weekday, skip_today=False)


def _digits(text: str, today: date) -> date | None:
    """`2027-01-15`, or `1/20`, `3/4/2027` (month/day) and `13/2/2027` (day/month, as the
    first number is over 12); without a year, the next such day. Impossible dates: None."""
    if "-" in text:
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    parts = text.split("/")
    first, second = int(parts[0]), int(parts[1])
    month, day = (first, second) if first <= 12 else (second, first)
    if len(parts) == 3:  # "27" is 2027
        year = int(parts[2]) + (2000 if len(parts[2]) == 2 else 0)
        try:
            return date(year, month, day)
        except ValueError:
            return None
    for year in range(today.year, today.year + 9):  # "2/29": the next leap year's
        try:
            if (result := date(year, month, day)) >= today:
                return result
        except ValueError:
            continue
    return None


def _absolute(phrase: str, now: datetime) -> date | None:
    text = phrase.lower().replace(",", "")
    if text[0].isdigit() and not re.search(r"[a-z]", text):
        return _within_years(_digits(text, now.date()))
    settings = {
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": now.replace(tzinfo=None),
        "DATE_ORDER": "MDY",
        "PREFER_DAY_OF_MONTH": "first",
        "REQUIRE_PARTS": ["day", "month"],
    }
    # Imported here, by the first quick add that names a month or a date in digits: dateparser
    # (with `regex`) is ~7 MB of RSS every API worker would carry from start (issue 22).
    import dateparser  # type: ignore[import-untyped]

    try:
        parsed = dateparser.parse(text, languages=["en"], settings=settings)
    except (ValueError, KeyError, TypeError, OverflowError):  # pragma: no cover - library
        return None
    return _within_years(parsed.date() if parsed is not None else None)


def _within_years(day: date | None) -> date | None:
    return day if day is not None and _YEARS[0] <= day.year <= _YEARS[1] else None


def _at(day: datetime | date, at: time | None, now: datetime, *, roll: bool) -> datetime | date:
    if at is None:
        return day
    if isinstance(day, datetime):
        day = day.date()
    moment = datetime.combine(day, at)
    if roll and moment <= now:  # a bare "5pm" already past today is tomorrow's
        moment += timedelta(days=1)
    return moment


def find_date(line: str, now: datetime) -> Found | None:
    """The first date or time phrase of `line` (`now`: the user's local wall clock)."""
    for match in _DATE_PHRASE.finditer(line):
        groups = match.groupdict()
        at: time | None
        if groups["iso_h"] is not None:
            day_text, at = match.group(0)[:10], time(int(groups["iso_h"]), int(groups["iso_m"]))
            day: datetime | date | None = _absolute(day_text, now)
        else:
            prefix = "" if groups["rel"] or groups["abs"] else "t_"
            at = _time_of(groups, "d_" if prefix == "" else "")
            relative, absolute = groups[prefix + "rel"], groups[prefix + "abs"]
            if relative is not None:
                day = _relative(relative, now)
            elif absolute is not None:
                day = _absolute(absolute, now)
            else:  # a time alone: today, or tomorrow once it has passed
                due = _at(now.date(), at, now, roll=True)
                return Found(match.start(), match.end(), due)
        if day is not None:
            return Found(match.start(), match.end(), _at(day, at, now, roll=False))
    return None


def _rule(groups: dict[str, str | None]) -> str | None:
    what = " ".join((groups["what"] or "").lower().split())
    interval = _count(groups["n"]) if groups["n"] else 1
    if interval < 1:
        return None
    suffix = f";INTERVAL={interval}" if interval > 1 else ""
    plain = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY", "year": "YEARLY"}
    if what.rstrip("s") in plain:
        rule = f"FREQ={plain[what.rstrip('s')]}{suffix}"
        if what.startswith("month") and groups["on"]:
            if not 1 <= int(groups["on"]) <= 31:
                return None
            rule += f";BYMONTHDAY={int(groups['on'])}"
        elif what.startswith("month") and groups["on_last"]:
            rule += ";BYMONTHDAY=-1"
        return rule
    if what in ("weekday", "workday"):
        return "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
    if what == "weekend":
        return "FREQ=WEEKLY;BYDAY=SA,SU"
    if what == "last day":
        return "FREQ=MONTHLY;BYMONTHDAY=-1"
    if match := re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)", what):
        return (
            f"FREQ=MONTHLY{suffix};BYMONTHDAY={int(match[1])}" if 1 <= int(match[1]) <= 31 else None
        )
    match = re.fullmatch(r"([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?", what)
    if match and match[1][:3] in _MONTHS:
        month, day = _MONTHS[match[1][:3]], int(match[2])
        # An impossible day ("every feb 30") would have dateutil search 8,000 years.
        return (
            f"FREQ=YEARLY;BYMONTH={month};BYMONTHDAY={day}"
            if 1 <= day <= _MONTH_DAYS[month - 1]
            else None
        )
    days = re.split(r", ?| and | & ", what)
    if all(day in _WEEKDAYS for day in days):
        byday = ",".join(_RRULE_DAYS[i] for i in sorted({_WEEKDAYS[day] for day in days}))
        return f"FREQ=WEEKLY{suffix};BYDAY={byday}"
    return None


def first_occurrence(rule: str, start: datetime | date) -> datetime | date:
    """The rule's first occurrence on or after `start` ("every monday starting jan 20", a
    Wednesday: Monday the 25th); a date stays a date (all day)."""
    moment = start if isinstance(start, datetime) else datetime.combine(start, time(0))
    first = rrulestr(rule, dtstart=moment).after(moment, inc=True)
    if first is None:  # pragma: no cover - every rule of the grammar recurs
        return start
    return first if isinstance(start, datetime) else first.date()


def find_recurrence(line: str, now: datetime) -> Found | None:
    """The first `every …` phrase: its RRULE body and its first occurrence from now on (the
    start of the series, unless the line gives a date too)."""
    for match in _EVERY.finditer(line):
        groups = match.groupdict()
        rule = _rule(groups)
        if rule is None:
            continue
        at = _time_of(groups)
        start = datetime.combine(now.date(), at or time(0))
        after = now if at is not None else datetime.combine(now.date(), time(0))
        first = rrulestr(rule, dtstart=start).after(after, inc=True)
        if first is None:  # pragma: no cover - every rule above recurs
            continue
        due: datetime | date = first if at is not None else first.date()
        return Found(match.start(), match.end(), due, rule, groups["bang"] is not None)
    return None
