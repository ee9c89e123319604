"""Project and membership rules. The reads: `queries.py`; who may do what: `permissions.py`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.activity.schemas import ActivityPublic
from taskflow.activity.service import diff, list_activity, record
from taskflow.core.errors import Conflict
from taskflow.core.pagination import Page, Pagination
from taskflow.db import utcnow
from taskflow.db.ids import reserve_ids
from taskflow.db.reads import Reader
from taskflow.notifications.models import NotificationType
from taskflow.notifications.service import forget_project, notify
from taskflow.projects.models import INBOX_NAME, Project, ProjectMember, Role
from taskflow.projects.permissions import (
    CURATE,
    MANAGE_MEMBERS,
    OWN,
    READ,
    UNARCHIVE,
    check,
    membership,
    require_role,
)
from taskflow.projects.queries import find_user, load_member, member_public, project_public
from taskflow.projects.schemas import (
    MemberCreate,
    MemberPublic,
    MemberUpdate,
    ProjectCreate,
    ProjectPublic,
    ProjectUpdate,
)
from taskflow.users.models import User


class MemberLeft(Protocol):
    async def __call__(
        self, session: AsyncSession, project_id: int, user_id: int, *, actor_id: int
    ) -> None: ...


_Hook = TypeVar("_Hook", bound=MemberLeft)
_WHEN_MEMBER_LEAVES: list[MemberLeft] = []


def when_member_leaves(hook: _Hook) -> _Hook:
    """Register what another domain does, in the same transaction, when someone stops being a
    member of a project (tasks unassigns them: `tasks/service.py`). So projects imports no
    domain that builds on it, and the dependency runs one way."""
    _WHEN_MEMBER_LEAVES.append(hook)
    return hook


@dataclass(frozen=True, slots=True)
class ProjectDraft:
    name: str
    description: str = ""
    color: str | None = None  # None: the default color
    is_inbox: bool = False
    archived: bool = False
    created_at: datetime | None = None


async def create_many(
    session: AsyncSession, owner_id: int, drafts: Sequence[ProjectDraft]
) -> list[Project]:
    """Projects owned by `owner_id` (also a member, with the role owner), in a fixed number of
    statements whatever their number: several get their ids first (`db.ids`), so that the
    unit of work can batch their INSERT on SQLite too (it needs no id back)."""
    now = utcnow()
    ids: list[int | None] = [None] * len(drafts)  # one: its INSERT … RETURNING gives it
    if len(drafts) > 1:
        ids = [*await reserve_ids(session, Project, len(drafts))]
    projects = [
        Project(
            id=project_id,
            owner_id=owner_id,
            name=draft.name,
            description=draft.description,
            is_inbox=draft.is_inbox,
            archived=draft.archived,
            created_at=draft.created_at or now,
            updated_at=now,
        )
        for project_id, draft in zip(ids, drafts, strict=True)
    ]
    for project, draft in zip(projects, drafts, strict=True):
        if draft.color is not None:
            project.color = draft.color
    session.add_all(projects)
    await session.flush()
    session.add_all(
        ProjectMember(project_id=project.id, user_id=owner_id, role=Role.OWNER.value)
        for project in projects
    )
    await session.flush()
    return projects


async def create_inbox(session: AsyncSession, user_id: int) -> Project:
    """Every user's undeletable Inbox; called when the user is created."""
    return (await create_many(session, user_id, [ProjectDraft(INBOX_NAME, is_inbox=True)]))[0]


async def create_project(session: AsyncSession, user: User, data: ProjectCreate) -> ProjectPublic:
    draft = ProjectDraft(data.name, description=data.description, color=data.color)
    project = (await create_many(session, user.id, [draft]))[0]
    record(
        session,
        verb="project.created",
        project_id=project.id,
        actor_id=user.id,
        changes={"name": project.name},
    )
    return project_public(project, Role.OWNER)


async def get_project(session: Reader, user: User, project_id: int) -> ProjectPublic:
    access = await require_role(session, project_id, user.id, READ)
    return project_public(access.project, access.role)


