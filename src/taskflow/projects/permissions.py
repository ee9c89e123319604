"""Who may do what on a project: the one place that decides.

A user who is not a member of a project gets 404 for it and for everything in it (tasks,
labels, comments, activity): its existence is not theirs to know. A member whose role is too
low gets 403. Every route reaches a project's data through these functions.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.core.errors import Forbidden, NotFound
from taskflow.db import BigIntId
from taskflow.projects.models import Project, ProjectMember, Role


@dataclass(frozen=True, slots=True)
class ProjectAccess:
    """A project and the caller's role in it."""

    project: Project
    role: Role


def check_role(role: Role, minimum: Role) -> None:
    """403 unless `role` is at least `minimum` (membership already established)."""
    if not role.at_least(minimum):
        raise Forbidden(f"This needs the {minimum.value} role or higher")


# The ids of the projects the user bound as `user_id` belongs to (a subquery for listings,
# built once).
CALLER_PROJECT_IDS = select(ProjectMember.project_id).where(
    ProjectMember.user_id == bindparam("user_id", type_=BigIntId)
)


async def find_role(session: AsyncSession, project_id: int, user_id: int) -> Role | None:
    role = await session.scalar(
        select(ProjectMember.role).where(
            ProjectMember.project_id == project_id, ProjectMember.user_id == user_id
        )
    )
    return Role(role) if role is not None else None


async def require_role(
    session: AsyncSession, project_id: int, user_id: int, minimum: Role = Role.VIEWER
) -> ProjectAccess:
    """The project and the caller's role, in one query; 404 for non-members, 403 if too low."""
    row = (
        await session.execute(
            select(Project, ProjectMember.role)
            .join(ProjectMember, ProjectMember.project_id == Project.id)
            .where(Project.id == project_id, ProjectMember.user_id == user_id)
        )
    ).first()
    if row is None:
        raise NotFound("Project not found")
    access = ProjectAccess(project=row[0], role=Role(row[1]))
    check_role(access.role, minimum)
    return access


def resolve(role: str | None, minimum: Role, *, not_found: str) -> Role:
    """For queries that fetch a thing together with the caller's role in its project.

    `role` is None when the thing does not exist or the caller is not a member: both are 404.
    """
    if role is None:
        raise NotFound(not_found)
    member_role = Role(role)
    check_role(member_role, minimum)
    return member_role
