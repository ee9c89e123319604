"""`db.read_rows`: in a GET on PostgreSQL the hot reads run on asyncpg itself, past
SQLAlchemy's execution layer. They must give exactly what Core gives, for every statement
shape they meet (bound values, literals in the statement, an expanding IN, the user's
columns). A connection lost under such a read: tests/test_db.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import Select, event, text

from taskflow.auth.sessions import _AUTHENTICATED
from taskflow.core.security import decode_access_token
from taskflow.db import Database
from taskflow.db.driver import read_rows, start_autocommit_read
from taskflow.tasks import filter_sql, queries
from taskflow.tasks.models import TaskStatus
from tests.factories_domain import API, make_label, make_project, make_task, quick_user


async def _world(app: FastAPI, client: AsyncClient) -> dict[str, Any]:
    owner = await quick_user(app)
    project = await make_project(client, owner, "Launch")
    zebra = await make_label(client, owner, project["id"], "zebra", "#000000")
    alpha = await make_label(client, owner, project["id"], "Alpha", "#ffffff")
    due = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    first = await make_task(
        client, owner, "Book the venue", project_id=project["id"], due_at=due, priority=3,
        label_ids=[zebra["id"], alpha["id"]], description="Café near the station",
    )  # fmt: skip
    await make_task(client, owner, "Order food", project_id=project["id"])
    await make_task(client, owner, "Send invites", project_id=project["id"], status="done")
    voted = await client.put(f"{API}/tasks/{first['id']}/vote", headers=owner.headers)
    assert voted.status_code == 204, voted.text
    commented = await client.post(
        f"{API}/tasks/{first['id']}/comments", json={"body": "Booked?"}, headers=owner.headers
    )
    assert commented.status_code == 201, commented.text
    claims = decode_access_token(app.state.settings.signing_key(), owner.tokens.access_token)
    assert claims is not None
    return {
        "user": owner.id,
        "headers": owner.headers,
        "session": claims.session_id,
        "project": project,
        "task": first,
    }


def _statements(world: dict[str, Any]) -> list[tuple[Select[Any], dict[str, Any]]]:
    user, project = world["user"], world["project"]["id"]
    base = queries.filter_params(user, queries.TaskFilters(project_id=project))
    searched = queries.filter_params(user, queries.TaskFilters(project_id=project, search="venue"))
    across = queries.filter_params(user, queries.TaskFilters(search="venue café"))
    statuses = queries.filter_params(
        user, queries.TaskFilters(project_id=project, statuses=[TaskStatus.TODO, TaskStatus.DONE])
    )
    page = {"limit": 20, "offset": 0}
    return [
        (queries._VISIBLE_TASK, {"user_id": user, "task_id": world["task"]["id"]}),
        (queries._TASK, {"user_id": user, "task_id": world["task"]["id"]}),
        (queries._listing_statements(frozenset(base), "position")[0], base | page),
        (queries._listing_statements(frozenset(base), "-votes")[1], base),
        # a literal in the statement (the space joining title and description)
        (queries._listing_statements(frozenset(searched), "title")[0], searched | page),
        # an expanding IN: expanded per execution for its items
        (queries._listing_statements(frozenset(statuses), "due_at")[0], statuses | page),
        # a search across projects: the words written into the SQL (`literal_execute`)
        (queries._listing_statements(frozenset(across), "-votes")[0], across | page),
        (
            _AUTHENTICATED,
            {
                "user_id": user,
                "session_id": world["session"],
                "now": datetime.now(UTC),
                "issued_before": datetime.now(UTC) + timedelta(seconds=1),
            },
        ),
    ]


async def _read(
    database: Database, statement: Select[Any], params: dict[str, Any], *, autocommit: bool
) -> tuple[list[dict[str, Any]], int]:
    """The rows, and how many statements SQLAlchemy itself executed for them."""
    through_sqlalchemy: list[str] = []

    def count(*args: Any) -> None:
        through_sqlalchemy.append(args[2])

    event.listen(database.engine.sync_engine, "before_cursor_execute", count)
    try:
        async with database.sessionmaker() as session:
            if autocommit:
                await start_autocommit_read(session)
            rows = [dict(row) for row in await read_rows(session, statement, params)]
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", count)
    return rows, len(through_sqlalchemy)


async def test_a_read_gives_what_core_gives(app: FastAPI, client: AsyncClient) -> None:
    world = await _world(app, client)
    database: Database = app.state.database
    for statement, params in _statements(world):
        core, _ = await _read(database, statement, params, autocommit=False)
        read, by_sqlalchemy = await _read(
            database, statement, params, autocommit=not database.is_sqlite
        )
        assert core, statement
        assert read == core, statement
        # On PostgreSQL a GET's read skips SQLAlchemy's execution.
        assert by_sqlalchemy == (1 if database.is_sqlite else 0), statement

    task = (await _read(database, *_statements(world)[0], autocommit=False))[0][0]
    assert task["due_at"].tzinfo is not None
    assert task["due_at"].utcoffset() == timedelta(0)
    assert sorted(label["name"] for label in task["labels"]) == ["Alpha", "zebra"]
    assert task["voted_by_me"] is True
    assert task["comment_count"] == 1


async def test_the_api_answers_the_same_in_a_get_as_after_a_write(
    app: FastAPI, client: AsyncClient
) -> None:
    """A PATCH answers with the task read in its transaction (Core); a GET reads it on the
    driver: the same JSON."""
    world = await _world(app, client)
    owner_headers = world["headers"]
    task_id = world["task"]["id"]
    read = await client.get(f"{API}/tasks/{task_id}", headers=owner_headers)
    assert read.status_code == 200, read.text
    changed = await client.patch(
        f"{API}/tasks/{task_id}",
        json={"title": "Book the venue!"},
        headers=owner_headers | {"If-Match": read.headers["ETag"]},
    )
    assert changed.status_code == 200, changed.text
    again = await client.get(f"{API}/tasks/{task_id}", headers=owner_headers)
    assert again.json() == changed.json()
    assert again.json() | {"title": "Book the venue", "version": 1, "updated_at": None} == (
        read.json() | {"updated_at": None}
    )


async def test_a_search_across_projects_is_prepared_with_its_words_in_the_sql(
    app: FastAPI, client: AsyncClient
) -> None:
    """On PostgreSQL a search across projects is a prepared statement per search text, the
    words written into it: never `ILIKE $1`, which PostgreSQL would settle on a generic plan
    for after five runs (one that reads the trigram indexes of every user's tasks,
    docs/benchmarks.md). The same words reuse their statement; other words get their own."""
    world = await _world(app, client)
    database: Database = app.state.database
    page = {"limit": 20, "offset": 0}
    venue = queries.filter_params(world["user"], queries.TaskFilters(search="venue"))
    statement = queries._listing_statements(frozenset(venue), "position")[0]
    food = queries.filter_params(world["user"], queries.TaskFilters(search="food"))
    assert queries._listing_statements(frozenset(food), "position")[0] is statement
    core, _ = await _read(database, statement, venue | page, autocommit=False)
    assert [row["title"] for row in core] == ["Book the venue"]
    if database.is_sqlite:
        return
    prepared = (
        "SELECT name, statement FROM pg_prepared_statements"
        " WHERE position('lower(tasks.title)' in statement) > 0"
    )
    async with database.sessionmaker() as session:
        await start_autocommit_read(session)
        # SQLAlchemy's own, and Core's for the read above if it had this connection
        before = {tuple(row) for row in (await session.execute(text(prepared))).all()}
        for _ in range(8):
            rows = await read_rows(session, statement, venue | page)
            assert [dict(row) for row in rows] == core
        new = {tuple(row) for row in (await session.execute(text(prepared))).all()} - before
        assert len(new) == 1
        assert "'%venue%'" in new.pop()[1]
        rows = await read_rows(session, statement, food | page)
        assert [row["title"] for row in rows] == ["Order food"]
        new = {tuple(row) for row in (await session.execute(text(prepared))).all()} - before
        assert len(new) == 2
        assert sum("'%food%'" in sql for _, sql in new) == 1


async def test_searches_across_projects_are_known_by_their_shape() -> None:
    """The shapes that match words row by row over all the caller's tasks, and so find the
    matches once for the page and the total (`queries._listing_statements`)."""
    clock = filter_sql.clock_for("UTC")
    for expression, expected in [
        ("search: task 1 & !status: done", True),
        ("p1 | !(#Home & search: rent)", True),
        ("today | overdue", False),
        ("#Home & p1", False),
    ]:
        compiled = filter_sql.compile_query(expression, clock)
        assert filter_sql.searches(compiled.shape) is expected, expression
