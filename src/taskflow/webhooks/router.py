"""Webhooks of a project (its admins): /projects/{id}/webhooks and /webhooks/{id}/..."""

from __future__ import annotations

import json

from fastapi import APIRouter, status

from taskflow.auth.dependencies import CurrentUser, SettingsDep
from taskflow.core.dependencies import ReadSessionDep, SessionDep
from taskflow.core.errors import error_responses
from taskflow.core.pagination import PaginationDep
from taskflow.core.validation import PathId
from taskflow.webhooks import service
from taskflow.webhooks.models import WebhookDelivery
from taskflow.webhooks.schemas import (
    DeliveryPage,
    DeliveryPublic,
    WebhookCreate,
    WebhookCreated,
    WebhookPage,
    WebhookPublic,
    WebhookUpdate,
)

router = APIRouter(tags=["webhooks"])


def _delivery(delivery: WebhookDelivery) -> DeliveryPublic:
    return DeliveryPublic.model_validate(
        {
            **{
                name: getattr(delivery, name)
                for name in DeliveryPublic.model_fields
                if hasattr(delivery, name)
            },
            "request_body": json.loads(service.body_of(delivery)),
        }
    )


@router.get(
    "/projects/{project_id}/webhooks",
    response_model=WebhookPage,
    responses=error_responses(401, 403, 404),
)
async def list_webhooks(
    project_id: PathId, session: ReadSessionDep, user: CurrentUser, page: PaginationDep
) -> WebhookPage:
    """The project's webhooks (admins only), oldest first; secrets are never shown again."""
    items, total = await service.list_for_project(
        session, user, project_id, limit=page.limit, offset=page.offset
    )
    return WebhookPage(
        items=[WebhookPublic.model_validate(item) for item in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.post(
    "/projects/{project_id}/webhooks",
    response_model=WebhookCreated,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 403, 404),
)
async def create_webhook(
    project_id: PathId,
    data: WebhookCreate,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
) -> WebhookCreated:
    """A webhook for the project's events. `secret` signs every delivery and is in this
    reply only. 422 for a URL that is not http(s) or that resolves to a loopback, private,
    link-local or metadata address (unless TASKFLOW_WEBHOOK_ALLOW_PRIVATE), or an unknown
    event name."""
    webhook = await service.create(session, settings, user, project_id, data)
    return WebhookCreated(
        **WebhookPublic.model_validate(webhook).model_dump(), secret=webhook.secret
    )


@router.get(
    "/webhooks/{webhook_id}", response_model=WebhookPublic, responses=error_responses(401, 403, 404)
)
async def read_webhook(
    webhook_id: PathId, session: ReadSessionDep, user: CurrentUser
) -> WebhookPublic:
    return WebhookPublic.model_validate(await service.get(session, user, webhook_id))


@router.patch(
    "/webhooks/{webhook_id}", response_model=WebhookPublic, responses=error_responses(401, 403, 404)
)
async def update_webhook(
    webhook_id: PathId,
    data: WebhookUpdate,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
) -> WebhookPublic:
    """Change the URL, the events, or turn it on/off (on again: its failure count restarts)."""
    webhook = await service.update_webhook(session, settings, user, webhook_id, data)
    return WebhookPublic.model_validate(webhook)


@router.delete(
    "/webhooks/{webhook_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404),
)
async def delete_webhook(webhook_id: PathId, session: SessionDep, user: CurrentUser) -> None:
    """Delete the webhook and its delivery log; pending deliveries are not sent."""
    await service.delete_webhook(session, user, webhook_id)


@router.post(
    "/webhooks/{webhook_id}/ping",
    response_model=DeliveryPublic,
    status_code=status.HTTP_202_ACCEPTED,
    responses=error_responses(401, 403, 404),
)
async def ping_webhook(
    webhook_id: PathId, session: SessionDep, user: CurrentUser
) -> DeliveryPublic:
    """Send a `ping` event now (also to a webhook that is off); see it in the deliveries."""
    return _delivery(await service.ping(session, user, webhook_id))


@router.get(
    "/webhooks/{webhook_id}/deliveries",
    response_model=DeliveryPage,
    responses=error_responses(401, 403, 404),
)
async def list_deliveries(
    webhook_id: PathId, session: ReadSessionDep, user: CurrentUser, page: PaginationDep
) -> DeliveryPage:
    """The delivery log, newest first: each event's latest attempt, request and answer."""
    items, total = await service.list_deliveries(
        session, user, webhook_id, limit=page.limit, offset=page.offset
    )
    return DeliveryPage(
        items=[_delivery(item) for item in items], total=total, limit=page.limit, offset=page.offset
    )


@router.post(
    "/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver",
    response_model=DeliveryPublic,
    status_code=status.HTTP_202_ACCEPTED,
    responses=error_responses(401, 403, 404),
)
async def redeliver(
    webhook_id: PathId, delivery_id: PathId, session: SessionDep, user: CurrentUser
) -> DeliveryPublic:
    """Send that delivery's event again, as a new delivery (also to a webhook that is off)."""
    return _delivery(await service.redeliver(session, user, webhook_id, delivery_id))
