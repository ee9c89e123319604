"""Reading attachments: one with the caller's role in its task's project, a task's page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Row, func, select

from taskflow.attachments.models import Attachment
from taskflow.db.reads import Reader
from taskflow.projects.permissions import READ, Need, Role, fetch_checked, with_access
from taskflow.tasks.models import Task
from taskflow.users.models import User


@dataclass(frozen=True, slots=True)
class AttachmentAccess:
    attachment: Attachment
    project_id: int
    role: Role


async def require_attachment(
    session: Reader, attachment_id: int, user_id: int, need: Need = READ
) -> AttachmentAccess:
    """The attachment if the caller is a member of its task's project (404 otherwise), checked
    against `need` (403); one query, so a removed member is refused from that moment."""
    statement = select(Attachment, Task.project_id).join(Task, Task.id == Attachment.task_id)
    row, role = await fetch_checked(
        session,
        with_access(statement, Task.project_id, user_id, need).where(
            Attachment.id == attachment_id
        ),
        need,
        not_found="Attachment not found",
    )
    return AttachmentAccess(attachment=row[0], project_id=row[1], role=role)


async def count_for_task(session: Reader, task_id: int) -> int:
    total = await session.scalar(
        select(func.count()).select_from(Attachment).where(Attachment.task_id == task_id)
    )
    return total or 0


async def page_for_task(
    session: Reader, task_id: int, limit: int, offset: int
) -> Sequence[Row[Attachment, str | None]]:
    """Newest first, with the uploader's username (null once the account is gone)."""
    rows = await session.execute(
        select(Attachment, User.username)
        .outerjoin(User, User.id == Attachment.created_by)
        .where(Attachment.task_id == task_id)
        .order_by(Attachment.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return rows.all()


async def for_tasks(
    session: Reader, task_ids: Sequence[int]
) -> Sequence[Row[Attachment, str | None]]:
    """Every attachment of these tasks (export), oldest first."""
    if not task_ids:
        return []
    rows = await session.execute(
        select(Attachment, User.username)
        .outerjoin(User, User.id == Attachment.created_by)
        .where(Attachment.task_id.in_(task_ids))
        .order_by(Attachment.id)
    )
    return rows.all()
