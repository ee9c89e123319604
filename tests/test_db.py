"""The PostgreSQL pool: a connection idle for a while is pinged before reuse (and replaced if
the database dropped it); one busy a moment ago is not (that ping cost three round trips); a
connection lost under a GET's driver read leaves the pool."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import bindparam, exc, func, select, text
from sqlalchemy.engine import make_url

from taskflow.config import Settings
from taskflow.db import Database, driver, engine

pytestmark = pytest.mark.postgres


def _settings(tmp_path: Path, url: str) -> Settings:
    return Settings(_env_file=None, database_url=url, data_dir=tmp_path, env="test")


async def _backend_pid(database: Database) -> int:
    async with database.engine.connect() as connection:
        return int((await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def _terminate(url: str, pid: int) -> None:
    admin = await asyncpg.connect(
        make_url(url).set(drivername="postgresql").render_as_string(False)
    )
    try:
        await admin.execute("SELECT pg_terminate_backend($1)", pid)
    finally:
        await admin.close()


async def test_a_connection_killed_while_idle_is_replaced_before_use(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = Database(_settings(tmp_path, postgres_url), postgres_url)
    try:
        first = await _backend_pid(database)
        await _terminate(postgres_url, first)  # a database restart, as the pool sees it
        monkeypatch.setattr(engine, "PING_AFTER_IDLE_SECONDS", 0.0)
        second = await _backend_pid(database)  # no error: the ping caught it
        assert second != first
    finally:
        await database.dispose()


async def test_a_connection_busy_a_moment_ago_is_not_pinged(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = Database(_settings(tmp_path, postgres_url), postgres_url)
    pings: list[object] = []
    try:
        await _backend_pid(database)
        monkeypatch.setattr(engine, "PING_AFTER_IDLE_SECONDS", 3600.0)
        async with database.engine.connect() as connection:
            raw = await connection.get_raw_connection()
            adapted: Any = raw.dbapi_connection
            original = type(adapted).ping

            def counting_ping(self: Any) -> None:
                pings.append(self)
                original(self)

            monkeypatch.setattr(type(adapted), "ping", counting_ping)
        await _backend_pid(database)
        assert pings == []
    finally:
        await database.dispose()


@pytest.mark.parametrize("expanded", [False, True])
async def test_a_connection_lost_under_a_driver_read_is_an_outage_and_leaves_the_pool(
    postgres_url: str, tmp_path: Path, expanded: bool
) -> None:
    """A GET's reads run on asyncpg itself (`driver.read_rows`): a dropped connection must still
    be a DBAPIError with the connection invalidated (a 503, core.errors), and the pool must
    hand out a live one after it; so too for a statement expanded per execution (an
    expanding IN, a search's words written into the SQL)."""
    database = Database(_settings(tmp_path, postgres_url), postgres_url)
    pid_statement = select(func.pg_backend_pid().label("pid"))
    try:
        async with database.sessionmaker() as session:
            await driver.start_autocommit_read(session)
            assert driver.is_autocommit_read(session)
            pid = (await driver.read_rows(session, pid_statement))[0]["pid"]
            await _terminate(postgres_url, pid)
            statement = pid_statement
            if expanded:
                statement = statement.where(
                    func.pg_backend_pid().in_(bindparam("pids", [pid], expanding=True))
                )
            with pytest.raises(exc.DBAPIError) as raised:
                await driver.read_rows(session, statement)
            assert raised.value.connection_invalidated
        async with database.sessionmaker() as session:
            await driver.start_autocommit_read(session)
            assert (await driver.read_rows(session, pid_statement))[0]["pid"] != pid
    finally:
        await database.dispose()
