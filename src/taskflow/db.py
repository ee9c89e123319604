"""Database: engine, the per-request session, and the declarative Base."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Annotated, Any, NamedTuple

from fastapi import Depends, Request
from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Executable,
    Integer,
    MetaData,
    Select,
    event,
    exc,
)
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator

from taskflow.config import Settings
from taskflow.core.errors import DomainError
from taskflow.core.events import take_pending

logger = logging.getLogger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no offset by itself)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# BIGINT on PostgreSQL; INTEGER on SQLite, where only INTEGER PRIMARY KEY autoincrements.
BigIntId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    return datetime.now(UTC)


class json_rows(FunctionElement[Any]):  # noqa: N801  (a SQL function, named like one)
    """Aggregate: every row as a JSON object keyed by the columns' keys, all in one JSON
    array (`[{"id": 1, "name": "x"}, ...]`); NULL or `[]` over no rows. It lets a list's one
    query carry a small one-to-many relation (the labels of each task) instead of a second
    query. The order of the rows is not defined: sort them in Python.

    PostgreSQL: `json_agg(json_build_object(...))`; SQLite: `json_group_array(json_object(...))`.
    """

    type = JSON()
    inherit_cache = True
    name = "json_rows"


def _json_object_arguments(element: json_rows, compiler: SQLCompiler, **kw: Any) -> str:
    arguments = []
    for column in element.clauses:
        key = str(getattr(column, "key", "")).replace("'", "''")
        arguments += [f"'{key}'", compiler.process(column, **kw)]
    return ", ".join(arguments)


@compiles(json_rows, "postgresql")
def _json_rows_postgresql(element: json_rows, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_agg(json_build_object({_json_object_arguments(element, compiler, **kw)}))"


@compiles(json_rows, "sqlite")
def _json_rows_sqlite(element: json_rows, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_group_array(json_object({_json_object_arguments(element, compiler, **kw)}))"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


class IdMixin:
    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)


def async_database_url(url: str) -> str:
    """Pick the async driver for a plain `postgresql://` or `sqlite:///` URL."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend in {"postgresql", "postgres"}:
        query = dict(parsed.query)
        # asyncpg spells libpq's sslmode as ssl
        if "sslmode" in query:
            query["ssl"] = query.pop("sslmode")
        parsed = parsed.set(drivername="postgresql+asyncpg", query=query)
    elif backend == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    else:
        raise ValueError(f"unsupported database: {backend}")
    return parsed.render_as_string(hide_password=False)


