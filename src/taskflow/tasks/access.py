"""A task (or a comment, a label, a section) together with the caller's role in its project.

One query each, composed with `projects.permissions.with_access`; the answer (404 for
non-members, 403 for too low a role or an archived project) is `permissions.check_row`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from taskflow.db.reads import Reader
from taskflow.projects.permissions import READ, AnyRow, Need, Role, fetch_checked, with_access
from taskflow.tasks.models import Comment, Label, Section, Task


@dataclass(frozen=True, slots=True)
class TaskAccess:
    task: Task
    role: Role


async def _require(
    session: Reader,
    model: type[Task] | type[Label] | type[Section],
    id_: int,
    user_id: int,
    need: Need,
) -> tuple[AnyRow, Role]:
    statement = with_access(select(model), model.project_id, user_id, need)
    not_found = f"{model.__name__} not found"
    return await fetch_checked(session, statement.where(model.id == id_), need, not_found=not_found)


async def require_task(
    session: Reader, task_id: int, user_id: int, need: Need = READ
) -> TaskAccess:
    row, role = await _require(session, Task, task_id, user_id, need)
    return TaskAccess(task=row[0], role=role)


@dataclass(frozen=True, slots=True)
class CommentAccess:
    comment: Comment
    project_id: int
    role: Role


async def require_comment(
    session: Reader, comment_id: int, user_id: int, need: Need = READ
) -> CommentAccess:
    statement = select(Comment, Task.project_id).join(Task, Task.id == Comment.task_id)
    row, role = await fetch_checked(
        session,
        with_access(statement, Task.project_id, user_id, need).where(Comment.id == comment_id),
        need,
        not_found="Comment not found",
    )
    return CommentAccess(comment=row[0], project_id=row[1], role=role)


@dataclass(frozen=True, slots=True)
class LabelAccess:
    label: Label
    role: Role


async def require_label(
    session: Reader, label_id: int, user_id: int, need: Need = READ
) -> LabelAccess:
    row, role = await _require(session, Label, label_id, user_id, need)
    return LabelAccess(label=row[0], role=role)


@dataclass(frozen=True, slots=True)
class SectionAccess:
    section: Section
    role: Role


async def require_section(
    session: Reader, section_id: int, user_id: int, need: Need = READ
) -> SectionAccess:
    row, role = await _require(session, Section, section_id, user_id, need)
    return SectionAccess(section=row[0], role=role)
