"""Reads that skip SQLAlchemy's execution layer: in a GET on PostgreSQL, a statement built
with SQLAlchemy runs on the session's own asyncpg connection (`read_rows`).

Only query modules (`<domain>/queries.py`), the caller check and core's unit of work import
this module (an import contract says so).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import Executable, Select, exc
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler

from taskflow.db.reads import Reader, has_pending_changes, session_of

# In session.info when the session was opened in autocommit (a GET on
# PostgreSQL): the session's asyncpg connection and dialect, for its reads (`read_rows`).
_AUTOCOMMIT_DRIVER_KEY = "taskflow_autocommit_driver"


async def start_autocommit_read(session: AsyncSession) -> None:
    """Make a new PostgreSQL session's statements run without BEGIN/COMMIT: two round trips
    saved and nothing lost for a GET, because under READ COMMITTED every statement takes its
    own snapshot inside a transaction too, and a GET writes nothing (the connection returns
    to the pool reset). The session keeps that one connection until it closes."""

    def start(sync_session: Session) -> None:  # one greenlet hop for all of it
        connection = sync_session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        if connection.dialect.name == "postgresql":
            driver = connection.connection.driver_connection
            session.info[_AUTOCOMMIT_DRIVER_KEY] = (driver, connection.dialect)

    await session.run_sync(start)


def is_autocommit_read(session: AsyncSession) -> bool:
    """True for the session of a GET on PostgreSQL: every statement commits on its own, and
    nothing in the request writes."""
    return _AUTOCOMMIT_DRIVER_KEY in session.info


class _Argument(NamedTuple):
    name: str  # the bound parameter's
    value: Any  # its value in the statement (a literal's), or _GIVEN: the caller gives it
    process: Callable[[Any], Any] | None  # the type's bind processor


_GIVEN = object()


class _DriverStatement(NamedTuple):
    """A read statement compiled once for asyncpg: the SQL and its positional arguments.

    `expand`: for a statement whose SQL is settled per execution (an expanding IN, a value
    rendered into the SQL with `literal_execute`), its compiled form, which SQLAlchemy expands
    for the values (`construct_expanded_state`); `arguments` then name every bound parameter
    with its processor, in no particular order."""

    sql: str
    arguments: tuple[_Argument, ...]
    expand: SQLCompiler | None = None


@lru_cache(maxsize=2048)
def _driver_statement(statement: Select[Any], dialect: Dialect) -> _DriverStatement | None:
    """None for a statement with a value computed by a callable: Core runs those."""
    compiled = statement.compile(dialect=dialect)
    binds = {name: bind for bind, name in compiled.bind_names.items()}
    if any(bind.callable is not None for bind in binds.values()):
        return None
    expand = bool(compiled.post_compile_params or compiled.literal_execute_params)
    arguments = tuple(
        _Argument(
            name,
            _GIVEN if binds[name].required else binds[name].value,
            binds[name].type.dialect_impl(dialect).bind_processor(dialect),
        )
        for name in (binds if expand else compiled.positiontup or ())
    )
    if expand:
        return _DriverStatement(compiled.string, arguments, compiled)
    return _DriverStatement(compiled.string, arguments)


async def read_rows(
    reader: Reader,
    statement: Executable,
    params: Mapping[str, Any] | None = None,
) -> Sequence[Mapping[Any, Any]]:
    """The rows of a read-only statement of plain columns, as mappings.

    In a GET on PostgreSQL (an autocommit session: `start_autocommit_read`) the statement runs
    on asyncpg itself: compiled once, prepared once per connection, its values as asyncpg
    gives them (timezone-aware UTC datetimes, JSON decoded by SQLAlchemy's codec, the same
    values Core gives for the columns TaskFlow reads: tests/test_read_rows.py). SQLAlchemy's
    execution layer (its greenlet bridge, execution context and result set-up) cost more than
    the query: ~0.2 ms of CPU per statement, half of a task's GET (docs/benchmarks.md, round
    3). Elsewhere (writes, SQLite) it runs on the session's connection through Core, in
    the session's transaction, with changes still pending flushed first so the read sees them.

    A statement whose SQL is settled per execution is expanded for its values first: an
    expanding IN gets a placeholder per item, and a `literal_execute` value is written into
    the SQL (a search's words across projects, `tasks.conditions`), so that the statement
    prepared for that SQL, and any generic plan PostgreSQL settles on for it, is made for
    those values.
    """
    session = session_of(reader)
    if has_pending_changes(session):
        await session.flush()
    driver: Any = None  # asyncpg's connection
    compiled = None
    if _AUTOCOMMIT_DRIVER_KEY in session.info and isinstance(statement, Select):
        driver, dialect = session.info[_AUTOCOMMIT_DRIVER_KEY]
        compiled = _driver_statement(statement, dialect)
    if compiled is None:
        connection = await session.connection()
        return (await connection.execute(statement, params)).mappings().all()
    values = params or {}
    sql = compiled.sql
    arguments = []
    if compiled.expand is None:
        for name, value, process in compiled.arguments:
            value = values[name] if value is _GIVEN or name in values else value
            arguments.append(value if process is None else process(value))
    else:
        state = compiled.expand.construct_expanded_state(values)
        sql = state.statement
        processors = {argument.name: argument.process for argument in compiled.arguments}
        processors |= state.processors  # an expanding IN's items'
        for name in state.positiontup or ():
            value, process = state.parameters[name], processors.get(name)
            arguments.append(value if process is None else process(value))
    try:
        records = await driver.fetch(sql, *arguments)
    except Exception as error:
        # As Core would: a dropped connection leaves the pool, and the error is a DBAPIError
        # (a lost database answers 503, core.errors). The session reads through Core after.
        del session.info[_AUTOCOMMIT_DRIVER_KEY]
        invalidated = driver.is_closed()
        if invalidated:
            await (await session.connection()).invalidate(error)
        raise exc.DBAPIError(sql, arguments, error, connection_invalidated=invalidated) from error
    return [dict(record) for record in records]
