"""The webhook domain's reads."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.db.reads import Reader
from taskflow.projects.models import ProjectMember, Role
from taskflow.users.models import User
from taskflow.webhooks.models import Webhook, WebhookDelivery


async def active_webhooks_in(
    session: AsyncSession, project_ids: Collection[int]
) -> list[tuple[int, int, list[str]]]:
    """(id, project_id, events) of the active webhooks of these projects (index-backed)."""
    rows = await session.execute(
        select(Webhook.id, Webhook.project_id, Webhook.events).where(
            Webhook.project_id.in_(project_ids), Webhook.active.is_(True)
        )
    )
    return [(row[0], row[1], list(row[2])) for row in rows]


async def webhooks_of(
    session: Reader, project_id: int, *, limit: int, offset: int
) -> tuple[Sequence[Webhook], int]:
    total = (
        await session.execute(
            select(func.count()).select_from(Webhook).where(Webhook.project_id == project_id)
        )
    ).scalar_one()
    items = (
        await session.scalars(
            select(Webhook)
            .where(Webhook.project_id == project_id)
            .order_by(Webhook.id)
            .limit(limit)
            .offset(offset)
        )
    ).all()
    return items, total


async def deliveries_of(
    session: Reader, webhook_id: int, *, limit: int, offset: int
) -> tuple[Sequence[WebhookDelivery], int]:
    """Newest first, on the (webhook_id, id) index."""
    total = (
        await session.execute(
            select(func.count())
            .select_from(WebhookDelivery)
            .where(WebhookDelivery.webhook_id == webhook_id)
        )
    ).scalar_one()
    items = (
        await session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.webhook_id == webhook_id)
            .order_by(WebhookDelivery.id.desc())
            .limit(limit)
            .offset(offset)
        )
    ).all()
    return items, total


async def project_admins(session: AsyncSession, project_id: int) -> Sequence[User]:
    """The project's owner and admins (who hear that a webhook was turned off)."""
    return (
        await session.scalars(
            select(User)
            .join(ProjectMember, ProjectMember.user_id == User.id)
            .where(
                ProjectMember.project_id == project_id,
                ProjectMember.role.in_([Role.OWNER.value, Role.ADMIN.value]),
                User.is_active.is_(True),
            )
            .order_by(User.id)
        )
    ).all()