async def update_project(
    session: AsyncSession, user: User, project_id: int, data: ProjectUpdate
) -> ProjectPublic:
    """Admins; an archived project accepts only the change that unarchives it (with whatever
    else comes in the same request)."""
    given = data.model_dump(exclude_unset=True)
    need = UNARCHIVE if given.get("archived") is False else CURATE
    access = await require_role(session, project_id, user.id, need)
    project = access.project
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
    return project_public(project, access.role)


async def delete_project(session: AsyncSession, user: User, project_id: int) -> None:
    """Owner only, archived or not: to the trash (SPEC §10) with everything in it, which the
    permission fragment then hides (projects/trash.py restores or purges it)."""
    access = await require_role(session, project_id, user.id, OWN)
    if access.project.is_inbox:
        raise Conflict("The Inbox cannot be deleted")
    access.project.deleted_at = utcnow()
    access.project.deleted_by = user.id
    await session.flush()
    record(session, verb="project.deleted", project_id=project_id, actor_id=user.id)


async def project_activity(
    session: Reader, user: User, project_id: int, page: Pagination
) -> Page[ActivityPublic]:
    await require_role(session, project_id, user.id, READ)
    return await list_activity(session, page, project_id=project_id)


# Members: managed by admins, archived or not (docs/projects-and-tasks.md).


async def add_member(
    session: AsyncSession, user: User, project_id: int, data: MemberCreate
) -> MemberPublic:
    access = await require_role(session, project_id, user.id, MANAGE_MEMBERS)
    if access.project.is_inbox:
        raise Conflict("The Inbox cannot be shared")
    new_user = await find_user(session, data.user)
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
    await notify(
        session,
        type=NotificationType.MEMBER_ADDED,
        recipients=[new_user.id],
        actor=user,
        project_id=project_id,
        data={"project_name": access.project.name, "role": data.role},
    )
    return member_public(member, new_user)


async def update_member(
    session: AsyncSession, user: User, project_id: int, member_user_id: int, data: MemberUpdate
) -> MemberPublic:
    """Change a role; PATCHing someone to owner hands ownership over (the old owner: admin)."""
    access = await require_role(session, project_id, user.id, MANAGE_MEMBERS)
    member, member_user = await load_member(session, project_id, member_user_id)
    new_role = Role(data.role)
    old_role = Role(member.role)
    if new_role == old_role:
        return member_public(member, member_user)
    if old_role == Role.OWNER:
        raise Conflict("The owner's role changes only by handing ownership to another member")
    if new_role == Role.OWNER:
        check(access.role, OWN, archived=access.project.archived)
        # Conditional on the caller still being the owner: of two simultaneous hand-overs
        # one wins (the other waits on the row, then finds no owner to demote: 409).
        demoted = await session.scalar(
            update(ProjectMember)
            .where(membership(project_id, user.id), ProjectMember.role == Role.OWNER.value)
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
    return member_public(member, member_user)


async def remove_member(
    session: AsyncSession, user: User, project_id: int, member_user_id: int
) -> None:
    """Admins remove members; anyone may leave (delete their own membership) but the owner."""
    access = await require_role(session, project_id, user.id, READ)
    if member_user_id != user.id:
        check(access.role, MANAGE_MEMBERS, archived=access.project.archived)
    member, member_user = await load_member(session, project_id, member_user_id)
    if member.role == Role.OWNER.value:
        raise Conflict("The owner cannot leave or be removed; hand ownership over first")
    await session.delete(member)
    await session.flush()
    # Assignees are members: whoever leaves stops being assigned anything here (tasks).
    for hook in _WHEN_MEMBER_LEAVES:
        await hook(session, project_id, member_user_id, actor_id=user.id)
    await forget_project(session, project_id=project_id, user_id=member_user_id)
    record(
        session,
        verb="member.left" if member_user_id == user.id else "member.removed",
        project_id=project_id,
        actor_id=user.id,
        changes={"user_id": member_user.id, "username": member_user.username},
    )
