"""Ids reserved for a batch (`db.ids`): new on both backends, never one a row (even a deleted
one) had, never handed out again by a later INSERT; and a batch written with them is one
statement per table."""

from __future__ import annotations

from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import delete, insert, select

from taskflow.db.ids import insert_rows, reserve_ids
from taskflow.tasks.models import Section
from tests.factories_domain import count_statements, make_project, quick_user


async def _section(app: FastAPI, project_id: int) -> int:
    async with app.state.database.sessionmaker.begin() as session:
        made = await session.scalar(
            insert(Section).values(project_id=project_id, name="s").returning(Section.id)
        )
    assert made is not None
    return int(made)


async def test_reserved_ids_are_above_every_id_ever_used_and_are_not_handed_out_again(
    app: FastAPI, client: AsyncClient, backend: str
) -> None:
    owner = await quick_user(app)
    project = await make_project(client, owner)
    deleted = await _section(app, project["id"])
    async with app.state.database.sessionmaker.begin() as session:
        await session.execute(delete(Section).where(Section.id == deleted))

    async with app.state.database.sessionmaker.begin() as session:
        reserved = await reserve_ids(session, Section, 3)
        again = await reserve_ids(session, Section, 2)
    assert reserved == list(range(reserved[0], reserved[0] + 3))
    assert reserved[0] > deleted  # the deleted row's id is not reused
    assert min(again) > max(reserved)
    # An ordinary INSERT afterwards gets an id above them, though none was written.
    assert await _section(app, project["id"]) > max(again)


async def test_a_batch_with_reserved_ids_is_one_insert_whatever_its_size(
    app: FastAPI, client: AsyncClient, backend: str
) -> None:
    owner = await quick_user(app)
    project = await make_project(client, owner)
    await _section(app, project["id"])  # the table's counter exists (SQLite)
    for size in (3, 300):
        async with app.state.database.sessionmaker.begin() as session:
            with count_statements(app) as statements:
                ids = await reserve_ids(session, Section, size)
                await insert_rows(
                    session,
                    Section,
                    [{"id": i, "project_id": project["id"], "name": f"s{i}"} for i in ids],
                )
        assert len(statements) == 2, statements
        async with app.state.database.sessionmaker() as session:
            stored = await session.scalars(select(Section.id).where(Section.id.in_(ids)))
            assert sorted(stored) == ids
