"""Reading projects and members: pages in a fixed number of queries, and the Inbox's id."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.core.errors import NotFound, Unprocessable
from taskflow.core.pagination import Page, Pagination
from taskflow.db.reads import Reader
from taskflow.db.trash import live
from taskflow.projects.models import Project, ProjectMember, Role
from taskflow.projects.permissions import (
    READ,
    membership,
    require_role,
    visible_project_ids,
    with_access,
)
from taskflow.projects.schemas import MemberPublic, MemberUserPublic, ProjectPublic
from taskflow.users.models import User


def project_public(project: Project, role: Role) -> ProjectPublic:
    return ProjectPublic(
        id=project.id,
        name=project.name,
        description=project.description,
        color=project.color,
        is_inbox=project.is_inbox,
        archived=project.archived,
        role=role,
        created_at=project.created_at,
    )


def member_public(member: ProjectMember, user: User) -> MemberPublic:
    return MemberPublic(
        user=MemberUserPublic.model_validate(user),
        role=Role(member.role),
        created_at=member.created_at,
    )


async def inbox_id(session: AsyncSession, user_id: int) -> int:
    """The user's Inbox (every user has one; a missing Inbox is a data problem: 404)."""
    inbox = await session.scalar(
        select(Project.id).where(Project.owner_id == user_id, Project.is_inbox.is_(True))
    )
    if inbox is None:
        raise NotFound("Inbox not found")
    return inbox


async def list_projects(
    session: Reader, user: User, page: Pagination, *, archived: bool | None = None
) -> Page[ProjectPublic]:
    """The caller's projects: the Inbox first, then by name."""
    where = [] if archived is None else [Project.archived.is_(archived)]
    total = await session.scalar(
        select(func.count())
        .select_from(Project)
        .where(Project.id.in_(visible_project_ids(user.id)), *where)
    )
    rows = (
        await session.execute(
            with_access(select(Project), Project.id, user.id, READ)
            .where(*where)
            .order_by(Project.is_inbox.desc(), func.lower(Project.name), Project.id)
            .limit(page.limit)
            .offset(page.offset)
        )
    ).all()
    items = [project_public(project, Role(role)) for project, role in rows]
    return Page(items=items, total=total or 0, limit=page.limit, offset=page.offset)


async def owned_projects(session: Reader, user_id: int) -> Sequence[Project]:
    """The live projects the user owns, the Inbox first (an export)."""
    return (
        await session.scalars(
            select(Project)
            .where(Project.owner_id == user_id, live(Project))
            .order_by(Project.is_inbox.desc(), Project.id)
        )
    ).all()


def _role_rank_sql() -> ColumnElement[int]:
    return case({role.value: role.rank for role in Role}, value=ProjectMember.role, else_=0)


async def list_members(
    session: Reader, user: User, project_id: int, page: Pagination
) -> Page[MemberPublic]:
    """Owner first, then by role and username."""
    await require_role(session, project_id, user.id, READ)
    total = await session.scalar(
        select(func.count())
        .select_from(ProjectMember)
        .where(ProjectMember.project_id == project_id)
    )
    rows = (
        await session.execute(
            select(ProjectMember, User)
            .join(User, User.id == ProjectMember.user_id)
            .where(ProjectMember.project_id == project_id)
            .order_by(_role_rank_sql().desc(), User.username_key, User.id)
            .limit(page.limit)
            .offset(page.offset)
        )
    ).all()
    items = [member_public(member, member_user) for member, member_user in rows]
    return Page(items=items, total=total or 0, limit=page.limit, offset=page.offset)


async def load_member(
    session: AsyncSession, project_id: int, user_id: int
) -> tuple[ProjectMember, User]:
    row = (
        await session.execute(
            select(ProjectMember, User)
            .join(User, User.id == ProjectMember.user_id)
            .where(membership(project_id, user_id))
        )
    ).first()
    if row is None:
        raise NotFound("Member not found")
    return row[0], row[1]


async def find_user(session: AsyncSession, email_or_username: str) -> User:
    """A user to add as a member, by email or username (case-insensitive); 422 if none: a
    value in the body, not the resource addressed."""
    key = email_or_username.lower()
    found = await session.scalar(
        select(User).where(or_(User.email == key, User.username_key == key))
    )
    if found is None:
        raise Unprocessable("user: no user with that email or username")
    return found
