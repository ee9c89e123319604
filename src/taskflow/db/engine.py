"""The engine per backend (pool, pings, SQLite pragmas) and the `Database` a process owns."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

from taskflow.config import Settings


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
