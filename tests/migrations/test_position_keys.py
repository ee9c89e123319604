"""Task positions become fractional-index keys (issue 17): the migration keys each project's
tasks in their (position, id) order, on both backends, and its downgrade gives numbers back
in key order."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from taskflow.migrations import runner
from taskflow.tasks.positions import is_key
from tests.migrations.test_ids_never_reused import WHEN, _insert_user
from tests.migrations.test_migrations import empty_database, engine  # noqa: F401  (fixtures)

BEFORE = "7a742d82b345"  # the revision before keys
KEYS = "3f0c2a9e1b57"


async def _project(connection: AsyncConnection, owner: int, name: str) -> int:
    result = await connection.execute(
        text(
            "INSERT INTO projects (owner_id, name, description, color, is_inbox, archived, "
            f"created_at, updated_at) VALUES (:owner, :name, '', '#000000', false, false, "
            f"{WHEN}, {WHEN}) RETURNING id"
        ),
        {"owner": owner, "name": name},
    )
    return int(result.scalar_one())


async def _task(
    connection: AsyncConnection, project: int, title: str, position: float, trashed: bool = False
) -> int:
    deleted = WHEN if trashed else "NULL"
    result = await connection.execute(
        text(
            "INSERT INTO tasks (project_id, title, description, status, priority, position, "
            "vote_count, created_at, updated_at, version, deleted_at) VALUES (:project, "
            f":title, '', 'todo', 0, :position, 0, {WHEN}, {WHEN}, 1, {deleted}) RETURNING id"
        ),
        {"project": project, "title": title, "position": position},
    )
    return int(result.scalar_one())


async def _titles_in_order(connection: AsyncConnection, project: int) -> list[str]:
    rows = await connection.execute(
        text("SELECT title FROM tasks WHERE project_id = :p ORDER BY position, id"),
        {"p": project},
    )
    return [row[0] for row in rows]


async def test_keys_keep_each_projects_order_and_the_downgrade_gives_numbers_back(
    engine: AsyncEngine,  # noqa: F811
) -> None:
    await runner.upgrade(engine, BEFORE)
    async with engine.begin() as connection:
        owner = await _insert_user(connection, "owner")
        first = await _project(connection, owner, "first")
        second = await _project(connection, owner, "second")
        empty = await _project(connection, owner, "empty")
        # Out of insertion order, negative, a tie (broken by id), a midpoint, a trashed one.
        for title, position in [("c", 3.0), ("a", -1e9), ("b1", 2.0), ("b2", 2.0)]:
            await _task(connection, first, title, position)
        await _task(connection, first, "a-half", 1.5, trashed=True)
        # More tasks than one key digit holds (a0…az, then b00…), in reverse insertion order.
        for number in range(70):
            await _task(connection, second, f"{number:03}", 1000.0 - number)
        order = {p: await _titles_in_order(connection, p) for p in (first, second, empty)}
    assert order[first] == ["a", "a-half", "b1", "b2", "c"]

    await runner.upgrade(engine)
    await runner.check(engine)
    # The column changed type: statements the pool prepared before are stale (as a server's
    # are: it restarts after a migration).
    await engine.dispose()
    async with engine.begin() as connection:
        assert {p: await _titles_in_order(connection, p) for p in order} == order
        rows = await connection.execute(
            text("SELECT position FROM tasks WHERE project_id = :p ORDER BY position, id"),
            {"p": first},
        )
        keys = [row[0] for row in rows]
        assert keys == ["a0", "a1", "a2", "a3", "a4"]
        rows = await connection.execute(text("SELECT position FROM tasks"))
        every = [row[0] for row in rows]
        assert all(isinstance(key, str) and is_key(key) for key in every)
        assert len(every) == 75
        assert len(set(every)) == 70  # distinct in a project: the first's are the second's first

    await runner.downgrade(engine, BEFORE)
    await engine.dispose()
    async with engine.begin() as connection:
        assert {p: await _titles_in_order(connection, p) for p in order} == order
        rows = await connection.execute(
            text("SELECT position FROM tasks WHERE project_id = :p ORDER BY position, id"),
            {"p": first},
        )
        assert [float(row[0]) for row in rows] == [1.0, 2.0, 3.0, 4.0, 5.0]
    await runner.upgrade(engine, KEYS)
    await runner.upgrade(engine)  # and the revisions after it
    await runner.check(engine)
