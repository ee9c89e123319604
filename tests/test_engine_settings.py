"""The database settings docs/configuration.md promises: SQLite's pragmas, PostgreSQL's pool
and statement timeout, as the configuration sets them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from taskflow.config import Settings
from taskflow.db import Database


async def test_sqlite_runs_with_foreign_keys_wal_and_a_30_s_busy_timeout(tmp_path: Path) -> None:
    database = Database(Settings(_env_file=None, data_dir=tmp_path, env="test"))
    try:
        async with database.engine.connect() as connection:
            pragmas = {
                name: (await connection.execute(text(f"PRAGMA {name}"))).scalar_one()
                for name in ("foreign_keys", "journal_mode", "busy_timeout", "synchronous")
            }
    finally:
        await database.dispose()
    # synchronous 1 is NORMAL
    assert pragmas == {
        "foreign_keys": 1,
        "journal_mode": "wal",
        "busy_timeout": 30000,
        "synchronous": 1,
    }


@pytest.mark.postgres
@pytest.mark.parametrize(("timeout_ms", "shown"), [(30_000, "30s"), (1234, "1234ms"), (0, "0")])
async def test_postgres_pool_and_statement_timeout_follow_the_settings(
    postgres_url: str, tmp_path: Path, timeout_ms: int, shown: str
) -> None:
    settings = Settings(
        _env_file=None,
        data_dir=tmp_path,
        env="test",
        database_url=postgres_url,
        db_pool_size=3,
        db_max_overflow=1,
        db_pool_timeout=2.5,
        db_pool_recycle=600,
        db_statement_timeout_ms=timeout_ms,
    )
    database = Database(settings)
    try:
        async with database.engine.connect() as connection:
            statement_timeout = (await connection.execute(text("SHOW statement_timeout"))).scalar()
        pool: Any = database.engine.sync_engine.pool
        assert (pool.size(), pool._max_overflow, pool._timeout, pool._recycle) == (3, 1, 2.5, 600)
    finally:
        await database.dispose()
    assert statement_timeout == shown
