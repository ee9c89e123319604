"""Project and membership rules and queries."""

from __future__ import annotations

from sqlalchemy import ColumnElement, case, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.activity.schemas import ActivityPublic
from taskflow.activity.service import announce, diff, list_activity, record
from taskflow.core.errors import Conflict, NotFound
from taskflow.core.pagination import Page, Pagination
from taskflow.projects.models import INBOX_NAME, Project, ProjectMember, Role
from taskflow.projects.permissions import check_role, require_role
from taskflow.projects.schemas import (
    MemberCreate,
    MemberPublic,
    MemberUpdate,
    MemberUserPublic,
    ProjectCreate,
    ProjectPublic,
    ProjectUpdate,
)
from taskflow.tasks.service import unassign_member
from taskflow.users.models import User


def _public(project: Project, role: Role) -> ProjectPublic:
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


async def create_inbox(session: AsyncSession, user_id: int) -> Project:
    """Every user's undeletable Inbox; called when the user is created."""
    return await _create(session, user_id, name=INBOX_NAME, is_inbox=True)


async def _create(
    session: AsyncSession,
    owner_id: int,
    *,
    name: str,
    description: str = "",
    color: str | None = None,
    is_inbox: bool = False,
    archived: bool = False,
) -> Project:
    project = Project(
        owner_id=owner_id,
        name=name,
        description=description,
        is_inbox=is_inbox,
        archived=archived,
    )
    if color is not None:
        project.color = color
    session.add(project)
    await session.flush()
    session.add(ProjectMember(project_id=project.id, user_id=owner_id, role=Role.OWNER.value))
    await session.flush()
    return project


async def create_project(session: AsyncSession, user: User, data: ProjectCreate) -> ProjectPublic:
    project = await _create(
        session, user.id, name=data.name, description=data.description, color=data.color
    )
    record(
        session,
        verb="project.created",
        project_id=project.id,
        actor_id=user.id,
        changes={"name": project.name},
    )
    return _public(project, Role.OWNER)


async def list_projects(
    session: AsyncSession, user: User, page: Pagination, *, archived: bool | None = None
) -> Page[ProjectPublic]:
    """The caller's projects: the Inbox first, then by name."""
    where = [ProjectMember.user_id == user.id]
    if archived is not None:
        where.append(Project.archived.is_(archived))
    base = select(Project, ProjectMember.role).join(
        ProjectMember, ProjectMember.project_id == Project.id
    )
    total = await session.scalar(
        select(func.count())
        .select_from(Project)
        .join(ProjectMember, ProjectMember.project_id == Project.id)
        .where(*where)
    )
    rows = (
        await session.execute(
            base.where(*where)
            .order_by(Project.is_inbox.desc(), func.lower(Project.name), Project.id)
            .limit(page.limit)
            .offset(page.offset)
        )
    ).all()
    items = [_public(project, Role(role)) for project, role in rows]
    return Page(items=items, total=total or 0, limit=page.limit, offset=page.offset)


async def get_project(session: AsyncSession, user: User, project_id: int) -> ProjectPublic:
    access = await require_role(session, project_id, user.id)
    return _public(access.project, access.role)


async def update_project(
    session: AsyncSession, user: User, project_id: int, data: ProjectUpdate
) -> ProjectPublic:
    access = await require_role(session, project_id, user.id, Role.ADMIN)
    project = access.project
    given = data.model_dump(exclude_unset=True)
    if project.is_inbox and (
        ("name" in given and given["name"] != project.name) or given.get("archived")
    ):
        raise Conflict("The Inbox cannot be renamed or archived")
    before = {name: getattr(project, name) for name in given}
    for name, value in given.items():
        if value is not None:
            setattr(project, name, value)
    changes = diff(before, {name: getattr(project, name) for name in given})
    if changes:
        await session.flush()
        record(
            session,
            verb="project.updated",
            project_id=project.id,
            actor_id=user.id,
            changes=changes,
        )
    return _public(project, access.role)


async def delete_project(session: AsyncSession, user: User, project_id: int) -> None:
    """Owner only; tasks, labels, comments, votes and activity go with it (database cascade)."""
    access = await require_role(session, project_id, user.id, Role.OWNER)
    if access.project.is_inbox:
        raise Conflict("The Inbox cannot be deleted")
    await session.execute(delete(Project).where(Project.id == project_id))
    session.expunge(access.project)
    # No activity row can outlive its project; members still hear that it went.
    announce(session, verb="project.deleted", project_id=project_id, actor_id=user.id)


async def project_activity(
    session: AsyncSession, user: User, project_id: int, page: Pagination
) -> Page[ActivityPublic]:
    await require_role(session, project_id, user.id)
    return await list_activity(session, page, project_id=project_id)


# Members


def _member_public(member: ProjectMember, user: User) -> MemberPublic:
    return MemberPublic(
        user=MemberUserPublic.model_validate(user),
        role=Role(member.role),
        created_at=member.created_at,
    )


