"""Alembic environment: async engines, batch mode on SQLite, models as the target."""

from __future__ import annotations

import asyncio
import warnings
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection

import taskflow.models  # noqa: F401  (registers every table on Base.metadata)
from taskflow.config import load_settings
from taskflow.db import Base, create_engine
from taskflow.migrations.runner import sqlite_foreign_keys_off

config = context.config
target_metadata = Base.metadata


def _include_object(dialect_name: str) -> Any:
    """Skip PostgreSQL-only indexes (trigram, expression; `info["postgresql_only"]`) elsewhere."""

    def include(obj: Any, _name: Any, type_: str, _reflected: bool, _compare_to: Any) -> bool:
        if type_ == "index" and getattr(obj, "info", {}).get("postgresql_only"):
            return dialect_name == "postgresql"
        return True

    return include


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=_include_object(connection.dialect.name),
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        compare_server_default=False,
        user_module_prefix="taskflow.db.",
    )


def _run(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction(), warnings.catch_warnings():
        # Expression indexes are PostgreSQL-only and excluded above; Alembic warns about them
        # on SQLite before `include_object` gets a say.
        warnings.filterwarnings(
            "ignore", message="autogenerate skipping metadata-specified expression-based index"
        )
        context.run_migrations()


async def _run_async(url: str | None) -> None:
    engine = create_engine(load_settings(), url)
    try:
        async with engine.connect() as connection, sqlite_foreign_keys_off(connection):
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    given: Any = config.attributes.get("connection")
    if given is not None:  # called from code that already holds a connection (tests, the CLI)
        _run(given)
        return
    asyncio.run(_run_async(config.get_main_option("sqlalchemy.url") or None))


if context.is_offline_mode():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
