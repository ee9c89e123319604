"""`record()`: the one function domain services call when something changes; and the log's reads.

`record` writes the activity row in the caller's transaction and queues the real-time event,
which the session dependency publishes after the commit (never for a rolled-back change).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.activity.models import Activity
from taskflow.activity.schemas import ActivityPublic, ActorPublic
from taskflow.core.events import Event, emit
from taskflow.core.pagination import Page, Pagination
from taskflow.db import utcnow
from taskflow.db.deferred import defer_rows
from taskflow.db.ids import insert_rows
from taskflow.db.reads import Reader
from taskflow.users.models import User


def jsonable(value: Any) -> Any:
    """A value as it is stored in `changes` and sent to WebSocket clients."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """`{field: {"from": old, "to": new}}` for the fields whose value changed."""
    return {
        name: {"from": jsonable(before.get(name)), "to": jsonable(value)}
        for name, value in after.items()
        if jsonable(before.get(name)) != jsonable(value)
    }


_ACTIVITY = cast(Table, Activity.__table__)


def record(
    session: AsyncSession,
    *,
    verb: str,
    project_id: int,
    actor_id: int | None,
    task_id: int | None = None,
    changes: dict[str, Any] | None = None,
) -> None:
    """Log a change (same transaction) and announce it (after commit).

    The row is a deferred insert (db/deferred.py): written before the commit, carried by a
    statement the unit runs anyway on PostgreSQL (the task's version snapshot), else with the
    unit's other rows by one INSERT. Not through the ORM: a unit-of-work flush for this one row
    was a fifth of a task's creation's CPU (docs/benchmarks.md, round 7). Nothing reads the
    log inside the transaction that writes it; the row keeps the time of the change."""
    emit(
        session,
        log_row(
            session,
            verb=verb,
            project_id=project_id,
            actor_id=actor_id,
            task_id=task_id,
            changes=changes,
        ),
    )


def log_row(
    session: AsyncSession,
    *,
    verb: str,
    project_id: int,
    actor_id: int | None,
    task_id: int | None = None,
    changes: dict[str, Any] | None = None,
) -> Event:
    """`record`'s row alone, deferred now, and the event that announces it, for the caller to
    `emit` where it would have called `record`: a change whose own statement can carry the
    row (a PATCH's UPDATE) logs it before that statement, announced in the usual order."""
    payload = jsonable(changes or {})
    row = {"project_id": project_id, "task_id": task_id, "actor_id": actor_id, "verb": verb,
           "changes": payload, "created_at": utcnow()}  # fmt: skip
    defer_rows(session, _ACTIVITY, row)
    return Event(type=verb, project_id=project_id, task_id=task_id, actor_id=actor_id, data=payload)


async def record_many(
    session: AsyncSession,
    *,
    verb: str,
    actor_id: int | None,
    changes: Sequence[tuple[int, int | None, dict[str, Any]]],
) -> None:
    """`record` for many changes at once (an import's projects, a quick add's tasks):
    (project_id, task_id, changes) each, one batched INSERT whatever their number, each
    announced after commit."""
    now = utcnow()
    rows = [
        {"project_id": project_id, "task_id": task_id, "actor_id": actor_id, "verb": verb,
         "changes": jsonable(change), "created_at": now}
        for project_id, task_id, change in changes
    ]  # fmt: skip
    await insert_rows(session, Activity, rows)
    for row in rows:
        emit(
            session,
            Event(type=verb, project_id=row["project_id"], task_id=row["task_id"],
                  actor_id=actor_id, data=row["changes"]),
        )  # fmt: skip


async def list_activity(
    session: Reader, page: Pagination, *, project_id: int, task_id: int | None = None
) -> Page[ActivityPublic]:
    """Newest first; a project's whole log, or one task's."""
    where = [Activity.project_id == project_id]
    if task_id is not None:
        where.append(Activity.task_id == task_id)
    total = await session.scalar(select(func.count()).select_from(Activity).where(*where))
    rows = (
        await session.execute(
            select(Activity, User.id, User.username)
            .outerjoin(User, User.id == Activity.actor_id)
            .where(*where)
            .order_by(Activity.id.desc())
            .limit(page.limit)
            .offset(page.offset)
        )
    ).all()
    items = [
        ActivityPublic(
            id=activity.id,
            actor=ActorPublic(id=actor_id, username=username) if actor_id is not None else None,
            verb=activity.verb,
            task_id=activity.task_id,
            changes=activity.changes,
            created_at=activity.created_at,
        )
        for activity, actor_id, username in rows
    ]
    return Page(items=items, total=total or 0, limit=page.limit, offset=page.offset)


def announce(
    session: AsyncSession,
    *,
    verb: str,
    project_id: int,
    actor_id: int | None,
    task_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """A change published after commit but not logged: a vote, or a project that is gone."""
    emit(
        session,
        Event(
            type=verb,
            project_id=project_id,
            task_id=task_id,
            actor_id=actor_id,
            data=jsonable(data or {}),
        ),
    )
