"""Bulk actions on tasks (complete, reopen, delete, move; all or nothing), and moving tasks
with their subtasks, which a single update shares."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import case, delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.activity.service import record
from taskflow.core.errors import NotFound
from taskflow.db import utcnow
from taskflow.projects.permissions import EDIT, AnyRow, check_rows, member_ids, require_role
from taskflow.tasks import notices, queries
from taskflow.tasks.models import Task, TaskStatus, task_labels
from taskflow.tasks.recurring import complete_recurring
from taskflow.tasks.schemas import BulkAction, BulkDelete, BulkMove
from taskflow.tasks.sections import check_section
from taskflow.tasks.trash import trash_tasks
from taskflow.users.models import User


async def bulk(session: AsyncSession, user: User, data: BulkAction) -> int:
    """All or nothing: every task must be one the caller may edit (its project not archived;
    for a move, the target one they may add tasks to) before anything is written."""
    ids = list(dict.fromkeys(data.ids))
    rows = await queries.tasks_with_access(session, user.id, ids, EDIT)
    found = {row.id: row for row in rows}
    missing = [task_id for task_id in ids if task_id not in found]
    if missing:
        raise NotFound(f"Task {missing[0]} not found")
    check_rows(rows, EDIT)
    if isinstance(data, BulkDelete):
        await _bulk_delete(session, user, rows)
    elif isinstance(data, BulkMove):  # its schema requires `project_id`
        rows_in_order = [found[task_id] for task_id in ids]
        await _bulk_move(session, user, rows_in_order, data.project_id, data.section_id)
    else:
        await _bulk_set_status(session, user, rows, completing=data.action == "complete")
    return len(ids)


async def _bulk_delete(session: AsyncSession, user: User, rows: Sequence[AnyRow]) -> None:
    await trash_tasks(session, user, [row.id for row in rows])
    for row in rows:
        record(
            session,
            verb="task.deleted",
            project_id=row.project_id,
            actor_id=user.id,
            task_id=row.id,
            changes={"title": row.title},
        )


async def _bulk_set_status(
    session: AsyncSession, user: User, rows: Sequence[AnyRow], *, completing: bool
) -> None:
    now = utcnow()
    status = TaskStatus.DONE.value if completing else TaskStatus.TODO.value
    changing = [row for row in rows if (row.status == TaskStatus.DONE) != completing]
    if completing:  # a recurring task moves to its next occurrence instead
        recurred = await complete_recurring(session, user, [row.id for row in changing], now)
        changing = [row for row in changing if row.id not in recurred]
    if changing:
        await session.execute(
            update(Task)
            .where(Task.id.in_([row.id for row in changing]))
            .values(
                status=status,
                completed_at=now if completing else None,
                version=Task.version + 1,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
    for row in changing:
        record(
            session,
            verb="task.completed" if completing else "task.reopened",
            project_id=row.project_id,
            actor_id=user.id,
            task_id=row.id,
            changes={"status": {"from": row.status, "to": status}},
        )
        if completing:
            await notices.completed(session, user, task_id=row.id, project_id=row.project_id,
                                    title=row.title)  # fmt: skip


async def _bulk_move(
    session: AsyncSession, user: User, rows: Sequence[AnyRow], target: int, section: int | None
) -> None:
    """Appended to the target in the order given, into `section` (of the target, or none);
    subtasks follow their parents (into no section). Tasks already in the target only change
    section."""
    await require_role(session, target, user.id, EDIT)
    await check_section(session, target, section)
    now = utcnow()
    moving = [row for row in rows if row.project_id != target]
    staying = [row for row in rows if row.project_id == target and row.section_id != section]
    if staying:
        await _set_section(session, user, staying, section)
    keys = await queries.next_positions(session, target, len(moving))
    if not moving:
        return
    moving_ids = {row.id for row in moving}
    # One statement: a subtask keeps its parent only if the parent moves with it.
    new_positions = {row.id: key for row, key in zip(moving, keys, strict=True)}
    await session.execute(
        update(Task)
        .where(Task.id.in_(moving_ids))
        .values(
            project_id=target,
            section_id=section,
            parent_id=case((Task.parent_id.in_(moving_ids), Task.parent_id), else_=None),
            position=case(new_positions, value=Task.id),
            version=Task.version + 1,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    await after_move(session, sorted(moving_ids), target)
    await move_subtasks(session, sorted(moving_ids), target)
    for row in moving:
        change: dict[str, object] = {"project_id": {"from": row.project_id, "to": target}}
        if row.section_id != section:
            change["section_id"] = {"from": row.section_id, "to": section}
        for verb, project_id in (("task.updated", target), ("task.moved", row.project_id)):
            record(
                session,
                verb=verb,
                project_id=project_id,
                actor_id=user.id,
                task_id=row.id,
                changes=change,
            )


async def _set_section(
    session: AsyncSession, user: User, rows: Sequence[AnyRow], section: int | None
) -> None:
    await session.execute(
        update(Task)
        .where(Task.id.in_([row.id for row in rows]))
        .values(section_id=section, version=Task.version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    for row in rows:
        record(
            session,
            verb="task.updated",
            project_id=row.project_id,
            actor_id=user.id,
            task_id=row.id,
            changes={"section_id": {"from": row.section_id, "to": section}},
        )


# Moves (update and bulk)


async def move_subtasks(
    session: AsyncSession, parent_ids: Sequence[int], project_id: int
) -> list[int]:
    """Subtasks follow their parents to `project_id`, appended in their order, in no section;
    their labels stay behind, and an assignee who is not a member there is unassigned."""
    moved = await queries.subtasks_outside(session, parent_ids, project_id)
    if not moved:
        return moved
    keys = await queries.next_positions(session, project_id, len(moved))
    await session.execute(
        update(Task)
        .where(Task.id.in_(moved))
        .values(
            project_id=project_id,
            section_id=None,
            position=case(dict(zip(moved, keys, strict=True)), value=Task.id),
            version=Task.version + 1,
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    await after_move(session, moved, project_id)
    return moved


async def after_move(session: AsyncSession, task_ids: Sequence[int], project_id: int) -> None:
    """Labels stay behind in the old project; assignees who are not members here go."""
    await session.execute(delete(task_labels).where(task_labels.c.task_id.in_(task_ids)))
    await session.execute(
        update(Task)
        .where(
            Task.id.in_(task_ids),
            Task.assignee_id.is_not(None),
            Task.assignee_id.not_in(member_ids(project_id)),
        )
        .values(assignee_id=None)
        .execution_options(synchronize_session=False)
    )
