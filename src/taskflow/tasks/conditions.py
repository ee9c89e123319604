"""Conditions on tasks shared by the list's filters (`queries.py`) and the filter language
(`filter_sql.py`): one definition, one index story."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, String, bindparam, func, or_

from taskflow.tasks.models import Task

MAX_SEARCH_WORDS = 10


def like_pattern(word: str) -> str:
    """`%word%` with the word's own `%`, `_` and `\\` taken literally."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_conditions(words: Sequence[str], *, within_project: bool) -> list[ColumnElement[bool]]:
    """Every word (the `%word%` patterns named `words`), in the title or the description,
    case-insensitive: `lower(text) LIKE lower(pattern)`. That is what ILIKE does on
    PostgreSQL (with a multi-byte encoding it lowers both sides and compares), but ILIKE
    lowers the pattern again for every row; here the pattern's lower() is a constant the
    planner folds, and only the row's text is lowered (the search's filter costs a third
    less, docs/benchmarks.md). SQLite's lower() folds ASCII only, so there non-ASCII
    matching is case-exact.

    Across all the caller's projects, trigram GIN indexes of lower(title) and
    lower(description) answer the LIKE on PostgreSQL. Within one project they are the slow
    way: their posting lists grow with the whole installation (8-10 ms per word at 1M
    tasks), while the project's own rows are few and already reached by its index. So there
    the words are matched against `lower(title || ' ' || description)`, which no index
    serves, and the planner filters the project's rows instead. Both forms match the same
    tasks: a word holds no whitespace, so it never spans the joining space.

    Across projects the best plan depends on the words: a word in nearly every title is
    found by reading the caller's own tasks, a rare one by the trigram indexes. So there the
    patterns are written into the SQL as literals (`literal_execute`, quoted by SQLAlchemy's
    dialect) rather than bound: a prepared statement for `LIKE lower($1)` may get, after five
    runs, PostgreSQL's generic plan, which cannot see the word, assumes a rare one and read
    the trigram indexes across all 1M tasks for `task` (300-600 ms, docs/benchmarks.md);
    and a trigram index needs the pattern as a constant to take it at all.
    """
    conditions: list[ColumnElement[bool]] = []
    for word in words:
        pattern = func.lower(bindparam(word, type_=String(), literal_execute=not within_project))
        if within_project:
            text = func.lower(Task.title + " " + Task.description)
            conditions.append(text.like(pattern, escape="\\"))
        else:
            conditions.append(
                or_(
                    func.lower(Task.title).like(pattern, escape="\\"),
                    func.lower(Task.description).like(pattern, escape="\\"),
                )
            )
    return conditions
