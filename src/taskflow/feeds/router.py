"""The calendar feed: its secret URL (under /users/me) and the feed (`/calendar/{token}.ics`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from taskflow.auth.dependencies import CurrentUser, SettingsDep
from taskflow.core.dependencies import ReadSessionDep, SessionDep
from taskflow.core.errors import error_responses
from taskflow.core.validation import MAX_ID
from taskflow.feeds import service
from taskflow.feeds.schemas import CalendarTokenPublic

router = APIRouter(tags=["calendar"])

FeedToken = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")]


@router.post(
    "/users/me/calendar-token",
    response_model=CalendarTokenPublic,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 403),
)
async def rotate_calendar_token(
    session: SessionDep, settings: SettingsDep, user: CurrentUser
) -> CalendarTokenPublic:
    """A new secret feed URL; the previous one stops working at once."""
    return CalendarTokenPublic(url=await service.rotate(session, settings, user))


@router.delete(
    "/users/me/calendar-token",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403),
)
async def delete_calendar_token(session: SessionDep, user: CurrentUser) -> None:
    """End the feed: its URL answers 404 from now on."""
    await service.remove(session, user)


@router.get(
    "/calendar/{token}.ics",
    response_class=Response,
    responses={
        200: {"content": {"text/calendar": {}}, "description": "RFC 5545 calendar"},
        **error_responses(404),
    },
)
async def calendar_feed(
    token: FeedToken,
    session: ReadSessionDep,
    settings: SettingsDep,
    project_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    """The feed: one event per open task with a due date in the owner's projects
    (`project_id` narrows it to one). The secret URL is the only credential."""
    body = await service.feed(session, settings, token, project_id=project_id)
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, max-age=300", "X-Robots-Tag": "noindex"},
    )