def create_engine(settings: Settings, url: str | None = None) -> AsyncEngine:
    """The engine for `url` (default: the configured database), tuned per backend."""
    target = async_database_url(url or settings.resolved_database_url)
    if target.startswith("sqlite"):
        database = make_url(target).database
        if database and database != ":memory:":
            from pathlib import Path

            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(target, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    server_settings = {"application_name": "taskflow"}
    if settings.db_statement_timeout_ms:
        server_settings["statement_timeout"] = str(settings.db_statement_timeout_ms)
    engine = create_async_engine(
        target,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout,
        pool_recycle=settings.db_pool_recycle,
        connect_args={"timeout": settings.db_connect_timeout, "server_settings": server_settings},
    )
    event.listen(engine.sync_engine, "checkin", _note_checkin)
    event.listen(engine.sync_engine, "checkout", _ping_if_idle)
    return engine


# pool_pre_ping costs three round trips (BEGIN, ping, ROLLBACK) on every checkout: a third of a
# busy request's time (docs/benchmarks.md). A connection that was in use a moment ago is alive
# as far as a ping could tell, so only one idle longer than this is pinged before use.
PING_AFTER_IDLE_SECONDS = 2.0
_CHECKED_IN_AT = "taskflow_checked_in_at"


def _note_checkin(_: Any, record: ConnectionPoolEntry) -> None:
    record.info[_CHECKED_IN_AT] = time.monotonic()


def _ping_if_idle(
    dbapi_connection: Any, record: ConnectionPoolEntry, _: PoolProxiedConnection
) -> None:
    checked_in_at = record.info.get(_CHECKED_IN_AT)
    if checked_in_at is None or time.monotonic() - checked_in_at < PING_AFTER_IDLE_SECONDS:
        return  # fresh from connect, or busy a moment ago
    try:
        dbapi_connection.ping()
    except Exception as error:
        # The pool drops this connection and checks out (or opens) another.
        raise exc.DisconnectionError(f"stale database connection: {error}") from error


def _sqlite_pragmas(dbapi_connection: Any, _: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class Database:
    """The engine and session factory an app (or a worker) owns for its lifetime."""

    def __init__(self, settings: Settings, url: str | None = None) -> None:
        self.engine = create_engine(settings, url)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    async def dispose(self) -> None:
        await self.engine.dispose()


def has_pending_changes(session: AsyncSession) -> bool:
    """Objects added, changed or deleted in the session and not flushed yet."""
    return bool(session.new or session.dirty or session.deleted)


# In session.info when `_request_session` opened the session in autocommit (a GET on
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
    """A read statement compiled once for asyncpg: the SQL and its positional arguments."""

    sql: str
    arguments: tuple[_Argument, ...]


@lru_cache(maxsize=2048)
def _driver_statement(statement: Select[Any], dialect: Dialect) -> _DriverStatement | None:
    """None for a statement whose SQL or values are settled per execution (an expanding IN,
    a value computed by a callable): Core runs those."""
    compiled = statement.compile(dialect=dialect)
    if compiled.post_compile_params or compiled.literal_execute_params:
        return None
    binds = {name: bind for bind, name in compiled.bind_names.items()}
    if any(bind.callable is not None for bind in binds.values()):
        return None
    arguments = tuple(
        _Argument(
            name,
            _GIVEN if binds[name].required else binds[name].value,
            binds[name].type.dialect_impl(dialect).bind_processor(dialect),
        )
        for name in compiled.positiontup or ()
    )
    return _DriverStatement(compiled.string, arguments)


async def read_rows(
    session: AsyncSession, statement: Executable, params: Mapping[str, Any] | None = None
) -> Sequence[Mapping[Any, Any]]:
    """The rows of a read-only statement of plain columns, as mappings.

    In a GET on PostgreSQL (an autocommit session, see `_request_session`) the statement runs
    on asyncpg itself: compiled once, prepared once per connection, its values as asyncpg
    gives them (timezone-aware UTC datetimes, JSON decoded by SQLAlchemy's codec, the same
    values Core gives for the columns TaskFlow reads: tests/test_read_rows.py). SQLAlchemy's
    execution layer (its greenlet bridge, execution context and result set-up) cost more than
    the query: ~0.2 ms of CPU per statement, half of a task's GET (docs/benchmarks.md, round
    3). Elsewhere (writes, SQLite) it runs on the session's connection through Core, in
    the session's transaction, with changes still pending flushed first so the read sees them.
    """
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
    arguments = []
    for name, value, process in compiled.arguments:
        value = values[name] if value is _GIVEN or name in values else value
        arguments.append(value if process is None else process(value))
    try:
        records = await driver.fetch(compiled.sql, *arguments)
    except Exception as error:
        # As Core would: a dropped connection leaves the pool, and the error is a DBAPIError
        # (a lost database answers 503, core.errors). The session reads through Core after.
        del session.info[_AUTOCOMMIT_DRIVER_KEY]
        invalidated = driver.is_closed()
        if invalidated:
            await (await session.connection()).invalidate(error)
        raise exc.DBAPIError(
            compiled.sql, arguments, error, connection_invalidated=invalidated
        ) from error
    return [dict(record) for record in records]


_AFTER_COMMIT_KEY = "taskflow_after_commit"
AfterCommit = Callable[[], Awaitable[None]]


def after_commit(session: AsyncSession, action: AfterCommit) -> None:
    """Run `action` once `session`'s transaction has committed (never if it rolls back)."""
    session.info.setdefault(_AFTER_COMMIT_KEY, []).append(action)


async def run_after_commit(session: AsyncSession) -> None:
    actions: list[AfterCommit] = session.info.pop(_AFTER_COMMIT_KEY, [])
    for action in actions:
        try:
            await action()
        except Exception:
            logger.exception("an after-commit action failed")


_READ_METHODS = frozenset({"GET", "HEAD"})


async def _request_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session and one transaction per request, committed here and nowhere else."""
    database: Database = request.app.state.database
    async with database.sessionmaker() as session:
        autocommit = request.method in _READ_METHODS and not database.is_sqlite
        if autocommit:
            await start_autocommit_read(session)
        try:
            yield session
            # In autocommit every statement is already committed: only changes still pending
            # in the session would need the commit (its flush).
            if session.in_transaction() and (not autocommit or has_pending_changes(session)):
                await session.commit()
        except DomainError as error:
            # A refusal that must stick (revoking a family on refresh-token reuse) is saved.
            if error.keep_changes and session.in_transaction():
                await session.commit()
            else:
                await session.rollback()
            raise
        except BaseException:
            await session.rollback()
            raise
        # Only a committed change gets here (what a failed transaction emitted or deferred dies
        # with this session, so it is never announced). Announce what changed (real time), then
        # run what waited for the commit (queueing emails). Failures are logged, never raised.
        events = take_pending(session)
        if events:
            await request.app.state.events.publish(events)
        await run_after_commit(session)


# scope="function": the commit happens before the response is sent, so a 2xx means "saved".
SessionDep = Annotated[AsyncSession, Depends(_request_session, scope="function")]
