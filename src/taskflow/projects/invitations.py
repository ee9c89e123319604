"""Invitations by email (SPEC §7): admins and the owner invite an address to a project; the
link `{PUBLIC_URL}/invite?token=…` lets whoever holds it join (any account, whatever its
email), once, within 7 days. Tokens are stored only as SHA-256 hashes; revoking deletes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.activity.service import record
from taskflow.config import Settings
from taskflow.core.email import enqueue_email, render_action_email
from taskflow.core.errors import BadRequest, Conflict, NotFound
from taskflow.core.pagination import Page, Pagination
from taskflow.core.security import new_opaque_token, token_digest
from taskflow.db import utcnow
from taskflow.db.reads import Reader
from taskflow.notifications.models import NotificationType
from taskflow.notifications.service import notify
from taskflow.projects.models import Invitation, ProjectMember, Role
from taskflow.projects.permissions import MANAGE_MEMBERS, membership, require_role
from taskflow.projects.queries import project_public
from taskflow.projects.schemas import (
    InvitationCreate,
    InvitationPublic,
    InviterPublic,
    ProjectPublic,
)
from taskflow.users.models import User

INVITATION_LIFETIME = timedelta(days=7)
INVALID = "This invitation link is not valid (it may have been revoked)"
USED = "This invitation has already been used"
EXPIRED = "This invitation has expired; ask for a new one"


def _public(invitation: Invitation, inviter: User | None) -> InvitationPublic:
    return InvitationPublic(
        id=invitation.id,
        email=invitation.email,
        role=Role(invitation.role),
        invited_by=InviterPublic(id=inviter.id, username=inviter.username) if inviter else None,
        created_at=invitation.created_at,
        expires_at=invitation.expires_at,
    )


async def invite(
    session: AsyncSession, settings: Settings, user: User, project_id: int, data: InvitationCreate
) -> InvitationPublic:
    """A new invitation and its email; 409 if the address is a member's. Inviting an address
    again replaces its pending invitation (the old link stops working)."""
    access = await require_role(session, project_id, user.id, MANAGE_MEMBERS)
    if access.project.is_inbox:
        raise Conflict("The Inbox cannot be shared")
    email = data.email.lower()
    member = await session.scalar(
        select(ProjectMember.user_id)
        .join(User, User.id == ProjectMember.user_id)
        .where(ProjectMember.project_id == project_id, User.email == email)
    )
    if member is not None:
        raise Conflict("This person is already a member of the project")
    await session.execute(
        delete(Invitation).where(
            Invitation.project_id == project_id,
            Invitation.email == email,
            Invitation.accepted_at.is_(None),
        )
    )
    token = new_opaque_token()
    now = utcnow()
    invitation = Invitation(
        project_id=project_id,
        email=email,
        role=data.role,
        token_hash=token_digest(token),
        invited_by=user.id,
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
    )
    session.add(invitation)
    await session.flush()
    inviter = user.full_name or user.username
    enqueue_email(
        session,
        render_action_email(
            to=email,
            subject=f"{inviter} invited you to “{access.project.name}” on TaskFlow",
            greeting="Hello,",
            paragraphs=[
                f"{inviter} invited you to join the project “{access.project.name}” "
                f"as {data.role}.",
                "Sign in (or create an account) from this link to accept. It works once, "
                "for 7 days.",
            ],
            action_label="Accept the invitation",
            action_url=f"{settings.public_url.rstrip('/')}/invite?token={token}",
            footer="If you did not expect this, ignore this email.",
        ),
    )
    record(
        session,
        verb="invitation.created",
        project_id=project_id,
        actor_id=user.id,
        changes={"invitation_id": invitation.id, "email": email, "role": data.role},
    )
    return _public(invitation, user)


async def list_invitations(
    session: Reader, user: User, project_id: int, page: Pagination
) -> Page[InvitationPublic]:
    """The pending ones (not accepted, not expired), newest first."""
    await require_role(session, project_id, user.id, MANAGE_MEMBERS)
    where = (
        Invitation.project_id == project_id,
        Invitation.accepted_at.is_(None),
        Invitation.expires_at > utcnow(),
    )
    total = await session.scalar(select(func.count()).select_from(Invitation).where(*where))
    rows = (
        await session.execute(
            select(Invitation, User)
            .outerjoin(User, User.id == Invitation.invited_by)
            .where(*where)
            .order_by(Invitation.id.desc())
            .limit(page.limit)
            .offset(page.offset)
        )
    ).all()
    items = [_public(invitation, inviter) for invitation, inviter in rows]
    return Page(items=items, total=total or 0, limit=page.limit, offset=page.offset)


async def revoke(session: AsyncSession, user: User, invitation_id: int) -> None:
    """Admins of its project delete an invitation (its link stops working)."""
    project_id = await session.scalar(
        select(Invitation.project_id).where(Invitation.id == invitation_id)
    )
    if project_id is None:
        raise NotFound("Invitation not found")
    try:
        await require_role(session, project_id, user.id, MANAGE_MEMBERS)
    except NotFound:
        raise NotFound("Invitation not found") from None
    await session.execute(delete(Invitation).where(Invitation.id == invitation_id))
    record(
        session,
        verb="invitation.revoked",
        project_id=project_id,
        actor_id=user.id,
        changes={"invitation_id": invitation_id},
    )


async def accept(session: AsyncSession, user: User, token: str) -> ProjectPublic:
    """Join the invitation's project with its role; 400 for an unknown, used or expired
    token, 409 if already a member (the invitation stays usable)."""
    now = utcnow()
    invitation = await session.scalar(
        select(Invitation).where(Invitation.token_hash == token_digest(token)).with_for_update()
    )
    if invitation is None:
        raise BadRequest(INVALID)
    if invitation.accepted_at is not None:
        raise BadRequest(USED)
    if invitation.expires_at <= now:
        raise BadRequest(EXPIRED)
    if await session.scalar(
        select(ProjectMember.user_id).where(membership(invitation.project_id, user.id))
    ):
        raise Conflict("You are already a member of this project")
    claimed = await session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None))
        .values(accepted_at=now, accepted_by=user.id)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise BadRequest(USED)
    member = ProjectMember(project_id=invitation.project_id, user_id=user.id, role=invitation.role)
    try:
        async with session.begin_nested():
            session.add(member)
    except IntegrityError:
        raise Conflict("You are already a member of this project") from None
    record(
        session,
        verb="member.added",
        project_id=invitation.project_id,
        actor_id=user.id,
        changes={"user_id": user.id, "username": user.username, "role": invitation.role},
    )
    access = await require_role(session, invitation.project_id, user.id)
    if invitation.invited_by is not None:
        await notify(
            session,
            type=NotificationType.INVITATION_ACCEPTED,
            recipients=[invitation.invited_by],
            actor=user,
            project_id=invitation.project_id,
            data={"project_name": access.project.name, "email": invitation.email},
        )
    return project_public(access.project, access.role)
