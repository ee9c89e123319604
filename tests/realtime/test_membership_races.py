"""No event about a project reaches a user after the response that removed them (issue 23.3).

Deterministic versions of the races, in one process: a socket's read of its user's projects
is held at the worst moment (after the database answered, before the hub is told) while the
removal commits and is announced. Across two processes, with the timing left to chance:
tests/multiprocess/test_realtime_cluster.py.
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from collections.abc import Awaitable, Callable

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.realtime import service as realtime_service
from taskflow.realtime.service import project_ids_for
from tests.factories import UserWithTokens
from tests.factories_domain import API, add_member, make_project, make_task, quick_user
from tests.realtime.sockets import messages_until_pong, next_of_type, open_socket

ProjectRead = Callable[[AsyncSession, int], Awaitable[set[int]]]


class HeldRead:
    """Wraps the realtime layer's project read: from the `first` read for `user_id` on, each
    read returns only once released (its answer, read before, may then be stale)."""

    def __init__(self, original: ProjectRead, user_id: int, first: int = 1) -> None:
        self.original = original
        self.user_id = user_id
        self.first = first
        self.reads = 0
        self.answered: dict[int, asyncio.Event] = defaultdict(asyncio.Event)
        self.released: dict[int, asyncio.Event] = defaultdict(asyncio.Event)

    async def __call__(self, session: AsyncSession, user_id: int) -> set[int]:
        project_ids = await self.original(session, user_id)
        if user_id == self.user_id:
            self.reads += 1
            number = self.reads - self.first + 1
            if number >= 1:
                self.answered[number].set()
                await self.released[number].wait()
        return project_ids

    async def wait_answered(self, number: int) -> None:
        await asyncio.wait_for(self.answered[number].wait(), 5)

    def release(self, number: int) -> None:
        self.released[number].set()

    def release_all(self) -> None:
        for number in range(1, self.reads + 2):
            self.release(number)


async def _setup(
    app: FastAPI, client: AsyncClient
) -> tuple[UserWithTokens, UserWithTokens, int, int]:
    owner, member = await quick_user(app), await quick_user(app)
    project = await make_project(client, owner, "Shared")
    task = await make_task(client, owner, "Spec", project_id=project["id"])
    return owner, member, project["id"], task["id"]


async def _rename(client: AsyncClient, owner: UserWithTokens, task_id: int, title: str) -> None:
    response = await client.patch(
        f"{API}/tasks/{task_id}", json={"title": title}, headers=owner.headers
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("how", ["removed", "left"])
async def test_a_socket_whose_project_read_straddles_a_removal_never_hears_the_project(
    app: FastAPI,
    client: AsyncClient,
    ws_url: str,
    monkeypatch: pytest.MonkeyPatch,
    how: str,
) -> None:
    owner, member, project_id, task_id = await _setup(app, client)
    await add_member(client, project_id, owner, member)
    observer = await open_socket(ws_url, owner.tokens.access_token)
    held = HeldRead(project_ids_for, member.id)
    monkeypatch.setattr(realtime_service, "project_ids_for", held)

    connecting = asyncio.create_task(open_socket(ws_url, member.tokens.access_token))
    await held.wait_answered(1)  # it read: still a member
    remover = member if how == "left" else owner
    response = await client.delete(
        f"{API}/projects/{project_id}/members/{member.id}", headers=remover.headers
    )
    assert response.status_code == 204
    held.release(1)
    websocket = await connecting

    await _rename(client, owner, task_id, "after the removal")
    await next_of_type(observer, "task.updated")
    heard = await messages_until_pong(websocket)
    assert [m for m in heard if "after the removal" in json.dumps(m)] == []
    await websocket.close()
    await observer.close()


async def test_a_reload_that_read_before_a_removal_does_not_bring_the_project_back(
    app: FastAPI, client: AsyncClient, ws_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The member is added (their socket re-reads its projects), and removed while that read
    is held: the read's stale answer must not subscribe them again."""
    owner, member, project_id, task_id = await _setup(app, client)
    observer = await open_socket(ws_url, owner.tokens.access_token)
    websocket = await open_socket(ws_url, member.tokens.access_token)
    held = HeldRead(project_ids_for, member.id)
    monkeypatch.setattr(realtime_service, "project_ids_for", held)

    await add_member(client, project_id, owner, member)
    await held.wait_answered(1)  # the re-read saw the membership
    response = await client.delete(
        f"{API}/projects/{project_id}/members/{member.id}", headers=owner.headers
    )
    assert response.status_code == 204
    held.release(1)
    # The removal had the socket re-read its projects again: once that read started, the
    # stale answer was applied (or not). Held, it cannot mend anything before the rename.
    await held.wait_answered(2)

    await _rename(client, owner, task_id, "after the removal")
    await next_of_type(observer, "task.updated")
    heard = await messages_until_pong(websocket)
    # (The member's own `notification.created` for being added is not a project event.)
    types = [m["type"] for m in heard if m["type"] != "notification.created"]
    assert types == ["member.added", "member.removed"]
    held.release_all()
    await websocket.close()
    await observer.close()


async def test_a_member_hears_a_project_from_the_event_that_adds_them(
    app: FastAPI, client: AsyncClient, ws_url: str
) -> None:
    owner, member, project_id, task_id = await _setup(app, client)
    websocket = await open_socket(ws_url, member.tokens.access_token)
    await add_member(client, project_id, owner, member)
    await _rename(client, owner, task_id, "right after the add")
    added, renamed = (
        await next_of_type(websocket, "member.added"),
        await next_of_type(websocket, "task.updated"),
    )
    assert added["data"]["user_id"] == member.id
    assert renamed["task_id"] == task_id
    await websocket.close()
