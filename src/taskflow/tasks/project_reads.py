"""Whole projects' contents, read for an export, an import's label lookup or the calendar
feed: one statement each, whatever the number of tasks (the per-request reads: `queries.py`)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Row, select

from taskflow.db.reads import Reader
from taskflow.db.trash import live
from taskflow.projects.models import Project
from taskflow.projects.permissions import visible
from taskflow.tasks.models import Comment, Label, Section, Task, TaskStatus, task_labels
from taskflow.users.models import User


async def labels_in(session: Reader, project_ids: Collection[int]) -> Sequence[Label]:
    if not project_ids:
        return []
    statement = select(Label).where(Label.project_id.in_(project_ids)).order_by(Label.id)
    return (await session.scalars(statement)).all()


async def sections_in(session: Reader, project_ids: Collection[int]) -> Sequence[Section]:
    """In each project's order."""
    if not project_ids:
        return []
    statement = (
        select(Section)
        .where(Section.project_id.in_(project_ids))
        .order_by(Section.project_id, Section.position, Section.id)
    )
    return (await session.scalars(statement)).all()


async def tasks_in(session: Reader, project_ids: Collection[int]) -> Sequence[Task]:
    """In each project's order."""
    statement = (
        select(Task)
        .where(Task.project_id.in_(project_ids), live(Task))
        .order_by(Task.project_id, Task.position, Task.id)
    )
    return (await session.scalars(statement)).all()


async def label_links_in(session: Reader, project_ids: Collection[int]) -> dict[int, list[int]]:
    """Each task's label ids, ascending."""
    task_ids = select(Task.id).where(Task.project_id.in_(project_ids), live(Task))
    links: dict[int, list[int]] = {}
    for task_id, label_id in await session.execute(
        select(task_labels.c.task_id, task_labels.c.label_id)
        .where(task_labels.c.task_id.in_(task_ids))
        .order_by(task_labels.c.label_id)
    ):
        links.setdefault(task_id, []).append(label_id)
    return links


async def comments_in(session: Reader, project_ids: Collection[int]) -> Sequence[Row[Comment, str]]:
    """Every comment with its author's username, oldest first."""
    task_ids = select(Task.id).where(Task.project_id.in_(project_ids), live(Task))
    statement = (
        select(Comment, User.username)
        .join(User, User.id == Comment.author_id)
        .where(Comment.task_id.in_(task_ids), live(Comment))
        .order_by(Comment.id)
    )
    return (await session.execute(statement)).all()


async def open_tasks_due(
    session: Reader, user_id: int, *, project_id: int | None = None, limit: int = 10_000
) -> Sequence[tuple[Task, str | None]]:
    """The open tasks with a due date in the user's projects (the calendar feed), soonest
    first, each with its creator's time zone (a series runs on the creator's wall clock;
    None when the account is gone): one statement, on the `due_at` index."""
    creator = User.__table__.alias("creator")
    statement = (
        select(Task, creator.c.timezone)
        .outerjoin(creator, creator.c.id == Task.created_by)
        .where(
            visible(Task.project_id, Task, user_id=user_id),
            Task.due_at.is_not(None),
            Task.status != TaskStatus.DONE.value,
        )
        .order_by(Task.due_at, Task.id)
        .limit(limit)
    )
    if project_id is not None:
        statement = statement.where(Task.project_id == project_id)
    return [(row[0], row[1]) for row in await session.execute(statement)]


async def export_rows(
    session: Reader, user_id: int, *, project_id: int | None = None
) -> Sequence[Any]:
    """Every task of the user's projects (or of one) for the CSV export, one row each with
    its project's, section's and assignee's names and its labels: two statements."""
    assignee = User.__table__.alias("assignee")
    statement = (
        select(Task, Project.name, Section.name, assignee.c.username)
        .join(Project, Project.id == Task.project_id)
        .outerjoin(Section, Section.id == Task.section_id)
        .outerjoin(assignee, assignee.c.id == Task.assignee_id)
        .where(visible(Task.project_id, Task, user_id=user_id))
        .order_by(Task.project_id, Task.position, Task.id)
    )
    if project_id is not None:
        statement = statement.where(Task.project_id == project_id)
    return (await session.execute(statement)).all()


async def export_label_names(
    session: Reader, user_id: int, *, project_id: int | None = None
) -> dict[int, list[str]]:
    """The label names of the tasks `export_rows` gives, by task, sorted."""
    tasks = select(Task.id).where(visible(Task.project_id, Task, user_id=user_id))
    if project_id is not None:
        tasks = tasks.where(Task.project_id == project_id)
    names: dict[int, list[str]] = {}
    rows = await session.execute(
        select(task_labels.c.task_id, Label.name)
        .join(Label, Label.id == task_labels.c.label_id)
        .where(task_labels.c.task_id.in_(tasks))
        .order_by(Label.name)
    )
    for task_id, name in rows:
        names.setdefault(task_id, []).append(name)
    return names
