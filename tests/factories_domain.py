"""Builders for projects, members, labels and tasks, made through the API as a client would."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from unittest.mock import patch

from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import event

from taskflow.core.security import hash_password
from tests.factories import DEFAULT_PASSWORD, UserWithTokens, make_user

API = "/api/v1"
_hashed: dict[str, str] = {}


async def quick_user(app: FastAPI, **fields: Any) -> UserWithTokens:
    """`make_user` with the default password hashed once per run (Argon2 is slow on purpose)."""
    if DEFAULT_PASSWORD not in _hashed:
        _hashed[DEFAULT_PASSWORD] = await hash_password(DEFAULT_PASSWORD)

    async def cached(_: str) -> str:
        return _hashed[DEFAULT_PASSWORD]

    with patch("taskflow.users.service.hash_password", new=cached):
        return await make_user(app, **fields)


async def make_project(
    client: AsyncClient, owner: UserWithTokens, name: str = "Project", **fields: Any
) -> dict[str, Any]:
    response = await client.post(
        f"{API}/projects", json={"name": name, **fields}, headers=owner.headers
    )
    assert response.status_code == 201, response.text
    project: dict[str, Any] = response.json()
    return project


async def add_member(
    client: AsyncClient,
    project_id: int,
    by: UserWithTokens,
    member: UserWithTokens,
    role: str = "editor",
) -> None:
    response = await client.post(
        f"{API}/projects/{project_id}/members",
        json={"user": member.user.username, "role": role},
        headers=by.headers,
    )
    assert response.status_code == 201, response.text


async def make_label(
    client: AsyncClient,
    by: UserWithTokens,
    project_id: int,
    name: str = "bug",
    color: str = "#ff0000",
) -> dict[str, Any]:
    response = await client.post(
        f"{API}/projects/{project_id}/labels",
        json={"name": name, "color": color},
        headers=by.headers,
    )
    assert response.status_code == 201, response.text
    label: dict[str, Any] = response.json()
    return label


async def make_task(
    client: AsyncClient, by: UserWithTokens, title: str = "Task", **fields: Any
) -> dict[str, Any]:
    response = await client.post(
        f"{API}/tasks", json={"title": title, **fields}, headers=by.headers
    )
    assert response.status_code == 201, response.text
    task: dict[str, Any] = response.json()
    return task


async def inbox_id(client: AsyncClient, user: UserWithTokens) -> int:
    response = await client.get(f"{API}/projects", headers=user.headers)
    assert response.status_code == 200, response.text
    inbox = response.json()["items"][0]
    assert inbox["is_inbox"] is True
    return int(inbox["id"])


@dataclass
class Team:
    """A shared project with one member of each role, and someone outside it."""

    owner: UserWithTokens
    admin: UserWithTokens
    editor: UserWithTokens
    viewer: UserWithTokens
    outsider: UserWithTokens
    project: dict[str, Any]

    @property
    def project_id(self) -> int:
        return int(self.project["id"])

    def by_role(self, role: str) -> UserWithTokens:
        user: UserWithTokens = getattr(self, role)
        return user


ROLES = ("owner", "admin", "editor", "viewer", "outsider")


async def make_team(app: FastAPI, client: AsyncClient, name: str = "Team project") -> Team:
    owner = await quick_user(app)
    admin = await quick_user(app)
    editor = await quick_user(app)
    viewer = await quick_user(app)
    outsider = await quick_user(app)
    project = await make_project(client, owner, name)
    for member, role in ((admin, "admin"), (editor, "editor"), (viewer, "viewer")):
        await add_member(client, project["id"], owner, member, role)
    return Team(owner, admin, editor, viewer, outsider, project)


_TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def _in_a_job() -> bool:
    try:
        task = asyncio.current_task()
    except RuntimeError:  # no running loop
        return False
    return task is not None and task.get_name().startswith(("job:", "periodic"))


@contextmanager
def count_statements(app: FastAPI) -> Iterator[list[str]]:
    """The SQL statements the app's database runs inside the block: through SQLAlchemy, and
    straight on asyncpg (`db.read_rows` in a GET on PostgreSQL), which SQLAlchemy's events do
    not see; transaction control (BEGIN, COMMIT) is not counted, nor what in-process jobs
    (asyncio tasks named `job:…`, e.g. a notification's email) run meanwhile."""
    statements: list[str] = []
    # asyncpg's query logger also reports an executemany SQLAlchemy sends (not its prepared
    # executes), a moment later: counted once, from SQLAlchemy's event.
    executemany: list[str] = []

    def before_cursor_execute(*args: Any) -> None:
        if args[5]:  # (connection, cursor, statement, parameters, context, executemany)
            executemany.append(args[2])
        if not _in_a_job():
            statements.append(args[2])

    def on_driver(record: Any) -> None:
        if record.query in executemany:
            executemany.remove(record.query)
            return
        if not record.query.lstrip().upper().startswith(_TRANSACTION_CONTROL) and not _in_a_job():
            statements.append(record.query)

    def checkout(dbapi_connection: Any, *_: Any) -> None:
        driver: Any = getattr(dbapi_connection, "driver_connection", None)
        if hasattr(driver, "add_query_logger"):
            driver.add_query_logger(on_driver)

    def checkin(dbapi_connection: Any, *_: Any) -> None:
        driver: Any = getattr(dbapi_connection, "driver_connection", None)
        if hasattr(driver, "remove_query_logger"):
            driver.remove_query_logger(on_driver)

    engine = app.state.database.engine.sync_engine
    listeners = [
        ("before_cursor_execute", before_cursor_execute),
        ("checkout", checkout),
        ("checkin", checkin),
    ]
    for name, listener in listeners:
        event.listen(engine, name, listener)
    try:
        yield statements
    finally:
        for name, listener in listeners:
            event.remove(engine, name, listener)
