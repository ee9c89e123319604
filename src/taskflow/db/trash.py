"""Soft deletion (SPEC §10): the columns a thing in the trash carries, and the one rule that
says which rows are live.

A trashed row keeps everything under it; `deleted_at` says it is in the trash. `live` is the
condition every query that shows rows composes (the permission fragment in
`projects/permissions.py` adds it by itself for every trashable table a statement reads), so
"not in the trash" is said here and nowhere else. Knows no domain: it looks for the column.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Select,
    and_,
    column,
    exists,
    inspect,
    table,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from taskflow.db.types import BigIntId

DELETED_AT = "deleted_at"


class Trashable:
    """`deleted_at` (null: live) and `deleted_by` (who put it in the trash; no foreign key: the
    trash outlives an account, whose id then names no one)."""

    deleted_at: Mapped[datetime | None] = mapped_column(default=None)
    deleted_by: Mapped[int | None] = mapped_column(BigIntId, default=None)


def live(*entities: Any) -> ColumnElement[bool]:
    """The rows of `entities` (models or tables with `deleted_at`) that are not in the trash."""
    conditions = [_column(entity).is_(None) for entity in entities]
    return and_(*conditions) if conditions else true()


def _column(entity: Any) -> ColumnElement[Any]:
    """A table's (or alias's) column, or a mapped class's (or aliased class's) attribute."""
    columns = getattr(entity, "c", None)
    if columns is not None:
        return columns[DELETED_AT]  # type: ignore[no-any-return]
    return getattr(entity, DELETED_AT)  # type: ignore[no-any-return]


def trashable_froms(statement: Select[Any]) -> list[FromClause]:
    """The tables `statement` reads (its columns' tables and what it joins; not its
    subqueries', which say their own) that have a `deleted_at` column."""
    found: list[FromClause] = []
    froms: list[Any] = [*statement.columns_clause_froms, *statement._from_obj]
    froms.extend(join[0] for join in statement._setup_joins)
    for target in froms:
        from_ = inspect(target).selectable if not isinstance(target, FromClause) else target
        for read in _tables(from_):
            if DELETED_AT in read.c and read not in found:
                found.append(read)
    return found


def _tables(from_: FromClause) -> list[FromClause]:
    left = getattr(from_, "left", None)
    right = getattr(from_, "right", None)
    if left is not None and right is not None:  # a Join
        return [*_tables(left), *_tables(right)]
    return [from_]


def only_live(statement: Select[Any]) -> Select[Any]:
    """`statement` narrowed to the live rows of every trashable table it reads."""
    tables = trashable_froms(statement)
    return statement.where(live(*tables)) if tables else statement


def refers_to_live(reference: Any, table_name: str) -> ColumnElement[bool]:
    """`reference` (a foreign key to `table_name`'s `id`, or null) names no trashed row: for a
    domain that may not import the referenced one's models (notifications of tasks)."""
    target = table(table_name, column("id"), column(DELETED_AT))
    return ~exists().where(target.c.id == reference, target.c[DELETED_AT].is_not(None))
