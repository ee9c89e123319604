"""Projects in the trash (SPEC §10): restore (the owner), purge for good (the owner), and the
retention job's batches. Deleting one is `service.delete_project`; what is in a trashed project
stays as it was, hidden by the permission fragment, so a restore is one row's change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.activity.service import record
from taskflow.projects.models import Project
from taskflow.projects.permissions import OWN, fetch_checked, with_access
from taskflow.projects.permissions import member_ids as member_ids_of
from taskflow.projects.queries import project_public
from taskflow.projects.schemas import ProjectPublic
from taskflow.users.models import User


async def _trashed_project(session: AsyncSession, user: User, project_id: int) -> Project:
    statement = with_access(select(Project), Project.id, user.id, OWN, trashed=True).where(
        Project.id == project_id, Project.deleted_at.is_not(None)
    )
    row, _ = await fetch_checked(
        session, statement, OWN, not_found="Project not found in the trash"
    )
    project: Project = row[0]
    return project


async def restore_project(session: AsyncSession, user: User, project_id: int) -> ProjectPublic:
    """Back with everything in it as it was (things deleted on their own stay in the trash)."""
    project = await _trashed_project(session, user, project_id)
    project.deleted_at = None
    project.deleted_by = None
    await session.flush()
    # Its members' open connections hear the project again (realtime/hub.py).
    member_ids = sorted(await session.scalars(member_ids_of(project_id)))
    record(
        session,
        verb="project.restored",
        project_id=project_id,
        actor_id=user.id,
        changes={"name": project.name, "user_ids": member_ids},
    )
    return project_public(project, OWN.role)


async def purge_project(session: AsyncSession, user: User, project_id: int) -> None:
    """Gone for good, with everything in it (database cascade; attachments' files are queued
    for deletion by their trigger)."""
    project = await _trashed_project(session, user, project_id)
    await session.execute(delete(Project).where(Project.id == project_id))
    session.expunge(project)


async def purge_projects_trashed_before(
    session: AsyncSession, cutoff: datetime, *, batch: int
) -> int:
    """Delete up to `batch` projects trashed before `cutoff`; how many went."""
    ids = list(
        await session.scalars(
            select(Project.id)
            .where(Project.deleted_at.is_not(None), Project.deleted_at < cutoff)
            .order_by(Project.deleted_at, Project.id)
            .limit(batch)
        )
    )
    if ids:
        await session.execute(delete(Project).where(Project.id.in_(ids)))
    return len(ids)
