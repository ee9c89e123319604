"""Quick add's date grammar on its table (tests/tasks/quick_table.py): each phrase alone, then
inside a line with other words, and each recurrence with its first occurrence."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from taskflow.tasks.quick_dates import find_date, find_recurrence
from taskflow.tasks.quick_parse import parse_line, title_without
from tests.tasks.quick_table import DATES, NOW, RECURRENCES


@pytest.mark.parametrize(("phrase", "expected"), DATES, ids=[phrase for phrase, _ in DATES])
def test_quick_add_reads_its_date_table(phrase: str, expected: date | datetime | None) -> None:
    found = find_date(phrase, NOW)
    if expected is None:
        assert found is None or (found.start, found.end) != (0, len(phrase)), found
        return
    assert found is not None, phrase
    assert (found.start, found.end) == (0, len(phrase)), found
    assert found.due == expected
    assert type(found.due) is type(expected)  # a date is all day, a datetime has a time


@pytest.mark.parametrize(("phrase", "expected"), [(p, e) for p, e in DATES if e is not None])
def test_a_date_is_found_inside_a_line(phrase: str, expected: date | datetime) -> None:
    line = parse_line(f"Write the report {phrase} p2", 0, NOW)
    assert line.due == expected
    assert line.priority == 3
    spans = [(start, end) for start, end, _ in line.date_spans]
    spans += [(token.start, token.end) for token in line.tokens]
    assert title_without(line.text, spans) == "Write the report"


@pytest.mark.parametrize(("phrase", "rule", "first"), RECURRENCES, ids=[r[0] for r in RECURRENCES])
def test_quick_add_reads_its_recurrence_table(
    phrase: str, rule: str, first: date | datetime
) -> None:
    found = find_recurrence(phrase, NOW)
    assert found is not None, phrase
    assert (found.start, found.end, found.recurrence) == (0, len(phrase), rule)
    assert found.due == first
    assert type(found.due) is type(first)
    assert not found.completion_basis
    bang = find_recurrence(phrase.replace("every", "every!", 1), NOW)
    assert bang is not None
    assert bang.completion_basis
    assert bang.recurrence == rule


def test_tokens_quoted_names_and_what_stays_in_the_title() -> None:
    line = parse_line('Pay rent tomorrow 5pm p1 #"Two words" @bills, +alice every! 2 weeks', 0, NOW)
    kinds = [(token.kind, token.value) for token in line.tokens]
    assert kinds == [("priority", "1"), ("project", "Two words"), ("label", "bills"),
                     ("assignee", "alice")]  # fmt: skip
    assert line.recurrence == "FREQ=WEEKLY;INTERVAL=2"
    assert line.completion_basis
    assert line.due == datetime(2027, 1, 14, 17, 0)  # the date gives where the series starts
    # Not tokens: an email, a sum, a hashtag inside a word, a second priority.
    line = parse_line("mail bob@example.com about 1+1 and C#9 p3 p1", 0, NOW)
    assert [(token.kind, token.value) for token in line.tokens] == [("priority", "3")]
    assert line.due is None
    assert line.recurrence is None


def test_a_recurrence_starts_on_its_date() -> None:
    cases = [
        ("Review every 2 weeks friday", date(2027, 1, 15)),
        ("Review every 2 weeks from friday", date(2027, 1, 15)),
        ("Review every day at 6pm starting dec 1", datetime(2027, 12, 1, 18, 0)),
        ("Review every day at 6pm starting on dec 1 at 7am", datetime(2027, 12, 1, 7, 0)),
        ("Review every monday starting jan 20", date(2027, 1, 25)),  # the 20th is a Wednesday
    ]
    for text, due in cases:
        line = parse_line(text, 0, NOW)
        spans = [(start, end) for start, end, _ in line.date_spans]
        assert (line.due, title_without(line.text, spans)) == (due, "Review"), text
    # Without a recurrence, "from" is a word of the title.
    line = parse_line("Postcard from friday", 0, NOW)
    assert title_without(line.text, [(s, e) for s, e, _ in line.date_spans]) == "Postcard from"


def test_impossible_dates_and_rules_are_not_read() -> None:
    """Each stays in the title, and none costs a search through the years (a rule that never
    occurs would have dateutil look 8,000 years ahead)."""
    odd = ["every 0th", "every 32nd", "every feb 30", "every month on the 0th", "every 0 days",
           "2027-02-30", "2027-13-01", "13/13/2027", "0/0", "1/1/0001", "dec 31 9999",
           "feb 29 2027", "mar 0"]  # fmt: skip
    for text in odd:
        line = parse_line(f"Odd {text}", 0, NOW)
        assert (line.due, line.recurrence) == (None, None), text
    assert parse_line("Leap 2/29", 0, NOW).due == date(2028, 2, 29)
    assert parse_line("Leap every feb 29", 0, NOW).due == date(2028, 2, 29)
