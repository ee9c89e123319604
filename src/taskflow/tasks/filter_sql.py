"""The filter language compiled to SQL conditions on `tasks` (SPEC §9).

An expression becomes a *shape* (the tree with every value replaced by the name of a bound
parameter: `q_0`, `q_1`...) and the values. The conditions are built once per shape
(`condition`), as the listing's statements are (`queries._listing_statements`), so a saved
filter run again and again costs no statement building and hits the driver's prepared
statement. Each term is the list's own index-backed condition (`queries.py`) or a subquery
through an index; every term is two-valued (never SQL NULL), so `!` selects exactly the
tasks a term does not, as the Python reference in the tests says.

Days are the caller's local days (their `timezone`): `today` is [local midnight, next local
midnight) in UTC.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, String, and_, bindparam, func, not_, or_, select

from taskflow.core.errors import Unprocessable
from taskflow.db import BigIntId
from taskflow.projects.models import Project
from taskflow.projects.permissions import CALLER_PROJECT_IDS
from taskflow.tasks.conditions import MAX_SEARCH_WORDS, like_pattern, search_conditions
from taskflow.tasks.filter_language import And, Expression, FilterSyntaxError, Not, Or, Term
from taskflow.tasks.models import Label, Section, Task, TaskStatus, task_labels
from taskflow.users.models import User

# ("and" | "or", children) · ("not", child) · ("term", kind, parameter names)
Shape = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Compiled:
    shape: Shape
    params: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Clock:
    """The caller's now and timezone: what `today` means."""

    now: datetime  # aware
    zone: ZoneInfo

    def midnight(self, day: date) -> datetime:
        """The UTC instant at which the local `day` starts."""
        return datetime.combine(day, time(0), tzinfo=self.zone).astimezone(ZoneInfo("UTC"))

    @property
    def today(self) -> date:
        return self.now.astimezone(self.zone).date()


def clock_for(timezone: str | None, now: datetime | None = None) -> Clock:
    """The clock of a user with `timezone` (an IANA name; UTC when None or unknown)."""
    try:
        zone = ZoneInfo(timezone or "UTC")
    except (ValueError, KeyError):
        zone = ZoneInfo("UTC")
    return Clock(now or datetime.now(tz=ZoneInfo("UTC")), zone)


def compile_query(text: str, clock: Clock, *, prefix: str = "q_", field: str = "q") -> Compiled:
    """`text` parsed and bound; 422 naming the position (and `field`) if it is malformed."""
    # Imported by the first expression a worker reads: lark and `regex` are ~8 MB of RSS that
    # a worker serving no filter would carry from start (issue 22).
    from taskflow.tasks.filter_grammar import parse

    try:
        expression = parse(text)
    except FilterSyntaxError as error:
        raise Unprocessable(f"{field}: {error}") from None
    return bind(expression, clock, prefix=prefix)


def bind(expression: Expression, clock: Clock, *, prefix: str = "q_") -> Compiled:
    """The expression's shape and the values of its parameters, given the caller's clock."""
    params: dict[str, Any] = {}

    def parameter(value: Any) -> str:
        name = f"{prefix}{len(params)}"
        params[name] = value
        return name

    def walk(node: Expression) -> Shape:
        if isinstance(node, And):
            return ("and", tuple(walk(item) for item in node.items))
        if isinstance(node, Or):
            return ("or", tuple(walk(item) for item in node.items))
        if isinstance(node, Not):
            return ("not", walk(node.item))
        return ("term", node.kind, tuple(parameter(v) for v in _values(node, clock)))

    shape = walk(expression)
    # The due dates every match must have, stated once more at the top, where the index on
    # (project_id, due_at) can take them: `overdue | today` becomes `due_at < end of today`
    # AND the rest, which PostgreSQL cannot see through the OR by itself.
    bounds = _due_bounds(expression, clock)
    if bounds is not None:
        low, high = bounds
        if low is not None and high is not None:
            shape = ("and", (shape, ("term", "today", (parameter(low), parameter(high)))))
        elif high is not None:
            shape = ("and", (shape, ("term", "due_before", (parameter(high),))))
        elif low is not None:
            shape = ("and", (shape, ("term", "due_after", (parameter(low),))))
    return Compiled(shape, params)


# [low, high) that every matching task's due_at lies in (it is then never NULL); None for no
# bound on that side. `_due_bounds` gives None where a match may have any due_at or none.
DueRange = tuple[datetime | None, datetime | None]


def _due_bounds(node: Expression, clock: Clock) -> DueRange | None:
    if isinstance(node, Term):
        if node.kind in ("today", "tomorrow", "next_days"):
            start, end = _values(node, clock)
            return start, end
        if node.kind == "overdue":
            now, midnight = _values(node, clock)
            return None, max(now, midnight)  # timed: before now; all-day: before today
        if node.kind == "due_before":
            return None, _values(node, clock)[0]
        if node.kind == "due_after":
            return _values(node, clock)[0], None
        return None
    if isinstance(node, Not):
        return None
    ranges = [_due_bounds(item, clock) for item in node.items]
    if isinstance(node, And):
        # Each match is in every bounded item's range: their intersection.
        bounded = [r for r in ranges if r is not None]
        if not bounded:
            return None
        lows = [low for low, _ in bounded if low is not None]
        highs = [high for _, high in bounded if high is not None]
        return (max(lows) if lows else None, min(highs) if highs else None)
    # Or: each match is in some item's range; the hull, if every item has one.
    if any(r is None for r in ranges):
        return None
    known = [r for r in ranges if r is not None]
    open_low = any(low is None for low, _ in known)
    open_high = any(high is None for _, high in known)
    return (
        None if open_low else min(low for low, _ in known if low is not None),
        None if open_high else max(high for _, high in known if high is not None),
    )


