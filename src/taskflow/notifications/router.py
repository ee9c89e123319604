"""Routes: /notifications (the inbox) and /users/me/notification-settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from taskflow.auth.dependencies import CurrentUser
from taskflow.core.dependencies import ReadSessionDep, SessionDep
from taskflow.core.errors import error_responses
from taskflow.core.pagination import Page, PaginationDep
from taskflow.notifications import queries, service
from taskflow.notifications.schemas import (
    MarkRead,
    NotificationPublic,
    NotificationSettingsPublic,
    NotificationSettingsUpdate,
    UnreadCount,
)

router = APIRouter(tags=["notifications"], responses=error_responses(401))


@router.get("/notifications")
async def list_notifications(
    session: ReadSessionDep,
    user: CurrentUser,
    page: PaginationDep,
    unread: Annotated[bool, Query(description="only the unread ones")] = False,
) -> Page[NotificationPublic]:
    """The caller's notifications, newest first."""
    return await queries.list_notifications(session, user.id, page, unread=unread)


@router.get("/notifications/unread-count")
async def unread_count(session: ReadSessionDep, user: CurrentUser) -> UnreadCount:
    """How many of the caller's notifications are unread (the bell's badge)."""
    return UnreadCount(count=await queries.unread_count(session, user.id))


@router.post(
    "/notifications/read", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(404)
)
async def mark_read(session: SessionDep, user: CurrentUser, data: MarkRead) -> None:
    """Mark `ids` (all the caller's own, else 404 and nothing changes) or `all` read."""
    await service.mark_read(session, user, ids=data.ids, everything=bool(data.all))


@router.get("/users/me/notification-settings")
async def get_settings(session: ReadSessionDep, user: CurrentUser) -> NotificationSettingsPublic:
    """Which notifications the caller gets by email, and the daily digest."""
    return await service.get_settings(session, user)


@router.patch("/users/me/notification-settings")
async def update_settings(
    session: SessionDep, user: CurrentUser, data: NotificationSettingsUpdate
) -> NotificationSettingsPublic:
    """Change some of the settings; the rest stay."""
    return await service.update_settings(session, user, data)
