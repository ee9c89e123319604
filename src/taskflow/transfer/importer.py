"""Writes an ImportPlan for the caller: one new project (they own it), its sections, labels,
tasks and comments, through the owning domains' services, a fixed number of statements
whatever the size, in the request's one transaction (all or nothing)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import IO

from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.activity.service import record
from taskflow.projects import service as projects_service
from taskflow.projects.service import ProjectDraft
from taskflow.tasks import drafts as task_drafts
from taskflow.tasks import positions
from taskflow.tasks import sections as sections_service
from taskflow.tasks.drafts import TaskDraft
from taskflow.transfer import todoist, trello
from taskflow.transfer.plan import ImportPlan
from taskflow.users.models import User


class ForeignImportResult(BaseModel):
    """What an import created (or, previewed, would create)."""

    project_id: int | None = Field(description="The new project; null in a preview")
    projects: int
    sections: int
    labels: int
    tasks: int
    comments: int


class PreviewTask(BaseModel):
    title: str
    section: str | None
    parent: int | None = Field(description="Index of the parent task in `tasks`")
    status: str
    priority: int
    due_at: str | None
    labels: list[str]
    comments: int


class ImportPreview(ForeignImportResult):
    """The plan, nothing written: the project, its sections and labels, the first tasks."""

    project_name: str
    section_names: list[str]
    label_names: list[str]
    first_tasks: list[PreviewTask] = Field(description="Up to 100 tasks, in order")


def counts(plan: ImportPlan, project_id: int | None) -> ForeignImportResult:
    return ForeignImportResult(
        project_id=project_id,
        projects=1,
        sections=len(plan.sections),
        labels=len(plan.labels),
        tasks=len(plan.tasks),
        comments=plan.comment_count,
    )


def preview(plan: ImportPlan) -> ImportPreview:
    return ImportPreview(
        **counts(plan, None).model_dump(),
        project_name=plan.project_name,
        section_names=plan.sections,
        label_names=list(plan.labels),
        first_tasks=[
            PreviewTask(
                title=task.title,
                section=task.section,
                parent=task.parent,
                status=task.status.value,
                priority=task.priority,
                due_at=task.due_at.isoformat() if task.due_at else None,
                labels=task.labels,
                comments=len(task.comments),
            )
            for task in plan.tasks[:100]
        ],
    )


async def write(session: AsyncSession, user: User, plan: ImportPlan) -> ForeignImportResult:
    (project,) = await projects_service.create_many(
        session, user.id, [ProjectDraft(plan.project_name, description=plan.description)]
    )
    section_ids = dict(
        zip(
            plan.sections,
            await sections_service.create_many(
                session,
                [(project.id, name, float(rank + 1)) for rank, name in enumerate(plan.sections)],
            ),
            strict=True,
        )
    )
    label_ids = await task_drafts.ensure_labels(session, {project.id: list(plan.labels.items())})
    drafts = [
        TaskDraft(
            project_id=project.id,
            title=task.title,
            position=key,
            description=task.description,
            status=task.status,
            priority=task.priority,
            due_at=task.due_at,
            completed_at=task.completed_at,
            parent=task.parent,
            section_id=section_ids.get(task.section) if task.section else None,
            label_ids=sorted({label_ids[project.id, name] for name in task.labels}),
            comments=task.comments,
        )
        for key, task in zip(positions.keys_after(None, len(plan.tasks)), plan.tasks, strict=True)
    ]
    await task_drafts.create_many(session, user.id, drafts)
    record(
        session,
        verb="project.imported",
        project_id=project.id,
        actor_id=user.id,
        changes={"tasks": len(drafts), "labels": len(plan.labels), "sections": len(plan.sections)},
    )
    await session.flush()
    return counts(plan, project.id)


Parser = Callable[[IO[bytes], str | None], ImportPlan]


async def run(
    session: AsyncSession,
    user: User,
    parser: Parser,
    file: IO[bytes],
    project_name: str | None,
    *,
    dry_run: bool,
) -> ForeignImportResult | ImportPreview:
    """Parse off the event loop (a large file is CPU work), then preview or write."""
    plan = await asyncio.to_thread(parser, file, project_name)
    if dry_run:
        return preview(plan)
    return await write(session, user, plan)


def todoist_parser(file: IO[bytes], project_name: str | None) -> ImportPlan:
    return todoist.parse(file, project_name or "Todoist import")


def trello_parser(file: IO[bytes], project_name: str | None) -> ImportPlan:
    return trello.parse(file, project_name)
