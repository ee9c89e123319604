"""Two real `taskflow serve` processes on one PostgreSQL and one Redis, plus a real worker.

What one process does, the other sees: tokens, spent refresh tokens, rate-limit counts and
live events cross processes, and emails go through the Redis job queue to `taskflow worker`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect

from tests.conftest import SmtpServer
from tests.factories import link_token
from tests.servers import ServerProcess, run_server, run_worker

API = "/api/v1"
PASSWORD = "a long and unusual passphrase"


@dataclass
class Cluster:
    a: ServerProcess
    b: ServerProcess
    smtp: SmtpServer


@pytest.fixture
def cluster(
    postgres_url: str, redis_url: str, smtp_server: SmtpServer, tmp_path: Path
) -> Iterator[Cluster]:
    settings = {
        "TASKFLOW_DATABASE_URL": postgres_url,
        "TASKFLOW_REDIS_URL": redis_url,
        "TASKFLOW_SMTP_HOST": smtp_server.host,
        "TASKFLOW_SMTP_PORT": str(smtp_server.port),
        "TASKFLOW_SMTP_TLS": "none",
        "TASKFLOW_LOGIN_MAX_ATTEMPTS": "4",
    }
    with (
        run_server(tmp_path / "a", settings) as a,
        run_server(tmp_path / "b", settings) as b,
        run_worker(tmp_path / "worker", settings),
    ):
        yield Cluster(a, b, smtp_server)


async def _register(cluster: Cluster, http: httpx.AsyncClient, name: str) -> dict[str, Any]:
    response = await http.post(
        f"{cluster.a.url}{API}/auth/register",
        json={"email": f"{name}@example.com", "username": name, "password": PASSWORD},
    )
    assert response.status_code == 201, response.text
    user: dict[str, Any] = response.json()
    return user


async def _login(server: ServerProcess, http: httpx.AsyncClient, name: str) -> dict[str, Any]:
    response = await http.post(
        f"{server.url}{API}/auth/token", data={"username": name, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    tokens: dict[str, Any] = response.json()
    return tokens


def _bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def test_processes_share_accounts_tokens_and_mail(cluster: Cluster) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        await _register(cluster, http, "ada")
        # The verification mail went through Redis to the worker process, then to SMTP.
        [mail] = await cluster.smtp.wait_for(1, within_seconds=20)
        token = link_token(mail, "/verify-email")
        verified = await http.post(
            f"{cluster.b.url}{API}/auth/verify/confirm", json={"token": token}
        )
        assert verified.status_code == 200
        assert verified.json()["is_verified"] is True

        from_a = await _login(cluster.a, http, "ada")
        me = await http.get(f"{cluster.b.url}{API}/users/me", headers=_bearer(from_a))
        assert me.status_code == 200
        assert me.json()["username"] == "ada"

        rotated = await http.post(
            f"{cluster.b.url}{API}/auth/refresh", json={"refresh_token": from_a["refresh_token"]}
        )
        assert rotated.status_code == 200
        replay = await http.post(
            f"{cluster.a.url}{API}/auth/refresh", json={"refresh_token": from_a["refresh_token"]}
        )
        assert replay.status_code == 401
        # Reuse detected on A revoked the family B rotated: the newest token is dead too.
        newest = await http.post(
            f"{cluster.a.url}{API}/auth/refresh",
            json={"refresh_token": rotated.json()["refresh_token"]},
        )
        assert newest.status_code == 401


async def test_login_limit_counts_attempts_on_both_processes(cluster: Cluster) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        await _register(cluster, http, "grace")
        statuses = []
        for attempt in range(4):  # TASKFLOW_LOGIN_MAX_ATTEMPTS=4, alternating A and B
            server = cluster.a if attempt % 2 == 0 else cluster.b
            response = await http.post(
                f"{server.url}{API}/auth/token", data={"username": "grace", "password": "wrong!"}
            )
            statuses.append(response.status_code)
        assert statuses == [401, 401, 401, 401]
        for server in (cluster.a, cluster.b):
            blocked = await http.post(
                f"{server.url}{API}/auth/token", data={"username": "grace", "password": PASSWORD}
            )
            assert blocked.status_code == 429
            assert int(blocked.headers["Retry-After"]) > 0


async def test_a_change_through_b_reaches_a_websocket_on_a(cluster: Cluster) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        await _register(cluster, http, "owner")
        await _register(cluster, http, "member")
        owner = await _login(cluster.b, http, "owner")
        member = await _login(cluster.a, http, "member")
        project = await http.post(
            f"{cluster.b.url}{API}/projects", json={"name": "Shared"}, headers=_bearer(owner)
        )
        assert project.status_code == 201
        project_id = project.json()["id"]
        added = await http.post(
            f"{cluster.b.url}{API}/projects/{project_id}/members",
            json={"user": "member", "role": "editor"},
            headers=_bearer(owner),
        )
        assert added.status_code == 201

        async with connect(cluster.a.ws_url) as websocket:
            await websocket.send(json.dumps({"type": "auth", "token": member["access_token"]}))
            assert json.loads(await asyncio.wait_for(websocket.recv(), 5)) == {"type": "ready"}
            created = await http.post(
                f"{cluster.b.url}{API}/tasks",
                json={"title": "Made on B", "project_id": project_id},
                headers=_bearer(owner),
            )
            assert created.status_code == 201
            event = json.loads(await asyncio.wait_for(websocket.recv(), 1.0))
        assert event["type"] == "task.created"
        assert event["task_id"] == created.json()["id"]
        assert event["project_id"] == project_id
