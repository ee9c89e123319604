"""A task's history (SPEC §10): a snapshot of its editable fields per version, its list, and
reverting to one.

Snapshots are written in one place whatever made the change (a PATCH, a bulk action, a job,
an import): just before the commit of every unit of work whose events say a task changed, in
its transaction, for each such task whose current version has none yet (one statement when
there is nothing to write, three when there is). A service that holds the task's final row
anyway (creating a task, a PATCH) notes it (`snapshots.note_snapshot`), and
the snapshot is then written from it: one statement, guarded by the version it noted, so a
later change in the same unit (or none at all) falls back to reading the task.
"""

from __future__ import annotations

import json
from typing import Any, cast

from sqlalchemy import Integer, Table, bindparam, exists, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.core.errors import NotFound
from taskflow.core.events import Event
from taskflow.core.pagination import Page, Pagination
from taskflow.core.unit_of_work import on_events_before_commit
from taskflow.db import BigIntId, utcnow
from taskflow.db.deferred import execute_carrying
from taskflow.db.reads import Reader
from taskflow.projects.models import ProjectMember
from taskflow.projects.permissions import EDIT, READ
from taskflow.tasks.access import require_task
from taskflow.tasks.models import Label, Section, Task, TaskVersion, task_labels
from taskflow.tasks.schemas import (
    VERSIONED_FIELDS,
    AuthorPublic,
    TaskPublic,
    TaskRevert,
    TaskUpdate,
    TaskVersionPublic,
)
from taskflow.tasks.snapshots import snapshot_fields, take_noted, take_written
from taskflow.users.models import User

# The verbs of changes to a task's editable fields (votes, comments and deletions are not).
CHANGES = frozenset(
    {
        "task.created",
        "task.updated",
        "task.completed",
        "task.reopened",
        "task.moved",
        "task.recurred",
        "task.reverted",
        "task.imported",
    }
)
_COLUMNS = [getattr(Task, name) for name in VERSIONED_FIELDS if name != "label_ids"]
_UNSAVED = ~exists().where(TaskVersion.task_id == Task.id, TaskVersion.version == Task.version)
# A noted snapshot, written if the task is still at the version noted and it has none yet.
# Core, on the tables, built once, values bound at execution.
_TASKS = cast(Table, Task.__table__)
_VERSIONS = cast(Table, TaskVersion.__table__)
_WRITE_NOTED = (
    insert(_VERSIONS)
    .from_select(
        ["task_id", "version", "changed_by", "changed_at", "fields"],
        select(
            _TASKS.c.id,
            _TASKS.c.version,
            bindparam("changed_by", type_=BigIntId),
            bindparam("changed_at", type_=_VERSIONS.c.changed_at.type),
            bindparam("fields", type_=_VERSIONS.c.fields.type),
        ).where(
            _TASKS.c.id == bindparam("task_id", type_=BigIntId),
            _TASKS.c.version == bindparam("version", type_=Integer()),
            ~exists().where(
                _VERSIONS.c.task_id == _TASKS.c.id, _VERSIONS.c.version == _TASKS.c.version
            ),
        ),
    )
    .returning(_VERSIONS.c.task_id)
)


async def _write_noted(session: AsyncSession, actors: dict[int, int | None]) -> set[int]:
    """The noted snapshots of the tasks in `actors` that still hold: the ids written."""
    noted = take_noted(session)
    written: set[int] = set()
    for task_id, (version, fields) in noted.items():
        if task_id not in actors:
            continue
        params = {"task_id": task_id, "version": version, "changed_by": actors[task_id],
                  "changed_at": utcnow(), "fields": fields}  # fmt: skip
        if (await execute_carrying(session, _WRITE_NOTED, params)).first() is not None:
            written.add(task_id)
    return written


