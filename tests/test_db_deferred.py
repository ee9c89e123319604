"""Deferred rows (`db.deferred`): written before the unit of work commits and never if it rolls
back; on PostgreSQL carried by a statement the unit runs anyway (one round trip for both), even
when that statement itself writes nothing; too many to carry, or on SQLite, by one INSERT per
table."""

from __future__ import annotations

from typing import Any, cast

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import Table, bindparam, select, update

from taskflow.activity.models import Activity
from taskflow.core.unit_of_work import UnitOfWork
from taskflow.db import BigIntId, utcnow
from taskflow.db.deferred import MAX_CARRIED_ROWS, _carrying, defer_rows, execute_carrying
from taskflow.projects.models import Project
from tests.factories_domain import count_statements, make_project, quick_user

_ACTIVITY = cast(Table, Activity.__table__)
_PROJECTS = cast(Table, Project.__table__)
# A statement built once that writes nothing when the id names no project.
_TOUCH = (
    update(_PROJECTS)
    .where(_PROJECTS.c.id == bindparam("project_id", type_=BigIntId))
    .values(updated_at=bindparam("now", type_=_PROJECTS.c.updated_at.type))
)


def _row(project_id: int, index: int) -> dict[str, Any]:
    return {"project_id": project_id, "task_id": None, "actor_id": None, "verb": "test.deferred",
            "changes": {"index": index}, "created_at": utcnow()}  # fmt: skip


async def _logged(app: FastAPI, project_id: int) -> list[int]:
    async with app.state.database.sessionmaker() as session:
        rows = await session.scalars(
            select(Activity.changes["index"].as_integer())
            .where(Activity.project_id == project_id, Activity.verb == "test.deferred")
            .order_by(Activity.id)
        )
        return list(rows)


@pytest.mark.parametrize("rows", [1, 3, MAX_CARRIED_ROWS + 1])
async def test_deferred_rows_are_written_before_the_commit_in_order(
    app: FastAPI, client: AsyncClient, backend: str, rows: int
) -> None:
    project = (await make_project(client, await quick_user(app)))["id"]
    uow: UnitOfWork = app.state.uow
    with count_statements(app) as statements:
        async with uow.begin() as session:
            for index in range(rows):
                defer_rows(session, _ACTIVITY, _row(project, index))
            # The carrier names no project: it writes nothing, the rows are written all the same.
            await execute_carrying(session, _TOUCH, {"project_id": 0, "now": utcnow()})
    assert await _logged(app, project) == list(range(rows))
    carried = backend == "postgresql" and rows <= MAX_CARRIED_ROWS
    # Carried: one statement for both; else the carrier, then one INSERT for all the rows.
    assert len(statements) == (1 if carried else 2), statements
    assert ("WITH deferred_0 AS" in statements[0]) is carried


async def test_rows_no_statement_carried_are_written_by_the_unit_of_work(
    app: FastAPI, client: AsyncClient
) -> None:
    project = (await make_project(client, await quick_user(app)))["id"]
    async with app.state.uow.begin() as session:
        defer_rows(session, _ACTIVITY, _row(project, 7))
    assert await _logged(app, project) == [7]


async def test_a_rolled_back_unit_writes_no_deferred_row(app: FastAPI, client: AsyncClient) -> None:
    project = (await make_project(client, await quick_user(app)))["id"]

    async def failing_change() -> None:
        async with app.state.uow.begin() as session:
            defer_rows(session, _ACTIVITY, _row(project, 1))
            await execute_carrying(session, _TOUCH, {"project_id": project, "now": utcnow()})
            raise RuntimeError("the change fails after the rows rode along")

    with pytest.raises(RuntimeError):
        await failing_change()
    assert await _logged(app, project) == []


@pytest.mark.parametrize("rows", [1, 3])
def test_a_carrying_statement_is_compiled_once(rows: int) -> None:
    """It has a cache key (a multi-row VALUES has none, and SQLAlchemy compiled it again on
    every execution: +0.8 ms of CPU per created task), and is built once per shape."""
    shape = ((_ACTIVITY, tuple(_row(1, 0)), rows),)
    statement = _carrying(_TOUCH, shape)
    assert cast(Any, statement)._generate_cache_key() is not None
    assert _carrying(_TOUCH, shape) is statement
