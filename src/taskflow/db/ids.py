"""Ids for a batch of new rows, taken before the rows are written, so that a batch (an import's
tasks, their subtasks, sections) is one executemany INSERT on every backend, with subtasks
pointing at parents of the same batch, instead of one INSERT per row.

SQLAlchemy can only batch an INSERT … RETURNING and match the ids back to the rows where the
backend guarantees their order (an "insert sentinel"); SQLite has none (`insertmanyvalues`
falls back to a statement per row), so the ORM's `add_all` + `flush` wrote 10,000 INSERTs for
a 10,000-row import there.

- PostgreSQL: `nextval` of the column's sequence, n times in one statement. A sequence never
  goes back, so ids are never reused, whoever else inserts meanwhile.
- SQLite: the table's AUTOINCREMENT counter (`sqlite_sequence`, which SQLite lets a program
  update) is moved on by n in one UPDATE … RETURNING. That statement takes the database's
  write lock, which the transaction then holds until it ends, so no other writer can take
  the same ids; and AUTOINCREMENT never hands out an id at or below the counter, so an id
  once used (even by a row since deleted) is never given again.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import (
    Integer,
    String,
    Table,
    column,
    func,
    insert,
    literal,
    select,
    table,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.db.types import Base


async def reserve_ids(session: AsyncSession, model: type[Base], count: int) -> list[int]:
    """`count` new ids for `model`'s table (an IdMixin model: integer `id`, AUTOINCREMENT on
    SQLite), ascending, for rows the caller inserts with these ids in this transaction."""
    if count <= 0:
        return []
    name = str(model.__tablename__)
    if session.get_bind().dialect.name == "postgresql":
        rows = await session.execute(
            text(
                "SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                "FROM generate_series(1, :count)"
            ),
            {"table": name, "count": count},
        )
        return sorted(row[0] for row in rows)
    return await _reserve_sqlite(session, model, count)


_SQLITE_SEQUENCE = table("sqlite_sequence", column("name", String), column("seq", Integer))


async def _reserve_sqlite(session: AsyncSession, model: type[Base], count: int) -> list[int]:
    name = str(model.__tablename__)
    counter = _SQLITE_SEQUENCE.c
    # The counter is at least the highest id present (a row inserted with an explicit id
    # moves it); max(id) also covers a table whose counter row was never written.
    highest = select(func.coalesce(func.max(model.__table__.c.id), 0)).scalar_subquery()
    last = await session.scalar(
        update(_SQLITE_SEQUENCE)
        .where(counter.name == name)
        .values(seq=func.max(counter.seq, highest) + count)
        .returning(counter.seq)
    )
    if last is None:  # no row inserted since the table was created: SQLite adds its counter
        last = await session.scalar(
            insert(_SQLITE_SEQUENCE)
            .from_select(["name", "seq"], select(literal(name), highest + count))
            .returning(counter.seq)
        )
    if last is None:
        raise RuntimeError(f"no AUTOINCREMENT counter for {name}")
    return list(range(last - count + 1, last + 1))


async def insert_rows(
    session: AsyncSession, target: type[Base] | Table, rows: list[dict[str, Any]]
) -> None:
    """Rows (the same keys in each) into a model's table, or a plain table, in bulk: on SQLite
    one executemany (one prepared statement, stepped per row inside the driver); on
    PostgreSQL multi-row `INSERT … VALUES` of up to 1,000 rows each (SQLAlchemy's
    "insertmanyvalues", which it uses for an executemany with RETURNING; without, asyncpg
    would run the statement once per row)."""
    if not rows:
        return
    table = target if isinstance(target, Table) else cast(Table, target.__table__)
    statement: Any = insert(table)
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.returning(*table.primary_key.columns)
    await session.execute(statement, rows)
