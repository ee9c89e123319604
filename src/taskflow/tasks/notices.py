"""Who hears about a change to a task, decided by the rule that made it (SPEC §7).

Called by `service.py` and `comments.py` in the change's transaction: the automatic
watchers (creator, assignee, commenters, mentioned), then `notify` — one INSERT … SELECT per
kind of notification, however many watchers there are.

| change | notification | to |
|---|---|---|
| task created or re-assigned | `assigned` | the new assignee |
| `@username` added to a description or comment | `mentioned` | each member newly mentioned |
| comment | `commented` | the watchers (not those it mentions: they get `mentioned`) |
| status becomes `done` | `task_completed` | the watchers |
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.notifications import mentions as mention_rules
from taskflow.notifications.models import NotificationType
from taskflow.notifications.service import Watchers, notify
from taskflow.notifications.watchers import (
    auto_watch,
    auto_watch_many,
    set_watching,
    watch_new_task,
)
from taskflow.projects.permissions import READ
from taskflow.tasks.access import require_task
from taskflow.tasks.models import Task, TaskStatus
from taskflow.users.models import User

EXCERPT = 200
Mentions = list[dict[str, Any]]


def _data(title: str, text: str = "", **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"task_title": title, **extra}
    if text:
        data["excerpt"] = text[:EXCERPT]
    return data


async def resolve_mentions(session: AsyncSession, project_id: int, text: str) -> Mentions:
    return await mention_rules.resolve(session, project_id, text)


async def _mentioned(
    session: AsyncSession,
    actor: User,
    *,
    project_id: int,
    task_id: int,
    ids: Sequence[int],
    data: dict[str, Any],
) -> None:
    if ids:
        await notify(
            session,
            type=NotificationType.MENTIONED,
            recipients=ids,
            actor=actor,
            project_id=project_id,
            task_id=task_id,
            data=data,
        )


async def _assigned(
    session: AsyncSession, actor: User, *, project_id: int, task_id: int, assignee: int, title: str
) -> None:
    await notify(
        session,
        type=NotificationType.ASSIGNED,
        recipients=[assignee],
        actor=actor,
        project_id=project_id,
        task_id=task_id,
        data=_data(title),
    )


async def task_created(
    session: AsyncSession,
    actor: User,
    *,
    task_id: int,
    project_id: int,
    title: str,
    description: str,
    assignee_id: int | None,
    mentions: Mentions,
) -> None:
    mentioned = [mention["id"] for mention in mentions]
    # A new task: its watch rows ride with its first version (the notifications below name
    # their recipients and read no watchers).
    watch_new_task(session, task_id, [actor.id, assignee_id, *mentioned])
    if assignee_id is not None:
        await _assigned(
            session, actor, project_id=project_id, task_id=task_id, assignee=assignee_id,
            title=title,
        )  # fmt: skip
    await _mentioned(
        session, actor, project_id=project_id, task_id=task_id, ids=mentioned,
        data=_data(title, description),
    )  # fmt: skip


async def tasks_created(
    session: AsyncSession, actor: User, tasks: Sequence[tuple[int, int, str, int | None]]
) -> None:
    """`task_created` for tasks without mentions (a quick add's lines, each `(task_id,
    project_id, title, assignee_id)`): the creator and assignees start watching in one
    statement; only a line given to someone costs its `assigned` notification."""
    await auto_watch_many(
        session, {task_id: (actor.id, assignee) for task_id, _, _, assignee in tasks}
    )
    for task_id, project_id, title, assignee in tasks:
        if assignee is not None:
            await _assigned(
                session, actor, project_id=project_id, task_id=task_id, assignee=assignee,
                title=title,
            )  # fmt: skip


async def task_updated(
    session: AsyncSession,
    actor: User,
    *,
    task_id: int,
    before: dict[str, Any],
    after: dict[str, Any],
    changes: dict[str, Any],
    old_mentions: Mentions | None,
) -> None:
    """After an update's write: new assignee, newly mentioned members, completion."""
    project_id: int = after["project_id"]
    title: str = after["title"]
    assignee = after["assignee_id"]
    newly_mentioned: list[int] = []
    if "description" in changes or "project_id" in changes:
        mentions = await resolve_mentions(session, project_id, after["description"])
        await session.execute(
            update(Task)
            .where(Task.id == task_id)
            .values(mentions=mentions or None)
            .execution_options(synchronize_session=False)
        )
        newly_mentioned = mention_rules.added(old_mentions, mentions)
    new_assignee = assignee if "assignee_id" in changes and assignee is not None else None
    if new_assignee is not None or newly_mentioned:
        await auto_watch(session, task_id, [new_assignee, *newly_mentioned])
    if new_assignee is not None:
        await _assigned(
            session, actor, project_id=project_id, task_id=task_id, assignee=new_assignee,
            title=title,
        )  # fmt: skip
    await _mentioned(
        session, actor, project_id=project_id, task_id=task_id, ids=newly_mentioned,
        data=_data(title, after["description"]),
    )  # fmt: skip
    done = TaskStatus.DONE.value
    if after["status"] == done and before["status"] != done:
        await completed(session, actor, task_id=task_id, project_id=project_id, title=title)


async def completed(
    session: AsyncSession, actor: User, *, task_id: int, project_id: int, title: str
) -> None:
    """A task became done (one, or each of a bulk action's): its watchers hear it."""
    await notify(
        session,
        type=NotificationType.TASK_COMPLETED,
        recipients=Watchers(task_id),
        actor=actor,
        project_id=project_id,
        task_id=task_id,
        data=_data(title),
    )


async def comment_written(
    session: AsyncSession,
    actor: User,
    *,
    task: Task,
    comment_id: int,
    body: str,
    mentions: Mentions,
    old_mentions: Mentions | None = None,
    new: bool,
) -> None:
    """A comment was posted (`new`) or edited: the commenter and the newly mentioned watch;
    the newly mentioned get `mentioned`, and for a new comment the other watchers
    `commented`."""
    mentioned = mention_rules.added(old_mentions, mentions)
    await auto_watch(session, task.id, [actor.id if new else None, *mentioned])
    data = _data(task.title, body, comment_id=comment_id)
    await _mentioned(
        session, actor, project_id=task.project_id, task_id=task.id, ids=mentioned, data=data
    )
    if new:
        every_mentioned = [mention["id"] for mention in mentions]
        await notify(
            session,
            type=NotificationType.COMMENTED,
            recipients=Watchers(task.id, besides=tuple(every_mentioned)),
            actor=actor,
            project_id=task.project_id,
            task_id=task.id,
            data=data,
        )


async def watch(session: AsyncSession, user: User, task_id: int, *, watching: bool) -> None:
    """PUT/DELETE /tasks/{id}/watch: anyone who can see the task (even while archived: it
    changes nothing of the project's)."""
    await require_task(session, task_id, user.id, READ)
    await set_watching(session, task_id, user.id, watching)
