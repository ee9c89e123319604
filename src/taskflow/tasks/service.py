"""Task rules: create one task, change it (conditionally on the version), move, delete.
Batches of new tasks: `drafts.py`; bulk actions: `bulk.py`; votes: `votes.py`; the reads:
`queries.py`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Integer,
    Select,
    Table,
    Text,
    Update,
    bindparam,
    delete,
    exists,
    func,
    insert,
    literal,
    literal_column,
    select,
    update,
)
from sqlalchemy import cast as cast_
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.activity.schemas import ActivityPublic
from taskflow.activity.service import jsonable, list_activity, log_row, record
from taskflow.core.errors import NotFound, PreconditionFailed, Unprocessable
from taskflow.core.events import emit, pending
from taskflow.core.pagination import Page, Pagination
from taskflow.db import BigIntId, utcnow
from taskflow.db.deferred import execute_carrying
from taskflow.db.reads import Reader
from taskflow.projects.permissions import EDIT, READ, is_member, require_role
from taskflow.projects.queries import inbox_id
from taskflow.projects.service import when_member_leaves
from taskflow.tasks import notices, queries
from taskflow.tasks.access import require_task
from taskflow.tasks.bulk import move_subtasks
from taskflow.tasks.drafts import TaskDraft, add_labels, create_one
from taskflow.tasks.models import Task, TaskVersion, task_labels
from taskflow.tasks.planning import TaskState, check_times, finish, plan_update, update_verb
from taskflow.tasks.recurring import creator_timezone, reopen_subtasks
from taskflow.tasks.reminders import follow_due_dates
from taskflow.tasks.schemas import VERSIONED_FIELDS, TaskCreate, TaskPublic
from taskflow.tasks.sections import check_section
from taskflow.tasks.snapshots import mark_written, note_snapshot
from taskflow.tasks.trash import trash_tasks
from taskflow.users.models import User

# Changes after which the view is read again: `notices.task_updated` rewrites the mentions
# and may add watchers (the caller among them) after the UPDATE.
_REREAD_AFTER = frozenset({"description", "project_id", "assignee_id"})
_ETAG = re.compile(r'^\s*(?:W/)?"?(\d{1,18})"?\s*$')


# Validation shared by create and update: each check is one query.


async def _check_assignee(session: AsyncSession, project_id: int, assignee_id: int | None) -> None:
    if assignee_id is not None and not await is_member(session, project_id, assignee_id):
        raise Unprocessable("assignee_id: the assignee must be a member of the project")


async def _check_labels(
    session: AsyncSession, project_id: int, label_ids: Iterable[int]
) -> list[dict[str, Any]]:
    """The labels (id, name, color), each of which must belong to the project."""
    wanted = set(label_ids)
    if not wanted:
        return []
    labels = await queries.labels_in_project(session, project_id, wanted)
    if len(labels) != len(wanted):
        raise Unprocessable("label_ids: every label must belong to the task's project")
    return labels


async def _check_parent(
    session: AsyncSession, project_id: int, parent_id: int | None, task_id: int | None = None
) -> None:
    """Subtasks are one level deep: the parent is a top-level task of the same project."""
    if parent_id is None:
        return
    if parent_id == task_id:
        raise Unprocessable("parent_id: a task cannot be its own parent")
    parent = await queries.parent_of(session, parent_id)
    if parent is None or parent[0] != project_id:
        raise Unprocessable("parent_id: the parent must be a task of the same project")
    if parent[1] is not None:
        raise Unprocessable("parent_id: subtasks cannot have subtasks (one level only)")
    if task_id is not None and await queries.has_subtasks(session, task_id):
        raise Unprocessable("parent_id: a task with subtasks cannot become a subtask")


async def create_task(session: AsyncSession, user: User, data: TaskCreate) -> TaskPublic:
    if data.project_id is not None:
        project_id = data.project_id
    elif data.parent_id is not None:
        # A subtask given only a parent goes to the parent's project.
        parent = await require_task(session, data.parent_id, user.id)
        project_id = parent.task.project_id
    else:
        project_id = await inbox_id(session, user.id)
    # The project's last key comes with the role check: creating reads nothing more.
    last = None if data.position is not None else queries.LAST_POSITION
    access = await require_role(session, project_id, user.id, EDIT, also=last)
    await _check_parent(session, project_id, data.parent_id)
    await check_section(session, project_id, data.section_id)
    await _check_assignee(session, project_id, data.assignee_id)
    labels = await _check_labels(session, project_id, data.label_ids)
    mentions = await notices.resolve_mentions(session, project_id, data.description)
    fields = data.model_dump(exclude={"project_id", "position"})
    check_times({}, fields, timezone=user.timezone, now=utcnow())
    draft = TaskDraft(**fields, project_id=project_id, position=data.position, mentions=mentions)
    row = await create_one(session, user.id, draft, append_after=access.also)
    task_id: int = row["id"]
    record(
        session,
        verb="task.created",
        project_id=project_id,
        actor_id=user.id,
        task_id=task_id,
        changes={"title": data.title},
    )
    await notices.task_created(
        session,
        user,
        task_id=task_id,
        project_id=project_id,
        title=data.title,
        description=data.description,
        assignee_id=data.assignee_id,
        mentions=mentions,
    )
    note_snapshot(session, row, (label["id"] for label in labels))
    return queries.created_view(row, labels or [])


# Update


@lru_cache(maxsize=512)
def _update_statement(columns: frozenset[str], conditional: bool, final: bool) -> Update:
    """A PATCH's UPDATE for one shape (the columns written, `If-Match` or not, the view
    returned or only the version), values bound at execution. Built once per shape on the
    table, not the entity: no statement construction, cache key or ORM DML set-up per request
    (the listing's statements are built the same way, docs/benchmarks.md)."""
    tasks = cast(Table, Task.__table__)
    values: dict[str, Any] = {
        name: bindparam(f"v_{name}", type_=tasks.c[name].type) for name in sorted(columns)
    }
    statement = (
        update(tasks)
        .where(tasks.c.id == bindparam("task_id", type_=BigIntId))
        .values(
            **values,
            version=tasks.c.version + 1,
            updated_at=bindparam("v_updated_at", type_=tasks.c.updated_at.type),
        )
        .returning(*(queries.VIEW_COLUMNS if final else (tasks.c.version,)))
    )
    if conditional:
        statement = statement.where(tasks.c.version == bindparam("expected", type_=Integer()))
    return statement


# A snapshot's fields but its labels: what a PATCH's UPDATE predicts, guards and writes.
_SNAPSHOT_COLUMNS = tuple(name for name in VERSIONED_FIELDS if name != "label_ids")


@lru_cache(maxsize=512)
def _update_snapshotting(columns: frozenset[str], conditional: bool) -> Select[Any]:
    """PostgreSQL: the `final` UPDATE of `_update_statement` that also writes the new
    version's snapshot (tasks/history.py), one round trip for both (and for the deferred rows
    `execute_carrying` adds). The snapshot is the fields the caller predicts (the task as read
    plus the values written, bound as JSON text, exactly as a snapshot from the row would
    read) and the task's labels, inserted only if the updated row has exactly the predicted
    fields; `snapshotted` says whether it was. If not (a field changed behind the read without
    a new version), the before-commit hook writes it from the row, as for any change."""
    tasks = cast(Table, Task.__table__)
    versions = cast(Table, TaskVersion.__table__)
    updated = _update_statement(columns, conditional, True).cte("updated")
    label_ids = (
        select(func.coalesce(func.json_agg(aggregate_order_by(task_labels.c.label_id,
                                                              task_labels.c.label_id)),
                             literal_column("'[]'::json")))
        .where(task_labels.c.task_id == updated.c.id)
        .scalar_subquery()
    )  # fmt: skip
    pairs: list[Any] = []
    for name in _SNAPSHOT_COLUMNS:
        pairs += [literal(name), cast_(bindparam(f"f_{name}", type_=Text()), JSON)]
    fields = func.json_build_object(*pairs, literal("label_ids"), label_ids)
    snapshot = (
        insert(versions)
        .from_select(
            ["task_id", "version", "changed_by", "changed_at", "fields"],
            select(
                updated.c.id,
                updated.c.version,
                bindparam("user_id", type_=BigIntId),
                bindparam("v_updated_at", type_=versions.c.changed_at.type),
                fields,
            ).where(
                *(
                    updated.c[name].is_not_distinct_from(
                        bindparam(f"p_{name}", type_=tasks.c[name].type)
                    )
                    for name in _SNAPSHOT_COLUMNS
                )
            ),
        )
        .returning(versions.c.task_id)
        .cte("snapshot")
    )
    return select(*updated.c, exists(select(snapshot.c.task_id)).label("snapshotted"))


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
    verb: str | None = None,
) -> TaskPublic:
    """PATCH (`given`: the fields sent) or PUT (`replace`: omitted editable fields reset);
    `verb` names the change in the activity log (a revert) instead of the usual one.

    Planned without the database (`planning.py`), then applied. The write is
    `UPDATE … WHERE version = :expected` when `If-Match` is sent, so of two concurrent
    changes made against one version exactly one wins; the other gets 412.
    """
    task = (await require_task(session, task_id, user.id, EDIT)).task
    expected = expected_version(if_match, task.version)
    current = TaskState.of(task)
    plan = plan_update(current, given, replace=replace)
    project_id: int = plan.after["project_id"]
    if plan.moving:
        await require_role(session, project_id, user.id, EDIT)
    append_at = None
    if plan.after["position"] is None:
        append_at = await queries.next_position(session, project_id)
    if plan.check_parent:
        await _check_parent(session, project_id, plan.after["parent_id"], task.id)
    if plan.check_section:
        await check_section(session, project_id, plan.after["section_id"])
    if plan.check_assignee:
        await _check_assignee(session, project_id, plan.after["assignee_id"])
    assignee_is_member = True
    if plan.assignee_must_be_member:
        assignee_is_member = await is_member(session, project_id, plan.after["assignee_id"])
    old_labels = await queries.label_ids_of(session, task.id) if plan.read_labels else []
    if plan.label_ids is not None:
        await _check_labels(session, project_id, plan.label_ids)
    timezone = user.timezone
    if plan.needs_timezone:
        timezone = await creator_timezone(session, current.created_by, default=user.timezone)
    change = finish(
        plan,
        current,
        now=utcnow(),
        append_at=append_at,
        assignee_is_member=assignee_is_member,
        old_labels=old_labels,
        timezone=timezone,
    )
    if not change.changes:
        return await queries.task_view(session, user.id, task_id)

    # What the UPDATE returns is the response when nothing written after it shows in the view
    # (labels, mentions, watchers): one statement less. Not on SQLite, whose RETURNING
    # cannot carry the view's correlated subqueries.
    final = (
        change.label_ids is None
        and not _REREAD_AFTER.intersection(change.changes)
        and session.get_bind().dialect.name == "postgresql"
    )
    params = {f"v_{name}": value for name, value in change.values.items()}
    params.update(task_id=task_id, expected=expected, user_id=user.id, v_updated_at=utcnow())
    # The activity rows are logged before the UPDATE, so that it can carry them (final, below);
    # their events are emitted after the notices, in the usual order.
    logged = log_row(session, verb=verb or update_verb(current.status, plan.after["status"]),
                     project_id=project_id, actor_id=user.id, task_id=task_id,
                     changes=change.changes)  # fmt: skip
    recurred = None
    if change.recurred is not None:
        recurred = log_row(session, verb="task.recurred", project_id=project_id,
                           actor_id=user.id, task_id=task_id, changes=change.recurred)  # fmt: skip
    if final:
        # One statement writes the task, its snapshot and the activity rows.
        for name in _SNAPSHOT_COLUMNS:
            value = change.values[name] if name in change.values else getattr(current, name)
            params[f"p_{name}"] = value
            params[f"f_{name}"] = json.dumps(jsonable(value))
        snapshotting = _update_snapshotting(frozenset(change.values), expected is not None)
        updated = (await execute_carrying(session, snapshotting, params)).first()
    else:
        statement = _update_statement(frozenset(change.values), expected is not None, False)
        updated = (await session.execute(statement, params)).first()
    if updated is None:
        # The task changed (or went) since we read it: nothing was written.
        raise PreconditionFailed() if expected is not None else NotFound("Task not found")
    if change.label_ids is not None:
        await session.execute(delete(task_labels).where(task_labels.c.task_id == task_id))
        await add_labels(session, ((task_id, label_id) for label_id in change.label_ids))
    if plan.moving:
        await move_subtasks(session, [task_id], project_id)
    await notices.task_updated(
        session,
        user,
        task_id=task_id,
        before=plan.before,
        after=plan.after,
        changes=change.changes,
        old_mentions=task.mentions,
    )

    emit(session, logged)
    if "due_at" in change.values:
        await follow_due_dates(session, {task_id: change.values["due_at"]})
    if recurred is not None:
        emit(session, recurred)
        await reopen_subtasks(session, [task_id], actor_id=user.id)
    if plan.moving:
        record(
            session,
            verb="task.moved",
            project_id=current.project_id,
            actor_id=user.id,
            task_id=task_id,
            changes={"project_id": change.changes["project_id"]},
        )
    if final:
        row = dict(updated._mapping)
        if row.pop("snapshotted"):
            mark_written(session, task_id, len(pending(session)))
            return queries.view_of(row)
        view = queries.view_of(row)
    else:
        view = await queries.task_view(session, user.id, task_id)
    note_snapshot(session, view.model_dump(), (label.id for label in view.labels))
    return view


# Delete


async def delete_task(
    session: AsyncSession, user: User, task_id: int, *, if_match: str | None = None
) -> None:
    """To the trash (SPEC §10) with its subtasks and comments (tasks/trash.py)."""
    task = (await require_task(session, task_id, user.id, EDIT)).task
    expected = expected_version(if_match, task.version)
    session.expunge(task)
    await trash_tasks(session, user, [task_id], version=expected)
    record(
        session,
        verb="task.deleted",
        project_id=task.project_id,
        actor_id=user.id,
        task_id=task_id,
        changes={"title": task.title},
    )


# Membership consequences, and the task's activity


@when_member_leaves
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
    session: Reader, user: User, task_id: int, page: Pagination
) -> Page[ActivityPublic]:
    access = await require_task(session, task_id, user.id, READ)
    return await list_activity(session, page, project_id=access.task.project_id, task_id=task_id)
