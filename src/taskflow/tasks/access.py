"""A task (or a comment, a label) together with the caller's role in its project.

One query each; the decision itself (404 for non-members, 403 for too low a role) is
`projects.permissions.resolve`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.projects.models import ProjectMember, Role
from taskflow.projects.permissions import resolve
from taskflow.tasks.models import Comment, Label, Task


@dataclass(frozen=True, slots=True)
class TaskAccess:
    task: Task
    role: Role


async def require_task(
    session: AsyncSession, task_id: int, user_id: int, minimum: Role = Role.VIEWER
) -> TaskAccess:
    row = (
        await session.execute(
            select(Task, ProjectMember.role)
            .join(
                ProjectMember,
                and_(ProjectMember.project_id == Task.project_id, ProjectMember.user_id == user_id),
            )
            .where(Task.id == task_id)
        )
    ).first()
    role = resolve(row[1] if row else None, minimum, not_found="Task not found")
    assert row is not None
    return TaskAccess(task=row[0], role=role)


@dataclass(frozen=True, slots=True)
class CommentAccess:
    comment: Comment
    project_id: int
    role: Role


async def require_comment(
    session: AsyncSession, comment_id: int, user_id: int, minimum: Role = Role.VIEWER
) -> CommentAccess:
    row = (
        await session.execute(
            select(Comment, Task.project_id, ProjectMember.role)
            .join(Task, Task.id == Comment.task_id)
            .join(
                ProjectMember,
                and_(ProjectMember.project_id == Task.project_id, ProjectMember.user_id == user_id),
            )
            .where(Comment.id == comment_id)
        )
    ).first()
    role = resolve(row[2] if row else None, minimum, not_found="Comment not found")
    assert row is not None
    return CommentAccess(comment=row[0], project_id=row[1], role=role)


@dataclass(frozen=True, slots=True)
class LabelAccess:
    label: Label
    role: Role


async def require_label(
    session: AsyncSession, label_id: int, user_id: int, minimum: Role = Role.VIEWER
) -> LabelAccess:
    row = (
        await session.execute(
            select(Label, ProjectMember.role)
            .join(
                ProjectMember,
                and_(
                    ProjectMember.project_id == Label.project_id, ProjectMember.user_id == user_id
                ),
            )
            .where(Label.id == label_id)
        )
    ).first()
    role = resolve(row[1] if row else None, minimum, not_found="Label not found")
    assert row is not None
    return LabelAccess(label=row[0], role=role)
