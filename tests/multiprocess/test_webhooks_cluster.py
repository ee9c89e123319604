"""Webhooks end to end with real processes: `taskflow serve` and `taskflow worker` on
PostgreSQL + Redis, three real receivers (verifying, failing twice, hanging), driven by a
personal API token."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.servers import ServerProcess, run_server, run_worker
from tests.webhook_receivers import Receiver

API = "/api/v1"
PASSWORD = "a long and unusual passphrase"


@pytest.fixture
def server(postgres_url: str, redis_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    settings = {
        "TASKFLOW_DATABASE_URL": postgres_url,
        "TASKFLOW_REDIS_URL": redis_url,
        "TASKFLOW_WEBHOOK_ALLOW_PRIVATE": "true",
        "TASKFLOW_WEBHOOK_RETRY_BASE_SECONDS": "1",
        "TASKFLOW_WEBHOOK_TIMEOUT_SECONDS": "10",
    }
    with run_server(tmp_path / "app", settings) as app, run_worker(tmp_path / "worker", settings):
        yield app


async def _token(http: httpx.AsyncClient, base: str) -> dict[str, str]:
    registered = await http.post(
        f"{base}/auth/register",
        json={"email": "hooks@example.com", "username": "hooks", "password": PASSWORD},
    )
    assert registered.status_code == 201, registered.text
    login = await http.post(f"{base}/auth/token", data={"username": "hooks", "password": PASSWORD})
    session = {"Authorization": f"Bearer {login.json()['access_token']}"}
    created = await http.post(
        f"{base}/auth/api-tokens", json={"name": "ci", "scopes": ["read", "write"]}, headers=session
    )
    assert created.status_code == 201, created.text
    return {"Authorization": f"Bearer {created.json()['token']}"}


async def test_the_worker_delivers_signed_retries_and_is_not_held_by_a_hanging_receiver(
    server: ServerProcess,
) -> None:
    verifying, failing, hanging = (
        Receiver("verify"),
        Receiver("fail", fail_times=2),
        Receiver("hang"),
    )
    try:
        async with httpx.AsyncClient(timeout=15) as http:
            base = f"{server.url}{API}"
            token = await _token(http, base)
            project = await http.post(f"{base}/projects", json={"name": "Hooks"}, headers=token)
            assert project.status_code == 201, project.text
            project_id = project.json()["id"]
            hooks: dict[str, Any] = {}
            for name, receiver in (("hang", hanging), ("verify", verifying), ("fail", failing)):
                made = await http.post(
                    f"{base}/projects/{project_id}/webhooks",
                    json={"url": receiver.url, "events": ["task.created"]},
                    headers=token,
                )
                assert made.status_code == 201, made.text
                receiver.secret = made.json()["secret"]
                hooks[name] = made.json()

            # The worker is up once it has delivered a ping (it starts slowly on a busy machine).
            ping = await http.post(f"{base}/webhooks/{hooks['verify']['id']}/ping", headers=token)
            assert ping.status_code == 202
            await asyncio.to_thread(verifying.wait_for, 1, 120.0)
            verifying.received.clear()

            for n in range(10):
                task = await http.post(
                    f"{base}/tasks",
                    json={"title": f"t{n}", "project_id": project_id},
                    headers=token,
                )
                assert task.status_code == 201
            created = time.monotonic()
            # The hanging receiver holds some of the worker's slots; the others keep flowing:
            # all ten arrive before even the first hanging attempt has timed out (10 s).
            got = await asyncio.to_thread(verifying.wait_for, 10, 10.0)
            assert time.monotonic() - created < 10
            assert all(r.signature_ok for r in got)
            assert len({r.json["task_id"] for r in got}) == 10

            # 2 failures then success, for each of the 10 deliveries, with backoff (1 s, 2 s).
            attempts = await asyncio.to_thread(failing.wait_for, 30, 60.0)
            by_delivery: dict[str, int] = {}
            for request in attempts:
                key = request.headers["x-taskflow-delivery"]
                by_delivery[key] = by_delivery.get(key, 0) + 1
            assert sorted(by_delivery.values()) == [3] * 10

            async def log_of(name: str) -> list[dict[str, Any]]:
                page = await http.get(
                    f"{base}/webhooks/{hooks[name]['id']}/deliveries",
                    params={"limit": 100},
                    headers=token,
                )
                assert page.status_code == 200
                items: list[dict[str, Any]] = page.json()["items"]
                return items

            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                log = await log_of("fail")
                if all(item["state"] == "succeeded" for item in log):
                    break
                await asyncio.sleep(0.3)
            assert [item["attempt"] for item in log] == [3] * 10
            hung = await log_of("hang")
            assert any(item["error"] and "timed out" in item["error"] for item in hung)
    finally:
        for receiver in (verifying, failing, hanging):
            receiver.close()