@on_events_before_commit
async def snapshot_versions(session: AsyncSession, events: list[Event]) -> None:
    actors = {e.task_id: e.actor_id for e in events if e.task_id is not None and e.type in CHANGES}
    for task_id, emitted in take_written(session).items():
        if task_id in actors and not any(
            e.task_id == task_id and e.type in CHANGES for e in events[emitted:]
        ):
            del actors[task_id]  # written by its change's own statement, and not changed since
    if not actors:
        return
    for task_id in await _write_noted(session, actors):
        del actors[task_id]
    if not actors:
        return
    rows = (
        await session.execute(
            select(Task.id, Task.version, *_COLUMNS).where(Task.id.in_(actors), _UNSAVED)
        )
    ).all()
    if not rows:
        return
    labels: dict[int, list[int]] = {row.id: [] for row in rows}
    for task_id, label_id in await session.execute(
        select(task_labels.c.task_id, task_labels.c.label_id)
        .where(task_labels.c.task_id.in_(labels))
        .order_by(task_labels.c.label_id)
    ):
        labels[task_id].append(label_id)
    now = utcnow()
    await session.execute(
        insert(TaskVersion),
        [
            {
                "task_id": row.id,
                "version": row.version,
                "changed_by": actors[row.id],
                "changed_at": now,
                "fields": snapshot_fields(row._mapping, labels[row.id]),
            }
            for row in rows
        ],
    )


async def list_versions(
    session: Reader, user: User, task_id: int, page: Pagination
) -> Page[TaskVersionPublic]:
    """Newest first."""
    await require_task(session, task_id, user.id, READ)
    mine = TaskVersion.task_id == task_id
    total = await session.scalar(select(func.count()).select_from(TaskVersion).where(mine))
    rows = (
        await session.execute(
            select(TaskVersion, User.username)
            .outerjoin(User, User.id == TaskVersion.changed_by)
            .where(mine)
            .order_by(TaskVersion.version.desc())
            .limit(page.limit)
            .offset(page.offset)
        )
    ).all()
    items = [
        TaskVersionPublic(
            version=version.version,
            changed_by=(
                AuthorPublic(id=version.changed_by, username=username)
                if version.changed_by is not None and username is not None
                else None
            ),
            changed_at=version.changed_at,
            fields=version.fields,
        )
        for version, username in rows
    ]
    return Page(items=items, total=total or 0, limit=page.limit, offset=page.offset)


async def revert(
    session: AsyncSession, user: User, task_id: int, data: TaskRevert, *, if_match: str | None
) -> tuple[TaskPublic, list[str]]:
    """The task with the chosen fields as they were at `data.version`, as a new version
    (activity `task.reverted`); the fields whose references are gone are skipped and named."""
    from taskflow.tasks.service import update_task

    task = (await require_task(session, task_id, user.id, EDIT)).task
    snapshot = await session.scalar(
        select(TaskVersion.fields).where(
            TaskVersion.task_id == task_id, TaskVersion.version == data.version
        )
    )
    if snapshot is None:
        raise NotFound("Version not found")
    names: list[str] = list(data.fields or VERSIONED_FIELDS)
    chosen: dict[str, Any] = {name: snapshot[name] for name in names if name in snapshot}
    skipped = await _drop_gone_references(session, task.project_id, chosen)
    given = TaskUpdate.model_validate_json(json.dumps(chosen)).model_dump(exclude_unset=True)
    public = await update_task(
        session, user, task_id, given, if_match=if_match, verb="task.reverted"
    )
    return public, skipped


async def _drop_gone_references(
    session: AsyncSession, project_id: int, chosen: dict[str, Any]
) -> list[str]:
    skipped: list[str] = []
    assignee = chosen.get("assignee_id")
    if assignee is not None:
        member = await session.scalar(
            select(ProjectMember.user_id).where(
                ProjectMember.project_id == project_id, ProjectMember.user_id == assignee
            )
        )
        if member is None:
            del chosen["assignee_id"]
            skipped.append("assignee_id")
    section = chosen.get("section_id")
    if section is not None:
        found = await session.scalar(
            select(Section.id).where(Section.id == section, Section.project_id == project_id)
        )
        if found is None:
            del chosen["section_id"]
            skipped.append("section_id")
    label_ids = chosen.get("label_ids")
    if label_ids:
        found_labels = set(
            await session.scalars(
                select(Label.id).where(Label.id.in_(label_ids), Label.project_id == project_id)
            )
        )
        if len(found_labels) < len(set(label_ids)):
            chosen["label_ids"] = [label for label in label_ids if label in found_labels]
            skipped.append("label_ids")
    return skipped
