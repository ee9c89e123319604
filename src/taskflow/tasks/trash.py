"""Tasks and comments in the trash (SPEC §10): putting them there, restoring them as they were,
purging them for good.

A task's deletion marks it, its subtasks and their comments with `deleted_at` and
`trashed_with` (the task deleted), nothing else: votes, labels, reminders and attachments hang
off the task and are out of sight with it. Restoring clears exactly the rows that deletion
marked, so a comment deleted on its own before stays in the trash. Purging deletes the row;
the database cascades the rest (and the attachments' trigger queues their files).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import ARRAY, BigInteger, and_, any_, cast, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.activity.service import record
from taskflow.core.errors import Conflict, NotFound, PreconditionFailed
from taskflow.db import utcnow
from taskflow.db.trash import live
from taskflow.projects.models import Project
from taskflow.projects.permissions import EDIT, Need, Role, fetch_checked, with_access
from taskflow.tasks import queries
from taskflow.tasks.models import Comment, Task
from taskflow.tasks.schemas import TaskPublic
from taskflow.users.models import User

PURGE = Need(Role.ADMIN)  # purging for good: the project's admins


async def trash_tasks(
    session: AsyncSession, user: User, task_ids: Collection[int], *, version: int | None = None
) -> None:
    """Put `task_ids` (live, access checked) in the trash, each with its subtasks and their
    comments; a subtask whose parent is among them goes with its parent. With `version`
    (one task's If-Match), 412 unless the task is still at that version."""
    now = utcnow()
    ids = set(task_ids)
    rows = await session.execute(select(Task.id, Task.parent_id).where(Task.id.in_(ids)))
    parents = {row.id: row.parent_id for row in rows}
    for task_id in sorted(ids):
        if parents.get(task_id) in ids:
            continue
        root = Task.id == task_id
        if version is not None:
            root = and_(root, Task.version == version)
        taken = (
            update(Task)
            .where(or_(root, Task.parent_id == task_id), live(Task))
            .values(deleted_at=now, deleted_by=user.id, trashed_with=task_id)
            .returning(Task.id)
            .execution_options(synchronize_session=False)
        )
        if task_id not in set((await session.scalars(taken)).all()):
            # Changed or deleted since it was read: nothing is written.
            raise PreconditionFailed() if version is not None else NotFound("Task not found")
        with_it = select(Task.id).where(Task.trashed_with == task_id)
        await session.execute(
            update(Comment)
            .where(Comment.task_id.in_(with_it), live(Comment))
            .values(deleted_at=now, deleted_by=user.id, trashed_with=task_id)
            .execution_options(synchronize_session=False)
        )


async def _trashed_task(session: AsyncSession, user: User, task_id: int, need: Need) -> Task:
    """A task its own deletion put in the trash (404 otherwise), checked against `need`.

    Its row is locked first, before any of its subtasks: the retention purge takes the rows it
    deletes with SKIP LOCKED and cascades from the parent to its subtasks, so a restore (or a
    purge by hand) that took a subtask first could deadlock with it. One the purge holds is
    waited for and then, gone, is a 404."""
    statement = (
        with_access(select(Task), Task.project_id, user.id, need, trashed=True)
        .where(Task.id == task_id, Task.trashed_with == task_id)
        .with_for_update(of=Task)
    )
    row, _ = await fetch_checked(session, statement, need, not_found="Task not found in the trash")
    task: Task = row[0]
    return task


async def check_container(session: AsyncSession, project_id: int, parent_id: int | None) -> None:
    """409 when what the thing lives in is itself in the trash."""
    if await session.scalar(select(Project.deleted_at).where(Project.id == project_id)):
        raise Conflict("Its project is in the trash; restore the project first")
    if parent_id is not None and await session.scalar(
        select(Task.deleted_at).where(Task.id == parent_id)
    ):
        raise Conflict("Its parent task is in the trash; restore the parent first")


async def restore_task(session: AsyncSession, user: User, task_id: int) -> TaskPublic:
    """Who may delete may restore (editors); back as it was, subtasks and comments included."""
    task = await _trashed_task(session, user, task_id, EDIT)
    await check_container(session, task.project_id, task.parent_id)
    back = {"deleted_at": None, "deleted_by": None, "trashed_with": None}
    for model in (Task, Comment):
        await session.execute(
            update(model)
            .where(model.trashed_with == task_id)
            .values(**back)
            .execution_options(synchronize_session=False)
        )
    session.expunge(task)
    record(
        session,
        verb="task.restored",
        project_id=task.project_id,
        actor_id=user.id,
        task_id=task_id,
        changes={"title": task.title},
    )
    return await queries.task_view(session, user.id, task_id)


async def purge_task(session: AsyncSession, user: User, task_id: int) -> None:
    """Gone for good (project admins): the database cascades subtasks, comments, votes,
    labels, reminders and attachments (whose files the file_purges trigger queues)."""
    task = await _trashed_task(session, user, task_id, PURGE)
    await session.execute(delete(Task).where(Task.id == task_id))
    session.expunge(task)


# The retention job's batches


async def purge_trashed_before(session: AsyncSession, cutoff: datetime, *, batch: int) -> int:
    """Delete up to `batch` tasks, then comments, trashed before `cutoff`; how many went.

    One DELETE per table, its rows chosen and locked by the same statement: a row being
    restored right now is skipped (SKIP LOCKED: the purge never waits for a writer, nor makes
    one wait), and one restored since it was chosen is not deleted (the lock reads the row
    again and checks `deleted_at` on it). SQLite has one writer at a time and no row locks."""
    postgresql = session.get_bind().dialect.name == "postgresql"
    removed = 0
    for model in (Task, Comment):
        expired = and_(model.deleted_at.is_not(None), model.deleted_at < cutoff)
        if model is Comment:
            # Comments deleted on their own: one that went with its task goes (or comes back)
            # with it, never apart from it.
            expired = and_(expired, Comment.trashed_with.is_(None))
        chosen = (
            select(model.id)
            .where(expired)
            .order_by(model.deleted_at)  # oldest first, in ix_*_trashed's order: no sort
            .limit(batch)
            .with_for_update(skip_locked=True)
        )
        if postgresql:
            # The ids as one array, computed once, then the rows by primary key. With
            # `IN (subquery)` the planner may run the locking subquery again for every trashed
            # row when its estimates are stale, which the purge's own deletes make them.
            ids = select(func.array_agg(chosen.subquery().c.id)).scalar_subquery()
            target = model.id == any_(cast(ids, ARRAY(BigInteger)))
        else:
            target = model.id.in_(chosen.scalar_subquery())
        gone = await session.execute(
            delete(model).where(target).execution_options(synchronize_session=False)
        )
        removed += gone.rowcount  # type: ignore[attr-defined]
    return removed
