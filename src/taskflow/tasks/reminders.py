"""Reminders (SPEC §6): personal, on a task the user can see; absolute (`remind_at`) or
relative (`before_due_minutes`, following the task's due date through edits and recurrence).

Firing (`fire_due`, run by the `reminders.fire` periodic job in the worker, or in-process
without Redis): the database decides who fires a reminder. A batch of due reminders is
selected with FOR UPDATE SKIP LOCKED (PostgreSQL; SQLite has one writer) and claimed with
`UPDATE … SET sent_at = :now WHERE id IN (…) AND sent_at IS NULL RETURNING …`, in the same
transaction as the notifications it creates: a reminder is claimed by exactly one
transaction, and a transaction that fails un-claims what it took. One missed while
everything was down fires when the system is back, with `late: true`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, delete, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.core import clock
from taskflow.core.errors import NotFound, Unprocessable
from taskflow.core.pagination import Page, Pagination
from taskflow.db.reads import Reader
from taskflow.db.trash import live
from taskflow.notifications.models import NotificationType
from taskflow.notifications.service import notify
from taskflow.projects.models import Project
from taskflow.projects.permissions import READ
from taskflow.tasks.access import require_task
from taskflow.tasks.models import Reminder, Task, TaskStatus
from taskflow.tasks.schemas import ReminderCreate, ReminderPublic

MAX_PER_USER_AND_TASK = 10
# A reminder fired more than this after its time is `late` (the scan runs every minute).
LATE_AFTER = timedelta(seconds=60)
BATCH = 200


def _public(reminder: Reminder) -> ReminderPublic:
    return ReminderPublic(
        id=reminder.id,
        task_id=reminder.task_id,
        remind_at=reminder.remind_at,
        before_due_minutes=reminder.before_due_minutes,
        sent_at=reminder.sent_at,
        snoozed_until=reminder.snoozed_until,
    )


async def list_reminders(
    session: Reader, user_id: int, task_id: int, page: Pagination
) -> Page[ReminderPublic]:
    """The caller's reminders on a task they can see (404 otherwise), soonest first."""
    await require_task(session, task_id, user_id, READ)
    mine = (Reminder.task_id == task_id, Reminder.user_id == user_id)
    total = await session.scalar(select(func.count()).select_from(Reminder).where(*mine))
    rows = await session.scalars(
        select(Reminder)
        .where(*mine)
        .order_by(Reminder.remind_at.is_(None), Reminder.remind_at, Reminder.id)
        .limit(page.limit)
        .offset(page.offset)
    )
    return Page[ReminderPublic](
        items=[_public(row) for row in rows],
        total=total or 0,
        limit=page.limit,
        offset=page.offset,
    )


async def create_reminder(
    session: AsyncSession, user_id: int, task_id: int, data: ReminderCreate
) -> ReminderPublic:
    task = (await require_task(session, task_id, user_id, READ)).task
    if (data.remind_at is None) == (data.before_due_minutes is None):
        raise Unprocessable("Give exactly one of remind_at and before_due_minutes")
    if data.before_due_minutes is not None and task.due_at is None:
        raise Unprocessable("before_due_minutes: the task has no due_at")
    # Counted under a lock on the task row (PostgreSQL): two concurrent creations cannot
    # both see 9.
    await session.execute(select(Task.id).where(Task.id == task_id).with_for_update())
    count = await session.scalar(
        select(func.count())
        .select_from(Reminder)
        .where(Reminder.task_id == task_id, Reminder.user_id == user_id)
    )
    if (count or 0) >= MAX_PER_USER_AND_TASK:
        raise Unprocessable(f"At most {MAX_PER_USER_AND_TASK} reminders per task")
    remind_at = data.remind_at
    if data.before_due_minutes is not None and task.due_at is not None:
        remind_at = task.due_at - timedelta(minutes=data.before_due_minutes)
    reminder = Reminder(
        task_id=task_id,
        user_id=user_id,
        remind_at=remind_at,
        before_due_minutes=data.before_due_minutes,
        fire_at=remind_at,
        created_at=clock.now(),
    )
    session.add(reminder)
    await session.flush()
    return _public(reminder)


