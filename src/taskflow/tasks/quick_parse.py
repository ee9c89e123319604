"""Quick add's reading of one line, before any name is looked up: the tokens (`p1`, `#Project`,
`@label`, `+user`), the recurrence and the date, each with its span in the line. Which names
resolve is the service's business (`quick.py`); what does not resolve stays in the title."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from taskflow.tasks.quick_dates import Found, find_date, find_recurrence, first_occurrence

SpanKind = Literal["date", "recurrence", "priority", "project", "label", "assignee"]
PRIORITIES = {"1": 4, "2": 3, "3": 2, "4": 0}  # p1 is the most urgent, as in Todoist

# A token starts a word; a quoted name may hold spaces; a bare one ends before punctuation.
_NAME = r'(?:"(?P<quoted>[^"\r\n]{1,200})"|(?P<bare>[^\s#@+"]{1,200}?))(?=[.,;:!?)]*(?:\s|$))'
_TOKENS = {
    "project": re.compile(rf"(?<![\w#@+])#{_NAME}"),
    "label": re.compile(rf"(?<![\w#@+])@{_NAME}"),
    "assignee": re.compile(r"(?<![\w#@+])\+(?P<bare>[\w.-]{1,32}?)(?=[.,;:!?)]*(?:\s|$))"),
    "priority": re.compile(r"(?<![\w#@+])[pP](?P<bare>[1-4])(?![\w])"),
}
_STARTING = re.compile(r"(?<!\w)(?:starting(?: on| from)?|from) +$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Token:
    kind: SpanKind
    start: int
    end: int
    value: str  # the name (without quotes), or the priority's digit


@dataclass(slots=True)
class ParsedLine:
    """One line: `offset` is where it starts in the whole text (spans count from there)."""

    text: str
    offset: int
    tokens: list[Token] = field(default_factory=list)  # in order; the service resolves them
    due: datetime | date | None = None  # local wall clock; a date is all day
    recurrence: str | None = None
    completion_basis: bool = False
    date_spans: list[tuple[int, int, SpanKind]] = field(default_factory=list)

    @property
    def priority(self) -> int | None:
        for token in self.tokens:
            if token.kind == "priority":
                return PRIORITIES[token.value]
        return None


def _mask(text: str, start: int, end: int) -> str:
    """The text with [start, end) blanked, so later searches neither see it nor move."""
    return text[:start] + " " * (end - start) + text[end:]


def parse_line(text: str, offset: int, now: datetime) -> ParsedLine:
    """Read one line; `now` is the user's local wall clock (naive)."""
    line = ParsedLine(text=text, offset=offset)
    masked = text
    found: list[Token] = []
    for kind, pattern in _TOKENS.items():
        for match in pattern.finditer(masked):
            value = match.group("bare") if match.groupdict().get("quoted") is None else None
            name = value if value is not None else match.group("quoted")
            if kind == "priority" and any(token.kind == "priority" for token in found):
                continue  # the first priority counts; another stays in the title
            found.append(Token(kind, match.start(), match.end(), name.strip()))  # type: ignore[arg-type]
            masked = _mask(masked, match.start(), match.end())
    line.tokens = sorted(found, key=lambda token: token.start)
    every: Found | None = find_recurrence(masked, now)
    if every is not None:
        masked = _mask(masked, every.start, every.end)
        line.recurrence, line.completion_basis = every.recurrence, every.completion_basis
        line.due = every.due
        line.date_spans.append((every.start, every.end, "recurrence"))
    when = find_date(masked, now)
    if when is not None:
        start, due = when.start, when.due
        if every is not None:
            # With a recurrence the date is where the series starts ("starting dec 1"), at the
            # recurrence's time if the date has none ("every day at 6pm starting dec 1").
            if lead := _STARTING.search(masked[:start]):
                start = lead.start()
            if isinstance(every.due, datetime) and not isinstance(due, datetime):
                due = datetime.combine(due, every.due.time())
            due = first_occurrence(every.recurrence or "", due)
        line.due = due
        line.date_spans.append((start, when.end, "date"))
    return line


def title_without(text: str, spans: list[tuple[int, int]]) -> str:
    """The line without the recognised spans, its spaces collapsed."""
    kept, last = [], 0
    for start, end in sorted(spans):
        kept.append(text[last:start])
        last = max(last, end)
    kept.append(text[last:])
    return " ".join("".join(kept).split())
