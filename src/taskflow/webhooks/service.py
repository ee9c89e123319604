"""Webhooks: manage them (project admins), turn committed events into deliveries, and
record each attempt's outcome (retry, back off, turn off after 20 failures in a row)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.config import Settings
from taskflow.core.email import enqueue_email
from taskflow.core.errors import NotFound, Unprocessable
from taskflow.core.events import Event
from taskflow.core.unit_of_work import (
    defer_job,
    forget_subscribers,
    on_events_before_commit,
    unsubscribed,
)
from taskflow.db import utcnow
from taskflow.db.reads import Reader
from taskflow.projects.permissions import MANAGE_MEMBERS, require_role
from taskflow.users.models import User
from taskflow.webhooks import emails, queries, sender
from taskflow.webhooks.models import Webhook, WebhookDelivery
from taskflow.webhooks.schemas import WebhookCreate, WebhookUpdate
from taskflow.webhooks.ssrf import TargetRefused, resolve

DELIVER_JOB = "webhooks.deliver"
MAX_ATTEMPTS = 7
DISABLE_AFTER_FAILURES = 20
PING = "ping"
# Managing a project's webhooks is an admin's (allowed while it is archived: nothing of its
# content changes).
ADMIN = MANAGE_MEMBERS


async def _check_target(settings: Settings, url: str) -> None:
    try:
        await resolve(url, allow_private=settings.webhook_allow_private)
    except TargetRefused as refused:
        raise Unprocessable(f"url: {refused}") from None


async def create(
    session: AsyncSession, settings: Settings, user: User, project_id: int, data: WebhookCreate
) -> Webhook:
    await require_role(session, project_id, user.id, ADMIN)
    await _check_target(settings, data.url)
    webhook = Webhook(
        project_id=project_id,
        url=data.url,
        events=data.events,
        active=data.active,
        secret=secrets.token_hex(32),
        created_by=user.id,
        created_at=utcnow(),
        failure_count=0,
    )
    session.add(webhook)
    forget_subscribers(session)
    await session.flush()
    return webhook


async def _administered(session: Reader, user: User, webhook_id: int) -> Webhook:
    webhook = await session.get(Webhook, webhook_id)
    if webhook is None:
        raise NotFound("Webhook not found")
    try:
        await require_role(session, webhook.project_id, user.id, ADMIN)
    except NotFound:
        raise NotFound("Webhook not found") from None
    return webhook


async def get(session: Reader, user: User, webhook_id: int) -> Webhook:
    return await _administered(session, user, webhook_id)


async def list_for_project(
    session: Reader, user: User, project_id: int, *, limit: int, offset: int
) -> tuple[Sequence[Webhook], int]:
    await require_role(session, project_id, user.id, ADMIN)
    return await queries.webhooks_of(session, project_id, limit=limit, offset=offset)


async def update_webhook(
    session: AsyncSession, settings: Settings, user: User, webhook_id: int, data: WebhookUpdate
) -> Webhook:
    webhook = await _administered(session, user, webhook_id)
    if data.url is not None:
        await _check_target(settings, data.url)
        webhook.url = data.url
    if data.events is not None:
        webhook.events = data.events
    if data.active is not None:
        if data.active and not webhook.active:
            webhook.failure_count = 0  # a fresh start
        webhook.active = data.active
    forget_subscribers(session)
    await session.flush()
    return webhook


async def delete_webhook(session: AsyncSession, user: User, webhook_id: int) -> None:
    webhook = await _administered(session, user, webhook_id)
    await session.delete(webhook)


async def list_deliveries(
    session: Reader, user: User, webhook_id: int, *, limit: int, offset: int
) -> tuple[Sequence[WebhookDelivery], int]:
    await _administered(session, user, webhook_id)
    return await queries.deliveries_of(session, webhook_id, limit=limit, offset=offset)


async def ping(session: AsyncSession, user: User, webhook_id: int) -> WebhookDelivery:
    """Queue a `ping` delivery (sent even when the webhook is off)."""
    webhook = await _administered(session, user, webhook_id)
    data = {"webhook_id": webhook.id, "events": webhook.events, "zen": "Keep it logically awesome."}
    return await _queue(session, webhook, PING, webhook.project_id, None, user.id, data)


async def redeliver(
    session: AsyncSession, user: User, webhook_id: int, delivery_id: int
) -> WebhookDelivery:
    """Send a past delivery's event again, as a new delivery (sent even when the webhook is off)."""
    webhook = await _administered(session, user, webhook_id)
    original = await session.get(WebhookDelivery, delivery_id)
    if original is None or original.webhook_id != webhook.id:
        raise NotFound("Delivery not found")
    return await _queue(
        session,
        webhook,
        original.event,
        original.project_id,
        original.task_id,
        original.actor_id,
        original.data,
        redelivery_of=original.id,
    )


async def _queue(
    session: AsyncSession,
    webhook: Webhook,
    event: str,
    project_id: int,
    task_id: int | None,
    actor_id: int | None,
    data: dict[str, Any],
    *,
    redelivery_of: int | None = None,
) -> WebhookDelivery:
    delivery = WebhookDelivery(
        webhook_id=webhook.id,
        event=event,
        project_id=project_id,
        task_id=task_id,
        actor_id=actor_id,
        data=data,
        created_at=utcnow(),
        redelivery_of=redelivery_of,
        state="pending",
        attempt=0,
    )
    session.add(delivery)
    await session.flush()
    defer_job(session, DELIVER_JOB, delivery_id=delivery.id)
    return delivery


