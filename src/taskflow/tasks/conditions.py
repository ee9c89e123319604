"""Conditions on tasks shared by the list's filters (`queries.py`) and the filter language
(`filter_sql.py`): one definition, one index story."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, String, bindparam, or_

from taskflow.tasks.models import Task

MAX_SEARCH_WORDS = 10


def like_pattern(word: str) -> str:
    """`%word%` with the word's own `%`, `_` and `\\` taken literally."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_conditions(words: Sequence[str], *, within_project: bool) -> list[ColumnElement[bool]]:
    """Every word (the bound `%word%` patterns named `words`), in the title or the
    description, case-insensitive (SQLite's lower() folds ASCII only, so there non-ASCII
    matching is case-exact).

    Across all the caller's projects, trigram GIN indexes answer ILIKE on PostgreSQL. Within
    one project they are the slow way: their posting lists grow with the whole installation
    (8-10 ms per word at 1M tasks), while the project's own rows are few and already reached
    by its index. So there the words are matched against `title || ' ' || description`,
    which no index serves, and the planner filters the project's rows instead. Both forms
    match the same tasks: a word holds no whitespace, so it never spans the joining space.
    """
    conditions: list[ColumnElement[bool]] = []
    for word in words:
        pattern = bindparam(word, type_=String())
        if within_project:
            text = Task.title + " " + Task.description
            conditions.append(text.ilike(pattern, escape="\\"))
        else:
            conditions.append(
                or_(
                    Task.title.ilike(pattern, escape="\\"),
                    Task.description.ilike(pattern, escape="\\"),
                )
            )
    return conditions
