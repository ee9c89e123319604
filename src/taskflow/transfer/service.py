"""Export and import: a fixed number of queries each way, all or nothing on import."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.activity.service import record
from taskflow.core.errors import NotFound, Unprocessable
from taskflow.db import utcnow
from taskflow.projects.models import Project, ProjectMember, Role
from taskflow.tasks.models import Comment, Label, Task, TaskStatus, task_labels
from taskflow.transfer.schemas import (
    ExportComment,
    ExportDocument,
    ExportLabel,
    ExportProject,
    ExportTask,
    ImportResult,
)
from taskflow.users.models import User


async def export_projects(session: AsyncSession, user: User) -> ExportDocument:
    """The projects the caller owns, with their labels, tasks and comments."""
    projects = list(
        await session.scalars(
            select(Project)
            .where(Project.owner_id == user.id)
            .order_by(Project.is_inbox.desc(), Project.id)
        )
    )
    project_ids = [project.id for project in projects]
    labels: dict[int, list[ExportLabel]] = defaultdict(list)
    tasks: dict[int, list[ExportTask]] = defaultdict(list)
    if project_ids:
        for label in await session.scalars(
            select(Label).where(Label.project_id.in_(project_ids)).order_by(Label.id)
        ):
            labels[label.project_id].append(
                ExportLabel(id=label.id, name=label.name, color=label.color)
            )
        task_rows = list(
            await session.scalars(
                select(Task)
                .where(Task.project_id.in_(project_ids))
                .order_by(Task.project_id, Task.position, Task.id)
            )
        )
        task_ids = select(Task.id).where(Task.project_id.in_(project_ids))
        links: dict[int, list[int]] = defaultdict(list)
        for task_id, label_id in await session.execute(
            select(task_labels.c.task_id, task_labels.c.label_id)
            .where(task_labels.c.task_id.in_(task_ids))
            .order_by(task_labels.c.label_id)
        ):
            links[task_id].append(label_id)
        comments: dict[int, list[ExportComment]] = defaultdict(list)
        for comment, username in await session.execute(
            select(Comment, User.username)
            .join(User, User.id == Comment.author_id)
            .where(Comment.task_id.in_(task_ids))
            .order_by(Comment.id)
        ):
            comments[comment.task_id].append(
                ExportComment(author=username, body=comment.body, created_at=comment.created_at)
            )
        for task in task_rows:
            tasks[task.project_id].append(
                ExportTask(
                    id=task.id,
                    parent_id=task.parent_id,
                    title=task.title,
                    description=task.description,
                    status=TaskStatus(task.status),
                    priority=task.priority,
                    due_at=task.due_at,
                    completed_at=task.completed_at,
                    position=task.position,
                    label_ids=links[task.id],
                    created_at=task.created_at,
                    comments=comments[task.id],
                )
            )
    return ExportDocument(
        exported_at=utcnow(),
        projects=[
            ExportProject(
                id=project.id,
                name=project.name,
                description=project.description,
                color=project.color,
                is_inbox=project.is_inbox,
                archived=project.archived,
                created_at=project.created_at,
                labels=labels[project.id],
                tasks=tasks[project.id],
            )
            for project in projects
        ],
    )


def validate_document(document: ExportDocument) -> None:
    """Every reference resolves and every rule holds, before anything is written (422)."""
    if sum(project.is_inbox for project in document.projects) > 1:
        raise Unprocessable("projects: at most one Inbox")
    project_ids: set[int] = set()
    task_ids: set[int] = set()
    for p_index, project in enumerate(document.projects):
        where = f"projects[{p_index}]"
        if project.id in project_ids:
            raise Unprocessable(f"{where}.id: duplicate project id {project.id}")
        project_ids.add(project.id)
        label_ids = {label.id for label in project.labels}
        if len(label_ids) != len(project.labels):
            raise Unprocessable(f"{where}.labels: duplicate label id")
        if len({label.name for label in project.labels}) != len(project.labels):
            raise Unprocessable(f"{where}.labels: duplicate label name")
        local = {task.id: task for task in project.tasks}
        for t_index, task in enumerate(project.tasks):
            at = f"{where}.tasks[{t_index}]"
            if task.id in task_ids:
                raise Unprocessable(f"{at}.id: duplicate task id {task.id}")
            task_ids.add(task.id)
            if task.parent_id is not None:
                parent = local.get(task.parent_id)
                if parent is None:
                    raise Unprocessable(f"{at}.parent_id: no task {task.parent_id} in the project")
                if parent.parent_id is not None:
                    raise Unprocessable(f"{at}.parent_id: subtasks are one level deep")
            unknown = set(task.label_ids) - label_ids
            if unknown:
                raise Unprocessable(f"{at}.label_ids: no label {min(unknown)} in the project")


async def import_projects(
    session: AsyncSession, user: User, document: ExportDocument
) -> ImportResult:
    """Recreate the document's projects for the caller: new ids, the Inbox's tasks into the
    caller's Inbox, comments authored by the caller. Validated whole first; one transaction."""
    validate_document(document)
    now = utcnow()
    inbox = await session.scalar(
        select(Project).where(Project.owner_id == user.id, Project.is_inbox.is_(True))
    )
    if inbox is None:
        raise NotFound("Inbox not found")

    # Projects (the Inbox is the caller's own), and the caller as owner of each new one.
    targets: dict[int, Project] = {}
    new_projects: list[Project] = []
    for exported in document.projects:
        if exported.is_inbox:
            targets[exported.id] = inbox
            continue
        project = Project(
            owner_id=user.id,
            name=exported.name,
            description=exported.description,
            color=exported.color,
            archived=exported.archived,
            created_at=exported.created_at or now,
            updated_at=now,
        )
        targets[exported.id] = project
        new_projects.append(project)
    session.add_all(new_projects)
    await session.flush()
    session.add_all(
        ProjectMember(project_id=project.id, user_id=user.id, role=Role.OWNER.value)
        for project in new_projects
    )

    # Labels: the Inbox's existing labels are reused by name.
    existing = {
        label.name: label
        for label in await session.scalars(select(Label).where(Label.project_id == inbox.id))
    }
    label_map: dict[int, Label] = {}
    new_labels: list[Label] = []
    for exported in document.projects:
        project = targets[exported.id]
        for exported_label in exported.labels:
            reused = existing.get(exported_label.name) if exported.is_inbox else None
            if reused is None:
                reused = Label(
                    project_id=project.id, name=exported_label.name, color=exported_label.color
                )
                new_labels.append(reused)
            label_map[exported_label.id] = reused
    session.add_all(new_labels)

    # Tasks: parents before subtasks; the Inbox's tasks go after what the Inbox holds.
    inbox_offset = float(
        await session.scalar(select(func.max(Task.position)).where(Task.project_id == inbox.id))
        or 0.0
    )
    task_map: dict[int, Task] = {}
    pairs: list[tuple[ExportTask, Task]] = []
    for exported in document.projects:
        project = targets[exported.id]
        offset = inbox_offset + 1.0 if exported.is_inbox else 0.0
        for exported_task in exported.tasks:
            done = exported_task.status == TaskStatus.DONE
            task = Task(
                project_id=project.id,
                title=exported_task.title,
                description=exported_task.description,
                status=exported_task.status.value,
                priority=exported_task.priority,
                due_at=exported_task.due_at,
                completed_at=(exported_task.completed_at or now) if done else None,
                position=exported_task.position + offset,
                created_by=user.id,
                created_at=exported_task.created_at or now,
                updated_at=now,
                version=1,
            )
            task_map[exported_task.id] = task
            pairs.append((exported_task, task))
    session.add_all(task for exported_task, task in pairs if exported_task.parent_id is None)
    await session.flush()
    for exported_task, task in pairs:
        if exported_task.parent_id is not None:
            task.parent_id = task_map[exported_task.parent_id].id
            session.add(task)
    await session.flush()

    links: list[dict[str, Any]] = [
        {"task_id": task.id, "label_id": label_map[label_id].id}
        for exported_task, task in pairs
        for label_id in set(exported_task.label_ids)
    ]
    if links:
        await session.execute(insert(task_labels), links)
    session.add_all(
        Comment(
            task_id=task.id,
            author_id=user.id,
            body=comment.body,
            created_at=comment.created_at or now,
            updated_at=now,
        )
        for exported_task, task in pairs
        for comment in exported_task.comments
    )
    for exported in document.projects:
        record(
            session,
            verb="project.imported",
            project_id=targets[exported.id].id,
            actor_id=user.id,
            changes={"tasks": len(exported.tasks), "labels": len(exported.labels)},
        )
    await session.flush()
    return ImportResult(projects=len(document.projects), tasks=len(pairs))
