"""Creating notifications in tests the way a domain service does: `notify` in a unit of work."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from httpx import AsyncClient

from taskflow.core.unit_of_work import UnitOfWork
from taskflow.notifications.models import NotificationType
from taskflow.notifications.service import notify
from taskflow.users.models import User
from tests.factories import UserWithTokens
from tests.factories_domain import API, Team, make_team


async def notify_now(
    app: FastAPI,
    *,
    recipients: list[int],
    actor: UserWithTokens | None,
    project_id: int,
    task_id: int | None = None,
    type: NotificationType = NotificationType.ASSIGNED,
    data: dict[str, Any] | None = None,
) -> list[int]:
    uow: UnitOfWork = app.state.uow
    async with uow.begin() as session:
        actor_user = await session.get(User, actor.id) if actor is not None else None
        return await notify(
            session,
            type=type,
            recipients=recipients,
            actor=actor_user,
            project_id=project_id,
            task_id=task_id,
            data=data or {"task_title": "T"},
        )


async def inbox(client: AsyncClient, user: UserWithTokens, **params: Any) -> dict[str, Any]:
    response = await client.get(f"{API}/notifications", params=params, headers=user.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def unread(client: AsyncClient, user: UserWithTokens) -> int:
    response = await client.get(f"{API}/notifications/unread-count", headers=user.headers)
    assert response.status_code == 200, response.text
    count: int = response.json()["count"]
    return count


async def quiet_team(app: FastAPI, client: AsyncClient) -> Team:
    """`make_team` with everyone's inbox emptied of the `member_added` it brought."""
    team = await make_team(app, client)
    for member in (team.admin, team.editor, team.viewer):
        await clear_inbox(client, member)
    return team


async def clear_inbox(client: AsyncClient, user: UserWithTokens) -> None:
    """Mark everything read and forget it (the tests then count only what comes next)."""
    response = await client.post(
        f"{API}/notifications/read", json={"all": True}, headers=user.headers
    )
    assert response.status_code == 204, response.text
