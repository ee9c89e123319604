"""Notifications across real processes: a comment made on app process A reaches the
watcher's socket on process B within a second (PostgreSQL + Redis), and only theirs; the
worker emails it through the Redis job queue."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect

from tests.conftest import SmtpServer
from tests.servers import ServerProcess, run_server, run_worker

API = "/api/v1"
PASSWORD = "a long and unusual passphrase"


@pytest.fixture
def servers(
    postgres_url: str, redis_url: str, smtp_server: SmtpServer, tmp_path: Path
) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    settings = {
        "TASKFLOW_DATABASE_URL": postgres_url,
        "TASKFLOW_REDIS_URL": redis_url,
        "TASKFLOW_SMTP_HOST": smtp_server.host,
        "TASKFLOW_SMTP_PORT": str(smtp_server.port),
        "TASKFLOW_SMTP_TLS": "none",
    }
    with (
        run_server(tmp_path / "a", settings) as a,
        run_server(tmp_path / "b", settings) as b,
        run_worker(tmp_path / "worker", settings),
    ):
        yield a, b


async def _account(http: httpx.AsyncClient, server: ServerProcess, name: str) -> dict[str, Any]:
    response = await http.post(
        f"{server.url}{API}/auth/register",
        json={"email": f"{name}@example.com", "username": name, "password": PASSWORD},
    )
    assert response.status_code == 201, response.text
    tokens = await http.post(
        f"{server.url}{API}/auth/token", data={"username": name, "password": PASSWORD}
    )
    assert tokens.status_code == 200, tokens.text
    user: dict[str, Any] = response.json()
    user["headers"] = {"Authorization": f"Bearer {tokens.json()['access_token']}"}
    user["token"] = tokens.json()["access_token"]
    return user


async def _socket(server: ServerProcess, token: str) -> ClientConnection:
    url = server.url.replace("http", "ws", 1) + f"{API}/ws"
    websocket = await connect(url)
    await websocket.send(json.dumps({"type": "auth", "token": token}))
    assert json.loads(await asyncio.wait_for(websocket.recv(), 5)) == {"type": "ready"}
    return websocket


async def _next_notification(websocket: ClientConnection, within: float) -> Any:
    async with asyncio.timeout(within):
        while True:
            message = json.loads(await websocket.recv())
            if message["type"] == "notification.created":
                return message


async def test_a_comment_on_a_reaches_the_watcher_on_b_within_a_second(
    servers: tuple[ServerProcess, ServerProcess], smtp_server: SmtpServer
) -> None:
    a, b = servers
    async with httpx.AsyncClient(timeout=10) as http:
        owner = await _account(http, a, "owner")
        watcher = await _account(http, b, "watcher")
        bystander = await _account(http, b, "bystander")
        project = (
            await http.post(f"{a.url}{API}/projects", json={"name": "P"}, headers=owner["headers"])
        ).json()
        for user in (watcher, bystander):
            added = await http.post(
                f"{a.url}{API}/projects/{project['id']}/members",
                json={"user": user["username"], "role": "viewer"},
                headers=owner["headers"],
            )
            assert added.status_code == 201
        task = (
            await http.post(
                f"{a.url}{API}/tasks",
                json={"title": "Watched", "project_id": project["id"]},
                headers=owner["headers"],
            )
        ).json()
        watched = await http.put(
            f"{b.url}{API}/tasks/{task['id']}/watch", headers=watcher["headers"]
        )
        assert watched.status_code == 204
        watcher_socket = await _socket(b, watcher["token"])
        bystander_socket = await _socket(b, bystander["token"])
        try:
            started = time.monotonic()
            comment = await http.post(
                f"{a.url}{API}/tasks/{task['id']}/comments",
                json={"body": "news from A"},
                headers=owner["headers"],
            )
            assert comment.status_code == 201
            message = await _next_notification(watcher_socket, within=1.0)
            assert time.monotonic() - started < 1.0
            assert message["data"]["type"] == "commented"
            assert message["data"]["task_id"] == task["id"]
            assert message["data"]["actor"]["username"] == "owner"
            with pytest.raises(TimeoutError):
                await _next_notification(bystander_socket, within=0.5)
        finally:
            await watcher_socket.close()
            await bystander_socket.close()
        # And the worker emailed it (after the member_added ones).
        async with asyncio.timeout(15):
            while not any(
                m["To"] == "watcher@example.com" and "commented" in str(m["Subject"])
                for m in smtp_server.messages
            ):
                await asyncio.sleep(0.1)