async def list_members(
    session: AsyncSession, user: User, project_id: int, page: Pagination
) -> Page[MemberPublic]:
    """Owner first, then by role and username."""
    await require_role(session, project_id, user.id)
    total = await session.scalar(
        select(func.count())
        .select_from(ProjectMember)
        .where(ProjectMember.project_id == project_id)
    )
    rank = _role_rank_sql()
    rows = (
        await session.execute(
            select(ProjectMember, User)
            .join(User, User.id == ProjectMember.user_id)
            .where(ProjectMember.project_id == project_id)
            .order_by(rank.desc(), User.username_key, User.id)
            .limit(page.limit)
            .offset(page.offset)
        )
    ).all()
    items = [_member_public(member, member_user) for member, member_user in rows]
    return Page(items=items, total=total or 0, limit=page.limit, offset=page.offset)


def _role_rank_sql() -> ColumnElement[int]:
    return case({role.value: role.rank for role in Role}, value=ProjectMember.role, else_=0)


async def add_member(
    session: AsyncSession, user: User, project_id: int, data: MemberCreate
) -> MemberPublic:
    access = await require_role(session, project_id, user.id, Role.ADMIN)
    if access.project.is_inbox:
        raise Conflict("The Inbox cannot be shared")
    key = data.user.lower()
    new_user = await session.scalar(
        select(User).where(or_(User.email == key, User.username_key == key))
    )
    if new_user is None:
        raise NotFound("No user with that email or username")
    member = ProjectMember(project_id=project_id, user_id=new_user.id, role=data.role)
    try:
        async with session.begin_nested():
            session.add(member)
    except IntegrityError:
        raise Conflict("Already a member of this project") from None
    record(
        session,
        verb="member.added",
        project_id=project_id,
        actor_id=user.id,
        changes={"user_id": new_user.id, "username": new_user.username, "role": data.role},
    )
    return _member_public(member, new_user)


async def _load_member(
    session: AsyncSession, project_id: int, user_id: int
) -> tuple[ProjectMember, User]:
    row = (
        await session.execute(
            select(ProjectMember, User)
            .join(User, User.id == ProjectMember.user_id)
            .where(ProjectMember.project_id == project_id, ProjectMember.user_id == user_id)
        )
    ).first()
    if row is None:
        raise NotFound("Member not found")
    return row[0], row[1]


async def update_member(
    session: AsyncSession, user: User, project_id: int, member_user_id: int, data: MemberUpdate
) -> MemberPublic:
    """Change a role; PATCHing someone to owner hands ownership over (the old owner: admin)."""
    access = await require_role(session, project_id, user.id, Role.ADMIN)
    member, member_user = await _load_member(session, project_id, member_user_id)
    new_role = Role(data.role)
    old_role = Role(member.role)
    if new_role == old_role:
        return _member_public(member, member_user)
    if old_role == Role.OWNER:
        raise Conflict("The owner's role changes only by handing ownership to another member")
    if new_role == Role.OWNER:
        check_role(access.role, Role.OWNER)
        # Conditional on the caller still being the owner: of two simultaneous hand-overs
        # one wins (the other waits on the row, then finds no owner to demote: 409).
        demoted = await session.scalar(
            update(ProjectMember)
            .where(
                ProjectMember.project_id == project_id,
                ProjectMember.user_id == user.id,
                ProjectMember.role == Role.OWNER.value,
            )
            .values(role=Role.ADMIN.value)
            .returning(ProjectMember.user_id)
            .execution_options(synchronize_session=False)
        )
        if demoted is None:
            raise Conflict("Ownership changed meanwhile; reload and try again")
        access.project.owner_id = member_user.id
    member.role = new_role.value
    await session.flush()
    record(
        session,
        verb="member.updated",
        project_id=project_id,
        actor_id=user.id,
        changes={
            "user_id": member_user.id,
            "username": member_user.username,
            "role": {"from": old_role.value, "to": new_role.value},
        },
    )
    return _member_public(member, member_user)


async def remove_member(
    session: AsyncSession, user: User, project_id: int, member_user_id: int
) -> None:
    """Admins remove members; anyone may leave (delete their own membership) but the owner."""
    access = await require_role(session, project_id, user.id)
    if member_user_id != user.id:
        check_role(access.role, Role.ADMIN)
    member, member_user = await _load_member(session, project_id, member_user_id)
    if member.role == Role.OWNER.value:
        raise Conflict("The owner cannot leave or be removed; hand ownership over first")
    await session.delete(member)
    await session.flush()
    # Assignees are members: whoever leaves stops being assigned anything here.
    await unassign_member(session, project_id, member_user_id, actor_id=user.id)
    record(
        session,
        verb="member.left" if member_user_id == user.id else "member.removed",
        project_id=project_id,
        actor_id=user.id,
        changes={"user_id": member_user.id, "username": member_user.username},
    )
