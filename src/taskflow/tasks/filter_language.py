"""The filter language of `GET /tasks?q=` and saved filters (SPEC §9), parsed with lark.

`parse(text)` gives the expression as a small tree (`And`, `Or`, `Not`, `Term`) or raises
`FilterSyntaxError` naming the position (0-based, in characters) of what it could not read.
`filter_sql.py` compiles the tree to SQL conditions. docs/quick-add-and-filters.md is the
user's page. The grammar and its lark parser are in `filter_grammar.py`.

Precedence: `!` binds tightest, then `&`, then `|`; parentheses group. A term's free text
(`search:`, `section:`, `assigned to:`, `created by:`, `due before:`, `status:`) runs to the
next operator or parenthesis, so `search: two words & p1` searches for "two words".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
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


@lru_cache(maxsize=512)
def parse(text: str) -> Expression:
    """The expression as a tree; FilterSyntaxError (with its position) if it is malformed."""
    if len(text) > MAX_QUERY_LENGTH:
        raise FilterSyntaxError(MAX_QUERY_LENGTH, f"at most {MAX_QUERY_LENGTH} characters")
    if "\x00" in text:
        raise FilterSyntaxError(text.index("\x00"), "unexpected NUL character")
    if not text.strip():
        raise FilterSyntaxError(0, "the expression is empty")
    # Imported by the first expression a worker reads: lark and `regex` are ~8 MB of RSS that
    # a worker serving no filter would carry from start (issue 22).
    from taskflow.tasks.filter_grammar import parse_tree

    return parse_tree(text)
