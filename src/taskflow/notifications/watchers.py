"""Watching tasks: the automatic rules and the explicit toggle (`task_watchers`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.db.deferred import defer_rows
from taskflow.notifications.models import TaskWatcher


def _insert(session: AsyncSession) -> Any:
    """INSERT with ON CONFLICT, in the session's dialect."""
    return sqlite_insert if session.get_bind().dialect.name == "sqlite" else postgresql_insert


_WATCHERS = cast(Table, TaskWatcher.__table__)


@lru_cache(maxsize=4)
def _auto_watch_statement(dialect: str) -> Any:
    """The automatic rules' INSERT … ON CONFLICT DO NOTHING, built once per dialect on the
    table, its rows bound at execution: no statement construction or ORM DML set-up per
    change (a task's creation spent a tenth of its CPU building this, docs/benchmarks.md)."""
    insert = sqlite_insert if dialect == "sqlite" else postgresql_insert
    return insert(cast(Table, TaskWatcher.__table__)).on_conflict_do_nothing()


async def auto_watch(session: AsyncSession, task_id: int, user_ids: Iterable[int | None]) -> None:
    """The creator, assignee, commenters and mentioned users start watching (one statement);
    whoever unwatched the task stays unwatched."""
    await auto_watch_many(session, {task_id: user_ids})


async def auto_watch_many(
    session: AsyncSession, watchers: Mapping[int, Iterable[int | None]]
) -> None:
    """`auto_watch` for several tasks at once (a quick add's lines): one statement for all."""
    rows = [
        {"task_id": task_id, "user_id": user_id, "watching": True}
        for task_id, user_ids in watchers.items()
        for user_id in sorted({user_id for user_id in user_ids if user_id is not None})
    ]
    if rows:
        statement = _auto_watch_statement(session.get_bind().dialect.name)
        await session.execute(statement, rows if len(rows) > 1 else rows[0])


def watch_new_task(session: AsyncSession, task_id: int, user_ids: Iterable[int | None]) -> None:
    """`auto_watch` for a task created in this unit of work: nobody can have unwatched it
    yet, so its rows are deferred (db/deferred.py) and ride along with the task's version
    snapshot on PostgreSQL instead of costing a statement of their own. Only for a caller that
    reads none of the task's watchers before the commit (its notifications name their
    recipients)."""
    for user_id in sorted({user_id for user_id in user_ids if user_id is not None}):
        defer_rows(session, _WATCHERS, {"task_id": task_id, "user_id": user_id, "watching": True})


async def set_watching(session: AsyncSession, task_id: int, user_id: int, watching: bool) -> None:
    """The explicit toggle (idempotent): it sticks, whatever the automatic rules say later."""
    insert = _insert(session)
    statement = insert(TaskWatcher).values(task_id=task_id, user_id=user_id, watching=watching)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[TaskWatcher.task_id, TaskWatcher.user_id],
            set_={"watching": watching},
        )
    )