# --- events become deliveries, in the change's own transaction --------------------------------


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    plain: dict[str, Any] = json.loads(json.dumps(data, default=str))
    return plain


@on_events_before_commit
async def deliveries_for(session: AsyncSession, events: list[Event]) -> None:
    """The deliveries the unit of work's project events cause, saved with the change: one
    indexed query when no webhook listens (the common case), nothing more."""
    project_ids = {e.project_id for e in events if e.project_id is not None and "." in e.type}
    if not project_ids or project_ids <= unsubscribed(session):
        # None of them has an active webhook, as the change's own access check read: no query.
        return
    hooks = await queries.active_webhooks_in(session, project_ids)
    if not hooks:
        return
    now = utcnow()
    deliveries = [
        WebhookDelivery(
            webhook_id=hook_id,
            event=event.type,
            project_id=event.project_id,
            task_id=event.task_id,
            actor_id=event.actor_id,
            data=_plain(event.data),
            created_at=now,
            state="pending",
            attempt=0,
        )
        for event in events
        if event.project_id is not None and event.user_id is None and event.session_id is None
        for hook_id, project_id, subscribed in hooks
        if project_id == event.project_id and ("*" in subscribed or event.type in subscribed)
    ]
    if not deliveries:
        return
    session.add_all(deliveries)
    await session.flush()
    for delivery in deliveries:
        defer_job(session, DELIVER_JOB, delivery_id=delivery.id)


# --- attempts --------------------------------------------------------------------------------


def body_of(delivery: WebhookDelivery) -> bytes:
    return sender.body_of(
        delivery_id=delivery.id,
        event=delivery.event,
        project_id=delivery.project_id,
        task_id=delivery.task_id,
        actor_id=delivery.actor_id,
        data=delivery.data,
        created_at=delivery.created_at.isoformat(),
    )


def retry_delay(settings: Settings, attempts_made: int) -> timedelta:
    """Before attempt n+1: base * 2**(n-1) (1, 2, 4, ... 32 minutes by default)."""
    return timedelta(seconds=settings.webhook_retry_base_seconds * 2 ** (attempts_made - 1))


async def record_attempt(
    session: AsyncSession,
    settings: Settings,
    delivery_id: int,
    outcome: sender.Outcome,
    attempted_at: datetime,
) -> None:
    """Save an attempt's outcome; queue the next attempt, or give up; count the webhook's
    failures in a row and turn it off (emailing the project's admins) at 20."""
    # Locks in one order, the webhook and then the delivery, as every writer of both does:
    # turning a webhook off updates its other pending deliveries, which concurrent attempts
    # (other workers) hold; locking a delivery first deadlocked against that.
    webhook = (
        await session.scalars(
            select(Webhook)
            .where(
                Webhook.id
                == select(WebhookDelivery.webhook_id)
                .where(WebhookDelivery.id == delivery_id)
                .scalar_subquery()
            )
            .with_for_update()
        )
    ).one_or_none()
    delivery = await session.get(WebhookDelivery, delivery_id, with_for_update=True)
    if delivery is None or delivery.state != "pending":
        return
    delivery.attempt += 1
    delivery.status_code = outcome.status_code
    delivery.duration_ms = outcome.duration_ms
    delivery.error = outcome.error
    delivery.response_body = outcome.response_body
    delivery.last_attempt_at = attempted_at
    delivery.next_attempt_at = None
    if outcome.succeeded:
        delivery.state = "succeeded"
    elif delivery.attempt < MAX_ATTEMPTS:
        delay = retry_delay(settings, delivery.attempt)
        delivery.next_attempt_at = attempted_at + delay
        defer_job(
            session,
            DELIVER_JOB,
            key=f"{DELIVER_JOB}:{delivery.id}:{delivery.attempt + 1}",
            delay_seconds=delay.total_seconds(),
            delivery_id=delivery.id,
        )
    else:
        delivery.state = "failed"
    if webhook is None:
        return
    webhook.last_delivery_at = attempted_at
    if outcome.succeeded:
        webhook.failure_count = 0
        return
    webhook.failure_count += 1
    if webhook.active and webhook.failure_count >= DISABLE_AFTER_FAILURES:
        webhook.active = False
        await _stop_pending(session, webhook.id)
        for admin in await queries.project_admins(session, webhook.project_id):
            enqueue_email(session, emails.disabled_email(settings, admin, webhook))
        if delivery.redelivery_of is None and delivery.event != PING:
            delivery.state = "failed"
            delivery.next_attempt_at = None


async def _stop_pending(session: AsyncSession, webhook_id: int) -> None:
    """A webhook turned off stops retrying: its pending automatic deliveries fail now."""
    await session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.webhook_id == webhook_id,
            WebhookDelivery.state == "pending",
            WebhookDelivery.redelivery_of.is_(None),
            WebhookDelivery.event != PING,
        )
        .values(state="failed", next_attempt_at=None),
        execution_options={"synchronize_session": False},
    )


async def load_for_attempt(
    session: AsyncSession, delivery_id: int
) -> tuple[WebhookDelivery, Webhook] | None:
    """The delivery and its webhook if it is still to be sent: pending, and the webhook on
    (or a ping or a redelivery, which an admin asked for)."""
    row = (
        await session.execute(
            select(WebhookDelivery, Webhook)
            .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
            .where(WebhookDelivery.id == delivery_id)
        )
    ).first()
    if row is None:
        return None
    delivery, webhook = row
    manual = delivery.event == PING or delivery.redelivery_of is not None
    if delivery.state != "pending" or not (webhook.active or manual):
        return None
    return delivery, webhook
