"""Completing recurring tasks: what a single update (`service.update_task`, through
`planning.recur`) and a bulk completion share. The rule itself: `recurrence.py`.

A recurring task that is completed is not left done: in the same transaction it moves to its
next occurrence (status `todo`, `due_at` and `start_at` shifted), its subtasks reopen, and
activity records `task.completed` then `task.recurred`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.activity.service import diff, record
from taskflow.db import utcnow
from taskflow.tasks import recurrence
from taskflow.tasks.models import Task, TaskStatus
from taskflow.users.models import User


async def creator_timezone(session: AsyncSession, creator_id: int | None, *, default: str) -> str:
    """The time zone a task's series is computed in: its creator's (`default`, the acting
    user's, when the creator's account is gone)."""
    if creator_id is None:
        return default
    found = await session.scalar(select(User.timezone).where(User.id == creator_id))
    return found or default


async def reopen_subtasks(
    session: AsyncSession, parent_ids: Collection[int], *, actor_id: int
) -> None:
    """The done subtasks of `parent_ids` are open again (one statement), each with its
    `task.reopened` activity."""
    if not parent_ids:
        return
    now = utcnow()
    reopened = (
        await session.execute(
            update(Task)
            .where(Task.parent_id.in_(parent_ids), Task.status == TaskStatus.DONE.value)
            .values(
                status=TaskStatus.TODO.value,
                completed_at=None,
                version=Task.version + 1,
                updated_at=now,
            )
            .returning(Task.id, Task.project_id)
            .execution_options(synchronize_session=False)
        )
    ).all()
    for task_id, project_id in reopened:
        record(
            session,
            verb="task.reopened",
            project_id=project_id,
            actor_id=actor_id,
            task_id=task_id,
            changes={"status": {"from": TaskStatus.DONE.value, "to": TaskStatus.TODO.value}},
        )


def _per_task(column: Any, values: Mapping[int, Any]) -> Any:
    """CASE id WHEN … THEN value …, each value typed as the column (a NULL too)."""
    return case(
        {key: literal(value, type_=column.type) for key, value in values.items()},
        value=Task.id,
        else_=column,
    )


async def complete_recurring(
    session: AsyncSession, actor: User, task_ids: Sequence[int], now: datetime
) -> set[int]:
    """Complete the recurring tasks among `task_ids` (open ones the caller may edit): each
    moves to its next occurrence. The ids that moved; the others (not recurring, or at the
    end of their series) are the caller's to complete as usual. A fixed number of
    statements whatever their number."""
    if not task_ids:
        return set()
    rows = (
        await session.execute(
            select(
                Task.id, Task.project_id, Task.status, Task.due_at, Task.start_at,
                Task.recurrence, Task.recurrence_basis, User.timezone,
            )
            .outerjoin(User, User.id == Task.created_by)
            .where(Task.id.in_(task_ids), Task.recurrence.is_not(None), Task.due_at.is_not(None))
        )
    ).all()  # fmt: skip
    moves: dict[int, tuple[recurrence.Occurrence, datetime | None]] = {}
    for row in rows:
        moved = recurrence.advance(
            row.recurrence, row.recurrence_basis, row.due_at, row.start_at,
            row.timezone or actor.timezone, now,
        )  # fmt: skip
        if moved is not None:
            moves[row.id] = moved
    if not moves:
        return set()
    await session.execute(
        update(Task)
        .where(Task.id.in_(moves))
        .values(
            status=TaskStatus.TODO.value,
            completed_at=None,
            due_at=_per_task(Task.due_at, {key: move.due_at for key, (move, _) in moves.items()}),
            start_at=_per_task(Task.start_at, {key: start for key, (_, start) in moves.items()}),
            recurrence=_per_task(
                Task.recurrence, {key: move.recurrence for key, (move, _) in moves.items()}
            ),
            version=Task.version + 1,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    for row in rows:
        if row.id not in moves:
            continue
        occurrence, start_at = moves[row.id]
        record(
            session,
            verb="task.completed",
            project_id=row.project_id,
            actor_id=actor.id,
            task_id=row.id,
            changes={"status": {"from": row.status, "to": TaskStatus.DONE.value}},
        )
        before = {"due_at": row.due_at, "start_at": row.start_at, "recurrence": row.recurrence}
        after = {"due_at": occurrence.due_at, "start_at": start_at,
                 "recurrence": occurrence.recurrence}  # fmt: skip
        record(
            session,
            verb="task.recurred",
            project_id=row.project_id,
            actor_id=actor.id,
            task_id=row.id,
            changes=diff(before, after),
        )
    await reopen_subtasks(session, list(moves), actor_id=actor.id)
    return set(moves)
