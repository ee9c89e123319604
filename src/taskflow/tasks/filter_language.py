"""The filter language of `GET /tasks?q=` and saved filters (SPEC §9): the tree an expression
parses to (`And`, `Or`, `Not`, `Term`) and `FilterSyntaxError`, which names the position
(0-based, in characters) of what could not be read.

`filter_grammar.parse(text)` reads an expression (lark); `filter_sql.py` compiles the tree to
SQL conditions. docs/quick-add-and-filters.md is the user's page.

Precedence: `!` binds tightest, then `&`, then `|`; parentheses group. A term's free text
(`search:`, `section:`, `assigned to:`, `created by:`, `due before:`, `status:`) runs to the
next operator or parenthesis, so `search: two words & p1` searches for "two words".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

MAX_QUERY_LENGTH = 1000
MAX_DAYS = 3650  # `next N days`: ten years
MAX_DEPTH = 40  # nested `!` and parentheses: deeper would only exhaust the stack

TermKind = Literal[
    "today", "tomorrow", "overdue", "no_date", "next_days", "due_before", "due_after",
    "project", "label", "priority", "assigned_to", "assigned", "unassigned", "created_by",
    "status", "recurring", "subtask", "search", "section",
]  # fmt: skip


class FilterSyntaxError(ValueError):
    """A malformed expression: `position` is the 0-based index of the offending character."""

    def __init__(self, position: int, message: str) -> None:
        super().__init__(f"position {position}: {message}")
        self.position = position
        self.message = message


@dataclass(frozen=True, slots=True)
class Term:
    kind: TermKind
    # The term's argument: a name, words, a username or "me", a date, a status, a priority
    # (4, 3, 2, 0 for p1-p4) or a number of days; None for the terms that take none.
    value: str | int | date | None = None


@dataclass(frozen=True, slots=True)
class Not:
    item: Expression


@dataclass(frozen=True, slots=True)
class And:
    items: tuple[Expression, ...]


@dataclass(frozen=True, slots=True)
class Or:
    items: tuple[Expression, ...]


Expression = Term | Not | And | Or

STATUSES = {"todo": "todo", "to do": "todo", "in progress": "in_progress",
            "in_progress": "in_progress", "done": "done"}  # fmt: skip
PRIORITIES = {"p1": 4, "p2": 3, "p3": 2, "p4": 0}
