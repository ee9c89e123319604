"""The trash's list: what the caller may restore, newest first, in one statement.

Who may delete may restore: a task, its project's editors; a comment, its author or the
project's admins; a project, its owner. Things inside a trashed project (or a comment under a
trashed task) are not listed on their own: they come back with it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import String, and_, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased

from taskflow.core.pagination import Page, Pagination
from taskflow.db.reads import Reader
from taskflow.db.trash import live
from taskflow.projects.models import Project, ProjectMember, Role
from taskflow.tasks.models import Comment, Task
from taskflow.trash.schemas import TrashItemPublic
from taskflow.users.models import User

_EXCERPT = 80
_EDITORS = (Role.EDITOR.value, Role.ADMIN.value, Role.OWNER.value)
_ADMINS = (Role.ADMIN.value, Role.OWNER.value)


def _items(user_id: int) -> Any:
    mine = ProjectMember.user_id == user_id
    tasks = (
        select(
            literal("task", String()).label("type"),
            Task.id,
            Task.title.label("title"),
            Task.project_id,
            Task.deleted_by,
            Task.deleted_at,
        )
        .join(ProjectMember, and_(ProjectMember.project_id == Task.project_id, mine))
        .join(Project, Project.id == Task.project_id)
        .where(
            Task.deleted_at.is_not(None),
            Task.trashed_with == Task.id,
            ProjectMember.role.in_(_EDITORS),
            live(Project),
        )
    )
    parent = aliased(Task)
    comments = (
        select(
            literal("comment", String()).label("type"),
            Comment.id,
            func.substr(Comment.body, 1, _EXCERPT).label("title"),
            parent.project_id,
            Comment.deleted_by,
            Comment.deleted_at,
        )
        .join(parent, parent.id == Comment.task_id)
        .join(ProjectMember, and_(ProjectMember.project_id == parent.project_id, mine))
        .join(Project, Project.id == parent.project_id)
        .where(
            Comment.deleted_at.is_not(None),
            Comment.trashed_with.is_(None),
            live(parent, Project),
            or_(Comment.author_id == user_id, ProjectMember.role.in_(_ADMINS)),
        )
    )
    projects = (
        select(
            literal("project", String()).label("type"),
            Project.id,
            Project.name.label("title"),
            Project.id.label("project_id"),
            Project.deleted_by,
            Project.deleted_at,
        )
        .join(ProjectMember, and_(ProjectMember.project_id == Project.id, mine))
        .where(Project.deleted_at.is_not(None), ProjectMember.role == Role.OWNER.value)
    )
    return union_all(tasks, comments, projects).subquery("trash")


async def list_trash(
    session: Reader, user_id: int, page: Pagination, *, retention_days: int
) -> Page[TrashItemPublic]:
    items = _items(user_id)
    total = await session.scalar(select(func.count()).select_from(items))
    rows = (
        await session.execute(
            select(items, User.username)
            .outerjoin(User, User.id == items.c.deleted_by)
            .order_by(items.c.deleted_at.desc(), items.c.type, items.c.id.desc())
            .limit(page.limit)
            .offset(page.offset)
        )
    ).all()
    keep = timedelta(days=retention_days)
    return Page[TrashItemPublic].model_validate(
        {
            "items": [
                {
                    "type": row.type,
                    "id": row.id,
                    "title": row.title,
                    "project_id": row.project_id,
                    "deleted_by": (
                        {"id": row.deleted_by, "username": row.username}
                        if row.username is not None
                        else None
                    ),
                    "deleted_at": row.deleted_at,
                    "purge_at": row.deleted_at + keep,
                }
                for row in rows
            ],
            "total": total or 0,
            "limit": page.limit,
            "offset": page.offset,
        }
    )
