"""Restoring from the trash reaches another user's socket on another `taskflow serve` process
(PostgreSQL + Redis, issue 19): user A restores through process 1, user B listens on process 2,
and what crosses is the Redis event bus."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.realtime.sockets import messages_until_pong, open_socket
from tests.servers import ServerProcess, run_server

API = "/api/v1"
PASSWORD = "a long and unusual passphrase"


@pytest.fixture
def servers(
    postgres_url: str, redis_url: str, tmp_path: Path
) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    settings = {"TASKFLOW_DATABASE_URL": postgres_url, "TASKFLOW_REDIS_URL": redis_url}
    with (
        run_server(tmp_path / "one", settings) as one,
        run_server(tmp_path / "two", settings) as two,
    ):
        yield one, two


async def _account(http: httpx.AsyncClient, server: ServerProcess, name: str) -> tuple[int, str]:
    registered = await http.post(
        f"{server.url}{API}/auth/register",
        json={"email": f"{name}@example.com", "username": name, "password": PASSWORD},
    )
    assert registered.status_code == 201, registered.text
    token = await http.post(
        f"{server.url}{API}/auth/token", data={"username": name, "password": PASSWORD}
    )
    assert token.status_code == 200, token.text
    return registered.json()["id"], token.json()["access_token"]


async def _events_until(websocket: Any, verb: str, project_id: int) -> list[dict[str, Any]]:
    """The project's events, in order, up to the first `verb`."""
    heard: list[dict[str, Any]] = []
    async with asyncio.timeout(10):
        while not heard or heard[-1]["type"] != verb:
            message = json.loads(await websocket.recv())
            if message.get("project_id") == project_id:
                heard.append(message)
    return heard


async def test_a_restore_through_one_process_reaches_a_socket_on_the_other(
    servers: tuple[ServerProcess, ServerProcess],
) -> None:
    one, two = servers
    async with httpx.AsyncClient(timeout=10) as http:
        a_id, a_token = await _account(http, one, "restorer")
        _, b_token = await _account(http, one, "watcher")
        a = {"Authorization": f"Bearer {a_token}"}
        api = f"{one.url}{API}"
        project = (await http.post(f"{api}/projects", json={"name": "Shared"}, headers=a)).json()
        added = await http.post(
            f"{api}/projects/{project['id']}/members",
            json={"user": "watcher", "role": "editor"},
            headers=a,
        )
        assert added.status_code == 201, added.text
        task = await http.post(
            f"{api}/tasks", json={"title": "Back again", "project_id": project["id"]}, headers=a
        )
        assert task.status_code == 201, task.text
        task_id = task.json()["id"]
        assert (await http.delete(f"{api}/tasks/{task_id}", headers=a)).status_code == 204
        assert (await http.delete(f"{api}/projects/{project['id']}", headers=a)).status_code == 204

        websocket = await open_socket(two.ws_url, b_token)
        try:
            # The project comes back first (its members, B included, hear it again)...
            restored = await http.post(f"{api}/trash/project/{project['id']}/restore", headers=a)
            assert restored.status_code == 200, restored.text
            heard = await _events_until(websocket, "project.restored", project["id"])
            assert [message["type"] for message in heard] == ["project.restored"]
            # ...and once it is back, the task A restores through process 1.
            restored = await http.post(f"{api}/trash/task/{task_id}/restore", headers=a)
            assert restored.status_code == 200, restored.text
            heard = await _events_until(websocket, "task.restored", project["id"])
            assert [message["type"] for message in heard] == ["task.restored"]
            assert (heard[0]["task_id"], heard[0]["actor_id"]) == (task_id, a_id)
            assert await messages_until_pong(websocket) == []
        finally:
            await websocket.close()

        # What the socket was told is what B now reads, through either process.
        b = {"Authorization": f"Bearer {b_token}"}
        for server in (one, two):
            seen = await http.get(f"{server.url}{API}/tasks/{task_id}", headers=b)
            assert seen.status_code == 200, seen.text
            assert seen.json()["title"] == "Back again"
