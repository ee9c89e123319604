"""Creating tasks in a batch (an import, and the one task of a request): the drafts, their
label links and comments, and the labels an import names, in a fixed number of statements."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.db import utcnow
from taskflow.db.ids import insert_rows, reserve_ids
from taskflow.tasks import positions
from taskflow.tasks.models import Comment, Label, Task, TaskStatus, task_labels
from taskflow.tasks.project_reads import labels_in


async def add_labels(session: AsyncSession, links: Iterable[tuple[int, int]]) -> None:
    rows = [{"task_id": task_id, "label_id": label_id} for task_id, label_id in set(links)]
    await insert_rows(session, task_labels, rows)


@dataclass(frozen=True, slots=True)
class TaskDraft:
    """A task to create. `create_many`'s caller has checked access and every reference."""

    project_id: int
    title: str
    position: str | None  # a key (tasks/positions.py); None: create_one's `append_after`
    description: str = ""
    status: TaskStatus = TaskStatus.TODO
    priority: int = 0
    due_at: datetime | None = None
    due_all_day: bool = False
    start_at: datetime | None = None
    recurrence: str | None = None  # checked by the caller (planning.check_times)
    recurrence_basis: str = "due"
    assignee_id: int | None = None
    parent_id: int | None = None  # an existing task
    section_id: int | None = None  # a section of the project
    parent: int | None = None  # or the index of a top-level task earlier in the batch
    completed_at: datetime | None = None  # if done; default: now
    created_at: datetime | None = None  # default: now
    label_ids: Sequence[int] = ()
    comments: Sequence[tuple[str, datetime | None]] = ()  # (body, created_at): the creator's
    mentions: Sequence[dict[str, Any]] = ()  # [{id, username}]: members the description names


def _columns(
    creator_id: int, draft: TaskDraft, now: datetime, position: str | None = None
) -> dict[str, Any]:
    done = draft.status == TaskStatus.DONE
    return {
        "project_id": draft.project_id,
        "parent_id": draft.parent_id,
        "section_id": draft.section_id,
        "title": draft.title,
        "description": draft.description,
        "status": draft.status.value,
        "priority": draft.priority,
        "due_at": draft.due_at,
        "due_all_day": draft.due_all_day,
        "start_at": draft.start_at,
        "recurrence": draft.recurrence,
        "recurrence_basis": draft.recurrence_basis,
        "completed_at": (draft.completed_at or now) if done else None,
        "assignee_id": draft.assignee_id,
        "position": draft.position if draft.position is not None else position,
        "created_by": creator_id,
        "created_at": draft.created_at or now,
        "updated_at": now,
        "version": 1,
        "mentions": list(draft.mentions) or None,
    }


_TASKS = cast(Table, Task.__table__)
# A request's task: one INSERT on the table, built once, that returns every column of the
# new row as a read of it gives them (`queries.task_view`'s columns); the values bound at
# execution by column name. No statement construction, cache key or ORM DML set-up per
# request: building `insert(Task).values(...)` was a fifth of a creation's CPU
# (docs/benchmarks.md).
_INSERT_ONE = insert(_TASKS).returning(*_TASKS.c)


async def create_one(
    session: AsyncSession, creator_id: int, draft: TaskDraft, *, append_after: str | None
) -> dict[str, Any]:
    """One task (a request's): a single INSERT that returns the row, then its label links if
    it has any. No ORM unit of work, no read after the write. Without a position the task
    goes after `append_after`, the key of the project's last task (None: it has none), which
    the caller read in a statement it sends anyway (the role check). Comments and `parent`
    (batch-only) are not for this path."""
    if draft.comments or draft.parent is not None:
        raise ValueError("comments and batch parents go through create_many")
    appended = positions.after(append_after) if draft.position is None else None
    columns = _columns(creator_id, draft, utcnow(), appended)
    row = dict((await session.execute(_INSERT_ONE, columns)).one()._mapping)
    await add_labels(session, ((row["id"], label_id) for label_id in draft.label_ids))
    return row


async def create_many(
    session: AsyncSession, creator_id: int, drafts: Sequence[TaskDraft]
) -> list[int]:
    """Tasks, their label links and comments, in a fixed number of statements whatever their
    number (ids reserved first, then one executemany INSERT per table: `db.ids`); their ids,
    in order. Every draft has a position. Activity is the caller's (an import logs per
    project)."""
    if not drafts:
        return []
    now = utcnow()
    ids = await reserve_ids(session, Task, len(drafts))
    rows = []
    for task_id, draft in zip(ids, drafts, strict=True):
        if draft.position is None:
            raise ValueError("a batch's drafts carry their positions")
        row = _columns(creator_id, draft, now)
        row["id"] = task_id
        if draft.parent is not None:  # a top-level task of the batch
            row["parent_id"] = ids[draft.parent]
        rows.append(row)
    # Parents first (a subtask's row names its parent's id), each group in the batch's order.
    rows.sort(key=lambda row: row["parent_id"] is not None)
    await insert_rows(session, Task, rows)
    await add_labels(
        session,
        (
            (task_id, label)
            for task_id, draft in zip(ids, drafts, strict=True)
            for label in draft.label_ids
        ),
    )
    comments = [
        {"task_id": task_id, "author_id": creator_id, "body": body,
         "created_at": created_at or now, "updated_at": now}
        for task_id, draft in zip(ids, drafts, strict=True)
        for body, created_at in draft.comments
    ]  # fmt: skip
    await insert_rows(session, Comment, comments)
    return ids


async def ensure_labels(
    session: AsyncSession, wanted: Mapping[int, Sequence[tuple[str, str]]]
) -> dict[tuple[int, str], int]:
    """Labels by (project, name), created (name, color) where the project has none of that
    name: a fixed number of statements whatever their number. The caller has checked access."""
    project_ids = [project_id for project_id, labels in wanted.items() if labels]
    found = {
        (label.project_id, label.name): label for label in await labels_in(session, project_ids)
    }
    ids = {key: label.id for key, label in found.items()}
    new: dict[tuple[int, str], str] = {}
    for project_id, labels in wanted.items():
        for name, color in labels:
            if (project_id, name) not in ids:
                new.setdefault((project_id, name), color)
    reserved = await reserve_ids(session, Label, len(new))
    rows = [
        {"id": label_id, "project_id": project_id, "name": name, "color": color}
        for label_id, ((project_id, name), color) in zip(reserved, new.items(), strict=True)
    ]
    await insert_rows(session, Label, rows)
    ids.update(zip(new, reserved, strict=True))
    return ids