def _values(term: Term, clock: Clock) -> list[Any]:
    """The bound values a term needs, in the order `_TERMS` reads them."""
    today = clock.today
    value = term.value
    match term.kind:
        case "today":
            return [clock.midnight(today), clock.midnight(today + timedelta(days=1))]
        case "tomorrow":
            day = today + timedelta(days=1)
            return [clock.midnight(day), clock.midnight(day + timedelta(days=1))]
        case "overdue":
            return [clock.now, clock.midnight(today)]
        case "next_days":
            assert isinstance(value, int)
            return [clock.midnight(today), clock.midnight(today + timedelta(days=value))]
        case "due_before":
            assert isinstance(value, date)
            return [clock.midnight(value)]
        case "due_after":
            assert isinstance(value, date)
            return [clock.midnight(value + timedelta(days=1))]
        case "project" | "label" | "section":
            return [str(value).lower()]
        case "assigned_to" | "created_by":
            return [] if value == "me" else [str(value).lower()]
        case "search":
            return [like_pattern(word) for word in str(value).split()[:MAX_SEARCH_WORDS]]
        case "priority" | "status":
            return [value]
    return []


def searches(shape: Shape) -> bool:
    """Whether the expression holds a `search:` term (its plan depends on the words)."""
    match shape:
        case ("term", kind, _):
            return bool(kind == "search")
        case ("not", child):
            return searches(child)
        case (_, children):
            return any(searches(child) for child in children)
    return False


def _param(name: str, type_: Any = None) -> Any:
    return bindparam(name, type_=type_) if type_ is not None else bindparam(name)


def _due_between(names: tuple[str, ...]) -> ColumnElement[bool]:
    start, end = names
    return and_(Task.due_at.is_not(None), Task.due_at >= _param(start), Task.due_at < _param(end))


def _person(column: Any) -> Callable[[tuple[str, ...]], ColumnElement[bool]]:
    def condition(names: tuple[str, ...]) -> ColumnElement[bool]:
        if not names:  # me
            who: Any = bindparam("user_id", type_=BigIntId)
            return and_(column.is_not(None), column == who)
        by_name = select(User.id).where(User.username_key == _param(names[0], String()))
        return and_(column.is_not(None), column.in_(by_name))

    return condition


def _project(names: tuple[str, ...]) -> ColumnElement[bool]:
    named = select(Project.id).where(
        Project.id.in_(CALLER_PROJECT_IDS), func.lower(Project.name) == _param(names[0], String())
    )
    return Task.project_id.in_(named)


def _label(names: tuple[str, ...]) -> ColumnElement[bool]:
    labelled = (
        select(task_labels.c.task_id)
        .join(Label, Label.id == task_labels.c.label_id)
        .where(
            Label.project_id.in_(CALLER_PROJECT_IDS),
            func.lower(Label.name) == _param(names[0], String()),
        )
    )
    return Task.id.in_(labelled)


def _section(names: tuple[str, ...]) -> ColumnElement[bool]:
    named = select(Section.id).where(
        Section.project_id.in_(CALLER_PROJECT_IDS),
        func.lower(Section.name) == _param(names[0], String()),
    )
    return and_(Task.section_id.is_not(None), Task.section_id.in_(named))


def _recurring(_: tuple[str, ...]) -> ColumnElement[bool]:
    return Task.recurrence.is_not(None)


def _overdue(names: tuple[str, ...]) -> ColumnElement[bool]:
    """Not done, and due before now; an all-day task only once its day is over (SPEC §6)."""
    now, today = _param(names[0]), _param(names[1])
    return and_(
        Task.due_at.is_not(None),
        Task.status != TaskStatus.DONE,
        or_(
            and_(Task.due_all_day.is_(False), Task.due_at < now),
            and_(Task.due_all_day.is_(True), Task.due_at < today),
        ),
    )


def _search(names: tuple[str, ...]) -> ColumnElement[bool]:
    if not names:
        return and_(Task.id.is_not(None))  # no words: every task
    return and_(*search_conditions(names, within_project=False))


_TERMS: dict[str, Callable[[tuple[str, ...]], ColumnElement[bool]]] = {
    "today": _due_between,
    "tomorrow": _due_between,
    "next_days": _due_between,
    "overdue": _overdue,
    "no_date": lambda _: Task.due_at.is_(None),
    "due_before": lambda names: and_(Task.due_at.is_not(None), Task.due_at < _param(names[0])),
    "due_after": lambda names: and_(Task.due_at.is_not(None), Task.due_at >= _param(names[0])),
    "project": _project,
    "label": _label,
    "section": _section,
    "priority": lambda names: Task.priority == _param(names[0]),
    "status": lambda names: Task.status == _param(names[0], String()),
    "assigned_to": _person(Task.assignee_id),
    "created_by": _person(Task.created_by),
    "assigned": lambda _: Task.assignee_id.is_not(None),
    "unassigned": lambda _: Task.assignee_id.is_(None),
    "recurring": _recurring,
    "subtask": lambda _: Task.parent_id.is_not(None),
    "search": _search,
}


@lru_cache(maxsize=1024)
def condition(shape: Shape) -> ColumnElement[bool]:
    """The WHERE condition of a shape, values left bound (`bind` gives them)."""
    match shape:
        case ("and", items):
            return and_(*(condition(item) for item in items))
        case ("or", items):
            return or_(*(condition(item) for item in items))
        case ("not", item):
            return not_(condition(item))
        case ("term", kind, names):
            return _TERMS[kind](names)
    raise ValueError(f"not a filter shape: {shape!r}")
