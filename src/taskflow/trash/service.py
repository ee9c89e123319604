"""Restore and purge, by type: each type's owner domain does the work (tasks/trash.py,
tasks/comments.py, projects/trash.py); this is the dispatch the routes call."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.projects import trash as projects_trash
from taskflow.tasks import comments
from taskflow.tasks import trash as tasks_trash
from taskflow.trash.schemas import RestoredPublic, TrashType
from taskflow.users.models import User


async def restore(session: AsyncSession, user: User, type_: TrashType, id_: int) -> RestoredPublic:
    if type_ is TrashType.TASK:
        return await tasks_trash.restore_task(session, user, id_)
    if type_ is TrashType.COMMENT:
        return await comments.restore_comment(session, user, id_)
    return await projects_trash.restore_project(session, user, id_)


async def purge(session: AsyncSession, user: User, type_: TrashType, id_: int) -> None:
    if type_ is TrashType.TASK:
        await tasks_trash.purge_task(session, user, id_)
    elif type_ is TrashType.COMMENT:
        await comments.purge_comment(session, user, id_)
    else:
        await projects_trash.purge_project(session, user, id_)