async def _own(session: AsyncSession, user_id: int, reminder_id: int) -> Reminder:
    """The caller's reminder on a task they can still see; 404 otherwise."""
    reminder = await session.scalar(
        select(Reminder).where(Reminder.id == reminder_id, Reminder.user_id == user_id)
    )
    if reminder is None:
        raise NotFound("Reminder not found")
    try:
        await require_task(session, reminder.task_id, user_id, READ)
    except NotFound:
        raise NotFound("Reminder not found") from None
    return reminder


async def delete_reminder(session: AsyncSession, user_id: int, reminder_id: int) -> None:
    await _own(session, user_id, reminder_id)
    await session.execute(delete(Reminder).where(Reminder.id == reminder_id))


async def snooze_reminder(
    session: AsyncSession, user_id: int, reminder_id: int, minutes: int
) -> ReminderPublic:
    """Fire again `minutes` from now (also a reminder already sent)."""
    reminder = await _own(session, user_id, reminder_id)
    until = clock.now() + timedelta(minutes=minutes)
    reminder.snoozed_until = until
    reminder.fire_at = until
    reminder.sent_at = None
    await session.flush()
    return _public(reminder)


async def follow_due_dates(session: AsyncSession, due: Mapping[int, datetime | None]) -> None:
    """Tasks' due dates moved (`{task_id: new due_at}`): their relative reminders move with
    them and will fire again (a task without a due date has none to fire). Two statements
    whatever the number."""
    if not due:
        return
    rows = (
        await session.execute(
            select(Reminder.id, Reminder.task_id, Reminder.before_due_minutes).where(
                Reminder.task_id.in_(due), Reminder.before_due_minutes.is_not(None)
            )
        )
    ).all()
    if not rows:
        return
    times: dict[int, datetime | None] = {}
    for reminder_id, task_id, minutes in rows:
        at = due[task_id]
        times[reminder_id] = at - timedelta(minutes=minutes or 0) if at is not None else None
    column_type = Reminder.remind_at.type
    moved = case(
        {key: literal(value, type_=column_type) for key, value in times.items()},
        value=Reminder.id,
        else_=Reminder.remind_at,
    )
    await session.execute(
        update(Reminder)
        .where(Reminder.id.in_(times))
        .values(remind_at=moved, fire_at=moved, sent_at=None, snoozed_until=None)
        .execution_options(synchronize_session=False)
    )


async def fire_due(session: AsyncSession, now: datetime, *, limit: int = BATCH) -> int:
    """Fire up to `limit` due reminders of open tasks: claim them, notify their users. How
    many this transaction claimed (another may have taken the rest). A task in the trash (or
    in a trashed project) rings nothing; restored, its reminder fires then, marked late."""
    candidates = (
        select(Reminder.id)
        .join(Task, Task.id == Reminder.task_id)
        .join(Project, Project.id == Task.project_id)
        .where(
            Reminder.sent_at.is_(None),
            Reminder.fire_at <= now,
            Task.status != TaskStatus.DONE.value,
            live(Task, Project),
        )
        .order_by(Reminder.fire_at)
        .limit(limit)
        .with_for_update(of=Reminder, skip_locked=True)
    )
    ids = list(await session.scalars(candidates))
    if not ids:
        return 0
    claimed = (
        await session.execute(
            update(Reminder)
            .where(Reminder.id.in_(ids), Reminder.sent_at.is_(None))
            .values(sent_at=now)
            .returning(Reminder.id, Reminder.user_id, Reminder.task_id, Reminder.fire_at)
            .execution_options(synchronize_session=False)
        )
    ).all()
    tasks = {
        row.id: row
        for row in await session.execute(
            select(Task.id, Task.project_id, Task.title, Task.due_at).where(
                Task.id.in_({row.task_id for row in claimed})
            )
        )
    }
    for reminder_id, user_id, task_id, fire_at in claimed:
        task = tasks[task_id]
        fire_at = fire_at or now  # selected with fire_at <= now: never null
        data: dict[str, Any] = {
            "reminder_id": reminder_id,
            "title": task.title,
            "remind_at": fire_at.isoformat(),
            "due_at": task.due_at.isoformat() if task.due_at is not None else None,
            "late": now - fire_at > LATE_AFTER,
        }
        await notify(
            session,
            type=NotificationType.REMINDER,
            recipients=[user_id],
            actor=None,
            project_id=task.project_id,
            task_id=task_id,
            data=data,
        )
    return len(claimed)
