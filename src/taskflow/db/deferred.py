"""Rows a unit of work inserts before it commits, written with the fewest round trips.

A change's log rows (`activity.service.record`) need no statement of their own at the moment
of the change: nothing reads them inside the transaction that writes them. They are kept in
the session (`defer_rows`) and written before the commit:

- on PostgreSQL, by the next statement that offers to carry them (`execute_carrying`): they
  ride along as data-modifying CTEs (`WITH deferred_0 AS (INSERT INTO activity … ) <the
  statement>`), one round trip for both. PostgreSQL runs every such CTE exactly once, whatever
  the main statement returns;
- otherwise (SQLite has no data-modifying CTEs, or no statement offered), by one INSERT per
  table (an executemany for many rows) when the unit of work ends (`write_deferred`).

The combined statements are built once per shape (main statement, tables and row counts),
their values bound at execution: no statement construction, and no compilation (they have a
cache key), per request.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from sqlalchemy import Executable, Result, Select, Table, bindparam, insert, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Insert, Update

_DEFERRED_KEY = "taskflow_deferred_rows"
# A CTE binds every value of its rows: beyond this many rows (a bulk action's), the rows go
# by their own executemany instead (PostgreSQL takes at most 32,767 parameters a statement).
MAX_CARRIED_ROWS = 50


def defer_rows(session: AsyncSession, table: Table, row: Mapping[str, Any]) -> None:
    """Insert `row` into `table` before this session's unit of work commits (never if it rolls
    back), in the order deferred. Every row deferred for a table names the same columns. For
    rows nothing in the unit reads, nor deletes what they reference, before the commit."""
    tables: dict[Table, list[Mapping[str, Any]]] = session.info.setdefault(_DEFERRED_KEY, {})
    tables.setdefault(table, []).append(row)


def discard_deferred(session: AsyncSession) -> None:
    session.info.pop(_DEFERRED_KEY, None)


async def execute_carrying(
    session: AsyncSession, statement: Insert | Update | Select[Any], params: Mapping[str, Any]
) -> Result[Any]:
    """Execute `statement` (an INSERT or UPDATE, or a SELECT over data-modifying CTEs, built
    once, with `params` for its bound
    values), carrying the unit's deferred rows along on PostgreSQL. Elsewhere, or with too
    many rows to carry, the rows stay deferred and this is a plain execute."""
    tables: dict[Table, list[Mapping[str, Any]]] | None = session.info.get(_DEFERRED_KEY)
    if (
        not tables
        or session.get_bind().dialect.name != "postgresql"
        or sum(len(rows) for rows in tables.values()) > MAX_CARRIED_ROWS
    ):
        return await session.execute(statement, params)
    shape = tuple((table, tuple(rows[0]), len(rows)) for table, rows in tables.items())
    carrying = dict(params)
    for index, (_, rows) in enumerate(tables.items()):
        for number, row in enumerate(rows):
            for name, value in row.items():
                carrying[f"deferred_{index}_{number}_{name}"] = value
    result = await session.execute(_carrying(statement, shape), carrying)
    discard_deferred(session)
    return result


async def write_deferred(session: AsyncSession) -> None:
    """The rows still deferred: one INSERT per table (the unit of work, before its commit)."""
    tables: dict[Table, list[Mapping[str, Any]]] = session.info.pop(_DEFERRED_KEY, {})
    for table, rows in tables.items():
        await session.execute(_insert(table), rows if len(rows) > 1 else rows[0])


@lru_cache(maxsize=64)
def _insert(table: Table) -> Executable:
    return insert(table)


@lru_cache(maxsize=256)
def _carrying(
    statement: Insert | Update | Select[Any], shape: tuple[tuple[Table, tuple[str, ...], int], ...]
) -> Executable:
    ctes = []
    for index, (table, columns, count) in enumerate(shape):
        rows = [
            [
                bindparam(f"deferred_{index}_{number}_{name}", type_=table.c[name].type)
                for name in columns
            ]
            for number in range(count)
        ]
        # Not `.values([...])`: SQLAlchemy does not cache a multi-row VALUES (no cache key),
        # and would compile the statement again on every execution.
        rows_in = (
            insert(table).values(dict(zip(columns, rows[0], strict=True)))
            if count == 1
            else insert(table).from_select(
                list(columns), union_all(*(select(*row) for row in rows)), include_defaults=False
            )
        )
        ctes.append(rows_in.cte(f"deferred_{index}"))
    return statement.add_cte(*ctes)
