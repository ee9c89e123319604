"""Database: engine, the per-request session, and the declarative Base."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import JSON, BigInteger, DateTime, Executable, Integer, MetaData, Row, event, exc
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
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


async def read_rows(
    session: AsyncSession, statement: Executable, params: Mapping[str, Any] | None = None
) -> Sequence[Row[Any]]:
    """The rows of a read-only statement of plain columns, run on the session's connection
    (same transaction) without the ORM's per-statement work: no identity map, no ORM result
    set-up, ~0.12 ms less per statement (docs/benchmarks.md). Changes still pending in the
    session are flushed first, so the read sees them."""
    if has_pending_changes(session):
        await session.flush()
    connection = await session.connection()
    return (await connection.execute(statement, params)).all()


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
            # A read runs without BEGIN/COMMIT: two round trips saved, nothing lost, because
            # under READ COMMITTED every statement takes its own snapshot inside a transaction
            # too, and a GET writes nothing (the connection returns to the pool reset).
            await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
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
