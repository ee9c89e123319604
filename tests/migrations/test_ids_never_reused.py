"""Ids are never handed out twice (issue 23.1): AUTOINCREMENT on SQLite, for every table with
an integer id, in the models and through the migration that rebuilds existing databases."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Integer, inspect, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.schema import CreateTable

from taskflow.db import Base
from taskflow.migrations import runner
from tests.migrations.test_migrations import empty_database, engine  # noqa: F401  (fixtures)

BEFORE = "11cac6b6fa8b"  # the revision before ids were made never reused on SQLite
WHEN = "'2026-01-01 00:00:00'"


def _integer_id_tables() -> list[str]:
    return sorted(
        table.name
        for table in Base.metadata.tables.values()
        if len(table.primary_key.columns) == 1
        and isinstance(next(iter(table.primary_key.columns)).type, Integer)
        # A key that is another table's id (one row per user) is never generated here.
        and not next(iter(table.primary_key.columns)).foreign_keys
    )


def test_every_table_with_an_integer_id_autoincrements_on_sqlite() -> None:
    tables = _integer_id_tables()
    assert {"users", "auth_sessions", "tasks", "activity"} <= set(tables)
    for name in tables:
        ddl = str(CreateTable(Base.metadata.tables[name]).compile(dialect=sqlite.dialect()))
        assert "PRIMARY KEY AUTOINCREMENT" in ddl, name


async def _insert_user(connection: AsyncConnection, name: str) -> int:
    result = await connection.execute(
        text(
            "INSERT INTO users (email, username, username_key, full_name, hashed_password, "
            "is_active, is_verified, is_superuser, created_at, updated_at, password_changed_at) "
            f"VALUES (:email, :name, :name, '', 'x', true, true, false, {WHEN}, {WHEN}, {WHEN}) "
            "RETURNING id"
        ),
        {"email": f"{name}@example.com", "name": name},
    )
    return int(result.scalar_one())


async def _insert_task(connection: AsyncConnection, project_id: int) -> int:
    result = await connection.execute(
        text(
            "INSERT INTO tasks (project_id, title, description, status, priority, position, "
            "vote_count, created_at, updated_at, version) "
            f"VALUES (:project, 't', '', 'todo', 0, 0, 0, {WHEN}, {WHEN}, 1) RETURNING id"
        ),
        {"project": project_id},
    )
    task_id = int(result.scalar_one())
    await connection.execute(
        text(
            "INSERT INTO activity (project_id, task_id, verb, changes, created_at) "
            f"VALUES (:project, :task, 'task.created', '{{}}', {WHEN})"
        ),
        {"project": project_id, "task": task_id},
    )
    return task_id


async def _counts(
    connection: AsyncConnection, names: Iterable[str] | None = None
) -> dict[str, int]:
    """Rows per table: of `names`, or of every model's table the database has (later
    revisions add tables the old revision does not have)."""
    if names is None:
        present = set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
        names = sorted(present & set(Base.metadata.tables))
    return {
        name: int((await connection.execute(text(f"SELECT count(*) FROM {name}"))).scalar_one())
        for name in names
    }


async def test_the_migration_keeps_every_row_and_never_reuses_an_id(
    engine: AsyncEngine,  # noqa: F811
) -> None:
    await runner.upgrade(engine, BEFORE)
    async with engine.begin() as connection:
        users = [await _insert_user(connection, f"u{number}") for number in range(3)]
        project = (
            await connection.execute(
                text(
                    "INSERT INTO projects (owner_id, name, description, color, is_inbox, "
                    f"archived, created_at, updated_at) VALUES (:owner, 'p', '', '#000000', "
                    f"false, false, {WHEN}, {WHEN}) RETURNING id"
                ),
                {"owner": users[0]},
            )
        ).scalar_one()
        await connection.execute(
            text(
                "INSERT INTO project_members (project_id, user_id, role, created_at) "
                f"VALUES (:project, :user, 'owner', {WHEN})"
            ),
            {"project": project, "user": users[0]},
        )
        tasks = [await _insert_task(connection, project) for _ in range(4)]
        # The newest task is gone, but its activity still names its id.
        await connection.execute(text("DELETE FROM tasks WHERE id = :id"), {"id": tasks[-1]})
        await connection.execute(text("DELETE FROM users WHERE id = :id"), {"id": users[1]})
        before = await _counts(connection)

    await runner.upgrade(engine)

    async with engine.begin() as connection:
        assert await _counts(connection, before) == before  # nothing lost, nothing cascaded away
        assert await _insert_task(connection, project) > tasks[-1]
        newest = await _insert_user(connection, "u3")
        assert newest > users[-1]
        await connection.execute(text("DELETE FROM users WHERE id = :id"), {"id": newest})
        assert await _insert_user(connection, "u4") > newest
        if connection.dialect.name == "sqlite":
            # The migration ran with foreign keys off; the pooled connection has them back.
            assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar_one() == 1
            rows = await connection.execute(
                text("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
            )
            schema: dict[str, str] = {row[0]: row[1] for row in rows}
            for name in _integer_id_tables():
                assert "PRIMARY KEY AUTOINCREMENT" in schema[name], name
    await runner.check(engine)
