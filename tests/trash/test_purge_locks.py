"""The retention purge and writers on PostgreSQL (row locks; SQLite has one writer at a time):
a task being restored while a batch runs is skipped, not waited for, and stays."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select, text, update

from taskflow.db import Database, utcnow
from taskflow.tasks.models import Task
from taskflow.tasks.trash import purge_trashed_before
from tests.factories_domain import API, make_task, quick_user

pytestmark = pytest.mark.parametrize(
    "backend", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)


async def test_a_task_being_restored_is_skipped_not_waited_for(
    app: FastAPI, client: AsyncClient
) -> None:
    owner = await quick_user(app)
    restoring = await make_task(client, owner, title="being restored")
    expired = await make_task(client, owner, title="expired")
    for task in (restoring, expired):
        deleted = await client.delete(f"{API}/tasks/{task['id']}", headers=owner.headers)
        assert deleted.status_code == 204
    database: Database = app.state.database
    async with database.engine.begin() as connection:
        await connection.execute(
            update(Task)
            .where(Task.trashed_with.is_not(None))
            .values(deleted_at=utcnow() - timedelta(days=400))
        )

    async with database.engine.connect() as restorer:
        async with restorer.begin():
            # What restore_task's UPDATE does, its transaction still open: the row is locked.
            await restorer.execute(
                update(Task)
                .where(Task.trashed_with == restoring["id"])
                .values(deleted_at=None, deleted_by=None, trashed_with=None)
            )
            async with database.sessionmaker() as session, session.begin():
                # A purge that waited for the restore would fail here instead of skipping it.
                await session.execute(text("SET LOCAL lock_timeout = '2s'"))
                removed = await purge_trashed_before(
                    session, utcnow() - timedelta(days=30), batch=10
                )
        assert removed == 1

    async with database.engine.connect() as connection:
        titles = set((await connection.scalars(select(Task.title))).all())
    assert titles == {"being restored"}
    listed = await client.get(f"{API}/tasks/{restoring['id']}", headers=owner.headers)
    assert listed.status_code == 200
