"""Votes: one per user and task; the counter on the task moves only with a row."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.activity.service import announce
from taskflow.db import utcnow
from taskflow.projects.permissions import PARTICIPATE
from taskflow.tasks.access import require_task
from taskflow.tasks.models import Task, Vote
from taskflow.users.models import User


def _insert_vote(dialect_name: str, user_id: int, task_id: int) -> Any:
    dialect_insert = postgresql.insert if dialect_name == "postgresql" else sqlite.insert
    return (
        dialect_insert(Vote)
        .values(user_id=user_id, task_id=task_id, created_at=utcnow())
        .on_conflict_do_nothing()
        .returning(Vote.task_id)
    )


async def vote(session: AsyncSession, user: User, task_id: int) -> None:
    """Idempotent: the primary key admits one vote; the counter moves only if a row was added."""
    access = await require_task(session, task_id, user.id, PARTICIPATE)
    inserted = await session.scalar(_insert_vote(session.get_bind().dialect.name, user.id, task_id))
    if inserted is not None:
        await _count_vote(session, user, access.task.project_id, task_id, +1)


async def unvote(session: AsyncSession, user: User, task_id: int) -> None:
    access = await require_task(session, task_id, user.id, PARTICIPATE)
    removed = await session.scalar(
        delete(Vote).where(Vote.user_id == user.id, Vote.task_id == task_id).returning(Vote.task_id)
    )
    if removed is not None:
        await _count_vote(session, user, access.task.project_id, task_id, -1)


async def _count_vote(
    session: AsyncSession, user: User, project_id: int, task_id: int, delta: int
) -> None:
    # An atomic increment: concurrent voters queue on the row lock and none is lost.
    await session.execute(
        update(Task)
        .where(Task.id == task_id)
        .values(vote_count=Task.vote_count + delta)
        .execution_options(synchronize_session=False)
    )
    announce(
        session,
        verb="task.voted" if delta > 0 else "task.unvoted",
        project_id=project_id,
        actor_id=user.id,
        task_id=task_id,
    )
