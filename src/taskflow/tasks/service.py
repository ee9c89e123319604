"""Task rules: create, change (conditionally on the version), delete, bulk actions, votes."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Row, and_, case, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.activity.schemas import ActivityPublic
from taskflow.activity.service import announce, diff, list_activity, record
from taskflow.core.errors import NotFound, PreconditionFailed, Unprocessable
from taskflow.core.pagination import Page, Pagination
from taskflow.db import utcnow
from taskflow.projects.models import Project, ProjectMember, Role
from taskflow.projects.permissions import check_role, require_role
from taskflow.tasks.access import require_task
from taskflow.tasks.listing import task_view, visible_task_view
from taskflow.tasks.models import Label, Task, TaskStatus, Vote, task_labels
from taskflow.tasks.schemas import BulkAction, TaskCreate, TaskPublic
from taskflow.users.models import User

# Fields a PATCH/PUT may carry that are plain columns of the task.
_SCALARS = ("title", "description", "status", "priority", "due_at", "assignee_id", "position")
_REPLACE_DEFAULTS: dict[str, Any] = {
    "description": "",
    "status": TaskStatus.TODO,
    "priority": 0,
    "due_at": None,
    "assignee_id": None,
    "label_ids": [],
}
# id, project_id, parent_id, status, title, the caller's role
_BulkRow = Row[int, int, int | None, str, str, str]
_ETAG = re.compile(r'^\s*(?:W/)?"?(\d{1,18})"?\s*$')


# Validation shared by create and update: each check is one query.


async def _inbox_id(session: AsyncSession, user_id: int) -> int:
    inbox = await session.scalar(
        select(Project.id).where(Project.owner_id == user_id, Project.is_inbox.is_(True))
    )
    if inbox is None:  # every user has one; a missing Inbox is a data problem
        raise NotFound("Inbox not found")
    return inbox


async def _check_assignee(session: AsyncSession, project_id: int, assignee_id: int | None) -> None:
    if assignee_id is None:
        return
    is_member = await session.scalar(
        select(ProjectMember.user_id).where(
            ProjectMember.project_id == project_id, ProjectMember.user_id == assignee_id
        )
    )
    if is_member is None:
        raise Unprocessable("assignee_id: the assignee must be a member of the project")


async def _check_labels(session: AsyncSession, project_id: int, label_ids: Iterable[int]) -> None:
    wanted = set(label_ids)
    if not wanted:
        return
    found = await session.scalar(
        select(func.count())
        .select_from(Label)
        .where(Label.id.in_(wanted), Label.project_id == project_id)
    )
    if found != len(wanted):
        raise Unprocessable("label_ids: every label must belong to the task's project")


async def _check_parent(
    session: AsyncSession, project_id: int, parent_id: int | None, task_id: int | None = None
) -> None:
    """Subtasks are one level deep: the parent is a top-level task of the same project."""
    if parent_id is None:
        return
    if parent_id == task_id:
        raise Unprocessable("parent_id: a task cannot be its own parent")
    parent = (
        await session.execute(select(Task.project_id, Task.parent_id).where(Task.id == parent_id))
    ).first()
    if parent is None or parent.project_id != project_id:
        raise Unprocessable("parent_id: the parent must be a task of the same project")
    if parent.parent_id is not None:
        raise Unprocessable("parent_id: subtasks cannot have subtasks (one level only)")
    if task_id is not None:
        has_children = await session.scalar(
            select(Task.id).where(Task.parent_id == task_id).limit(1)
        )
        if has_children is not None:
            raise Unprocessable("parent_id: a task with subtasks cannot become a subtask")


async def _next_position(session: AsyncSession, project_id: int) -> float:
    """After the last task of the project (one index probe)."""
    last = await session.scalar(
        select(func.max(Task.position)).where(Task.project_id == project_id)
    )
    return float(last or 0.0) + 1.0


def _completed_at(status: str, before_status: str | None, before: Any) -> Any:
    if status == TaskStatus.DONE:
        return before if before_status == TaskStatus.DONE and before is not None else utcnow()
    return None


async def _add_labels(session: AsyncSession, task_id: int, label_ids: Sequence[int]) -> None:
    if label_ids:
        await session.execute(
            insert(task_labels), [{"task_id": task_id, "label_id": i} for i in set(label_ids)]
        )


async def _set_labels(session: AsyncSession, task_id: int, label_ids: Sequence[int]) -> None:
    await session.execute(delete(task_labels).where(task_labels.c.task_id == task_id))
    await _add_labels(session, task_id, label_ids)


async def _label_ids(session: AsyncSession, task_id: int) -> list[int]:
    rows = await session.scalars(
        select(task_labels.c.label_id).where(task_labels.c.task_id == task_id)
    )
    return sorted(rows)


# Create


async def create_task(session: AsyncSession, user: User, data: TaskCreate) -> TaskPublic:
    if data.project_id is not None:
        project_id = data.project_id
    elif data.parent_id is not None:
        # A subtask given only a parent goes to the parent's project.
        parent = await require_task(session, data.parent_id, user.id)
        project_id = parent.task.project_id
    else:
        project_id = await _inbox_id(session, user.id)
    await require_role(session, project_id, user.id, Role.EDITOR)
    await _check_parent(session, project_id, data.parent_id)
    await _check_assignee(session, project_id, data.assignee_id)
    await _check_labels(session, project_id, data.label_ids)
    now = utcnow()
    task = Task(
        project_id=project_id,
        parent_id=data.parent_id,
        title=data.title,
        description=data.description,
        status=data.status.value,
        priority=data.priority,
        due_at=data.due_at,
        completed_at=now if data.status == TaskStatus.DONE else None,
        assignee_id=data.assignee_id,
        position=data.position
        if data.position is not None
        else await _next_position(session, project_id),
        created_by=user.id,
        created_at=now,
        updated_at=now,
        version=1,
    )
    session.add(task)
    await session.flush()
    await _add_labels(session, task.id, data.label_ids)  # a new task has none to replace
    record(
        session,
        verb="task.created",
        project_id=project_id,
        actor_id=user.id,
        task_id=task.id,
        changes={"title": task.title},
    )
    return await task_view(session, user.id, task.id)


async def get_task(session: AsyncSession, user: User, task_id: int) -> TaskPublic:
    return await visible_task_view(session, user.id, task_id)


# Update


def expected_version(if_match: str | None, current: int) -> int | None:
    """The version an `If-Match` header pins (None: no header, or `*`); 412 if it is stale."""
    if if_match is None:
        return None
    values = [value.strip() for value in if_match.split(",")]
    if "*" in values:
        return None
    for value in values:
        match = _ETAG.match(value)
        if match and int(match.group(1)) == current:
            return current
    raise PreconditionFailed(headers={"ETag": f'"{current}"'})


async def update_task(
    session: AsyncSession,
    user: User,
    task_id: int,
    given: dict[str, Any],
    *,
    replace: bool = False,
    if_match: str | None = None,
) -> TaskPublic:
    """PATCH (`given`: the fields sent) or PUT (`replace`: omitted editable fields reset).

    The write is `UPDATE … WHERE version = :expected` when `If-Match` is sent, so of two
    concurrent changes made against one version exactly one wins; the other gets 412.
    """
    access = await require_task(session, task_id, user.id, Role.EDITOR)
    task = access.task
    expected = expected_version(if_match, task.version)
    if replace:
        given = {**_REPLACE_DEFAULTS, **given}

    old_project_id = task.project_id
    project_id = given.get("project_id") or old_project_id
    moving = project_id != old_project_id
    if moving:
        await require_role(session, project_id, user.id, Role.EDITOR)
        if task.parent_id is not None and "parent_id" not in given:
            given["parent_id"] = None  # a subtask moved alone leaves its parent behind

    before: dict[str, Any] = {name: getattr(task, name) for name in (*_SCALARS, "parent_id")}
    before["project_id"] = old_project_id
    after = dict(before)
    for name in (*_SCALARS, "parent_id"):
        if name in given:
            value = given[name]
            after[name] = value.value if isinstance(value, TaskStatus) else value
    if after["title"] is None or after["status"] is None or after["priority"] is None:
        raise Unprocessable("title, status and priority cannot be null")
    if after["description"] is None:
        after["description"] = ""
    if moving and given.get("position") is None:
        after["position"] = await _next_position(session, project_id)  # after the last there
    elif after["position"] is None:
        after["position"] = before["position"]
    after["project_id"] = project_id

    if "parent_id" in given and (given["parent_id"] != before["parent_id"] or moving):
        await _check_parent(session, project_id, given["parent_id"], task.id)
    if "assignee_id" in given and (given["assignee_id"] != before["assignee_id"] or moving):
        await _check_assignee(session, project_id, given["assignee_id"])
    elif moving and after["assignee_id"] is not None:
        still_member = await session.scalar(
            select(ProjectMember.user_id).where(
                ProjectMember.project_id == project_id,
                ProjectMember.user_id == after["assignee_id"],
            )
        )
        if still_member is None:
            after["assignee_id"] = None

    # The labels are read only when they may change (one statement less for most edits).
    labels_may_change = given.get("label_ids") is not None or moving
    old_labels = await _label_ids(session, task.id) if labels_may_change else []
    new_labels = old_labels
    if given.get("label_ids") is not None:
        new_labels = sorted(set(given["label_ids"]))
        await _check_labels(session, project_id, new_labels)
    elif moving:
        new_labels = []  # labels belong to a project; they do not travel
    after["completed_at"] = _completed_at(after["status"], before["status"], task.completed_at)
    before["completed_at"] = task.completed_at

    changes = diff(before, after)
    if new_labels != old_labels:
        changes["label_ids"] = {"from": old_labels, "to": new_labels}
    if not changes:
        return await task_view(session, user.id, task_id)

    values = {name: after[name] for name in changes if name in after}
    statement = (
        update(Task)
        .where(Task.id == task_id)
        .values(**values, version=Task.version + 1, updated_at=utcnow())
        .returning(Task.version)
        .execution_options(synchronize_session=False)
    )
    if expected is not None:
        statement = statement.where(Task.version == expected)
    if (await session.execute(statement)).scalar_one_or_none() is None:
        # The task changed (or went) since we read it: nothing was written.
        raise PreconditionFailed() if expected is not None else NotFound("Task not found")
    if new_labels != old_labels:
        await _set_labels(session, task_id, new_labels)
    if moving:
        await _move_subtasks(session, [task_id], project_id)

    record(
        session,
        verb=_update_verb(before["status"], after["status"]),
        project_id=project_id,
        actor_id=user.id,
        task_id=task_id,
        changes=changes,
    )
    if moving:
        record(
            session,
            verb="task.moved",
            project_id=old_project_id,
            actor_id=user.id,
            task_id=task_id,
            changes={"project_id": changes["project_id"]},
        )
    return await task_view(session, user.id, task_id)


def _update_verb(before_status: str, after_status: str) -> str:
    if before_status != after_status and TaskStatus.DONE in (before_status, after_status):
        return "task.completed" if after_status == TaskStatus.DONE else "task.reopened"
    return "task.updated"


async def _move_subtasks(
    session: AsyncSession, parent_ids: Sequence[int], project_id: int
) -> list[int]:
    """Subtasks follow their parents to `project_id`, appended in their order; their labels
    stay behind, and an assignee who is not a member there is unassigned."""
    moved = list(
        await session.scalars(
            select(Task.id)
            .where(Task.parent_id.in_(parent_ids), Task.project_id != project_id)
            .order_by(Task.position, Task.id)
        )
    )
    if not moved:
        return moved
    base = await _next_position(session, project_id)
    await session.execute(
        update(Task)
        .where(Task.id.in_(moved))
        .values(
            project_id=project_id,
            position=case({task_id: base + n for n, task_id in enumerate(moved)}, value=Task.id),
            version=Task.version + 1,
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    await _after_move(session, moved, project_id)
    return moved


async def _after_move(session: AsyncSession, task_ids: Sequence[int], project_id: int) -> None:
    await session.execute(delete(task_labels).where(task_labels.c.task_id.in_(task_ids)))
    members = select(ProjectMember.user_id).where(ProjectMember.project_id == project_id)
    await session.execute(
        update(Task)
        .where(
            Task.id.in_(task_ids),
            Task.assignee_id.is_not(None),
            Task.assignee_id.not_in(members),
        )
        .values(assignee_id=None)
        .execution_options(synchronize_session=False)
    )


# Delete


async def delete_task(
    session: AsyncSession, user: User, task_id: int, *, if_match: str | None = None
) -> None:
    """Subtasks, comments, votes and label links go with it (database cascade)."""
    access = await require_task(session, task_id, user.id, Role.EDITOR)
    task = access.task
    expected = expected_version(if_match, task.version)
    statement = delete(Task).where(Task.id == task_id).returning(Task.id)
    if expected is not None:
        statement = statement.where(Task.version == expected)
    deleted = await session.scalar(statement.execution_options(synchronize_session=False))
    session.expunge(task)
    if deleted is None:  # changed or deleted since we read it
        raise PreconditionFailed() if expected is not None else NotFound("Task not found")
    record(
        session,
        verb="task.deleted",
        project_id=task.project_id,
        actor_id=user.id,
        task_id=task_id,
        changes={"title": task.title},
    )


# Bulk


async def bulk(session: AsyncSession, user: User, data: BulkAction) -> int:
    """All or nothing: every task must be one the caller may edit (and, for a move, the
    target a project they may add tasks to) before anything is written."""
    ids = list(dict.fromkeys(data.ids))
    rows = (
        await session.execute(
            select(
                Task.id,
                Task.project_id,
                Task.parent_id,
                Task.status,
                Task.title,
                ProjectMember.role,
            )
            .join(
                ProjectMember,
                and_(ProjectMember.project_id == Task.project_id, ProjectMember.user_id == user.id),
            )
            .where(Task.id.in_(ids))
        )
    ).all()
    found = {row.id: row for row in rows}
    missing = [task_id for task_id in ids if task_id not in found]
    if missing:
        raise NotFound(f"Task {missing[0]} not found")
    for row in rows:
        check_role(Role(row.role), Role.EDITOR)
    if data.action == "delete":
        await _bulk_delete(session, user, rows)
    elif data.action == "move":
        if data.project_id is None:
            raise Unprocessable("project_id: required to move tasks")
        await _bulk_move(session, user, [found[task_id] for task_id in ids], data.project_id)
    else:
        await _bulk_set_status(session, user, rows, completing=data.action == "complete")
    return len(ids)


async def _bulk_delete(session: AsyncSession, user: User, rows: Sequence[_BulkRow]) -> None:
    await session.execute(delete(Task).where(Task.id.in_([row.id for row in rows])))
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
    session: AsyncSession, user: User, rows: Sequence[_BulkRow], *, completing: bool
) -> None:
    now = utcnow()
    changing = [row for row in rows if (row.status == TaskStatus.DONE) != completing]
    if changing:
        await session.execute(
            update(Task)
            .where(Task.id.in_([row.id for row in changing]))
            .values(
                status=TaskStatus.DONE.value if completing else TaskStatus.TODO.value,
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
            changes={
                "status": {
                    "from": row.status,
                    "to": TaskStatus.DONE.value if completing else TaskStatus.TODO.value,
                }
            },
        )


async def _bulk_move(
    session: AsyncSession, user: User, rows: Sequence[_BulkRow], target: int
) -> None:
    """Appended to the target in the order given; subtasks follow their parents."""
    await require_role(session, target, user.id, Role.EDITOR)
    now = utcnow()
    moving = [row for row in rows if row.project_id != target]
    position = await _next_position(session, target)
    if not moving:
        return
    moving_ids = {row.id for row in moving}
    # One statement: a subtask keeps its parent only if the parent moves with it.
    new_positions = {row.id: position + offset for offset, row in enumerate(moving)}
    await session.execute(
        update(Task)
        .where(Task.id.in_(moving_ids))
        .values(
            project_id=target,
            parent_id=case((Task.parent_id.in_(moving_ids), Task.parent_id), else_=None),
            position=case(new_positions, value=Task.id),
            version=Task.version + 1,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    await _after_move(session, sorted(moving_ids), target)
    await _move_subtasks(session, sorted(moving_ids), target)
    for row in moving:
        change = {"project_id": {"from": row.project_id, "to": target}}
        record(
            session,
            verb="task.updated",
            project_id=target,
            actor_id=user.id,
            task_id=row.id,
            changes=change,
        )
        record(
            session,
            verb="task.moved",
            project_id=row.project_id,
            actor_id=user.id,
            task_id=row.id,
            changes=change,
        )


# Votes


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
    access = await require_task(session, task_id, user.id)
    inserted = await session.scalar(_insert_vote(session.get_bind().dialect.name, user.id, task_id))
    if inserted is not None:
        await _bump_votes(session, task_id, +1)
        announce(
            session,
            verb="task.voted",
            project_id=access.task.project_id,
            actor_id=user.id,
            task_id=task_id,
        )


async def unvote(session: AsyncSession, user: User, task_id: int) -> None:
    access = await require_task(session, task_id, user.id)
    removed = await session.scalar(
        delete(Vote).where(Vote.user_id == user.id, Vote.task_id == task_id).returning(Vote.task_id)
    )
    if removed is not None:
        await _bump_votes(session, task_id, -1)
        announce(
            session,
            verb="task.unvoted",
            project_id=access.task.project_id,
            actor_id=user.id,
            task_id=task_id,
        )


async def _bump_votes(session: AsyncSession, task_id: int, delta: int) -> None:
    # An atomic increment: concurrent voters queue on the row lock and none is lost.
    await session.execute(
        update(Task)
        .where(Task.id == task_id)
        .values(vote_count=Task.vote_count + delta)
        .execution_options(synchronize_session=False)
    )


# Membership consequences, and the task's activity


async def unassign_member(
    session: AsyncSession, project_id: int, user_id: int, *, actor_id: int
) -> None:
    """Someone left `project_id`: they are no longer assigned anything in it."""
    unassigned = (
        await session.scalars(
            update(Task)
            .where(Task.project_id == project_id, Task.assignee_id == user_id)
            .values(assignee_id=None, version=Task.version + 1, updated_at=utcnow())
            .returning(Task.id)
            .execution_options(synchronize_session=False)
        )
    ).all()
    for task_id in unassigned:
        record(
            session,
            verb="task.updated",
            project_id=project_id,
            actor_id=actor_id,
            task_id=task_id,
            changes={"assignee_id": {"from": user_id, "to": None}},
        )


async def task_activity(
    session: AsyncSession, user: User, task_id: int, page: Pagination
) -> Page[ActivityPublic]:
    access = await require_task(session, task_id, user.id)
    return await list_activity(session, page, project_id=access.task.project_id, task_id=task_id)
