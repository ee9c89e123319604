"""Webhooks end to end with real processes: two `taskflow serve` and two `taskflow worker`
on PostgreSQL + Redis, three real receivers (verifying, failing twice, hanging), driven by a
personal API token: every delivery arrives signed, exactly once (the failing receiver's
three times under one delivery id), and the hanging receiver holds up nobody."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.servers import ServerProcess, run_server, run_worker
from tests.webhook_receivers import Receiver

API = "/api/v1"
PASSWORD = "a long and unusual passphrase"


# Fewer than 20: the flaky receiver fails each delivery's first attempt, and 20 failures in
# a row would turn its webhook off.
EVENTS = 16
# A hanging attempt's timeout: every other delivery must arrive well before it, which
# proves none waited behind the hanging ones (long, so that a loaded machine cannot blur it).
HANG_TIMEOUT = 30


@pytest.fixture
def servers(
    postgres_url: str, redis_url: str, tmp_path: Path
) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    settings = {
        "TASKFLOW_DATABASE_URL": postgres_url,
        "TASKFLOW_REDIS_URL": redis_url,
        "TASKFLOW_WEBHOOK_ALLOW_PRIVATE": "true",
        "TASKFLOW_WEBHOOK_RETRY_BASE_SECONDS": "1",
        "TASKFLOW_WEBHOOK_TIMEOUT_SECONDS": str(HANG_TIMEOUT),
    }
    with (
        # Four processes start at once on a small machine: give them time.
        run_server(tmp_path / "a", settings, live_timeout=180) as a,
        run_server(tmp_path / "b", settings, live_timeout=180) as b,
        run_worker(tmp_path / "worker1", settings),
        run_worker(tmp_path / "worker2", settings),
    ):
        yield a, b


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


async def test_every_delivery_arrives_once_signed_and_a_hanging_receiver_holds_up_nobody(
    servers: tuple[ServerProcess, ServerProcess],
) -> None:
    verifying, failing, hanging = (
        Receiver("verify"),
        Receiver("flaky", fail_times=1),
        Receiver("hang"),
    )
    try:
        async with httpx.AsyncClient(timeout=15) as http:
            bases = [f"{server.url}{API}" for server in servers]
            base = bases[0]
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

            # The workers are up once they have delivered a ping each way (they start slowly
            # on a busy machine).
            for server_base in bases:
                ping = await http.post(
                    f"{server_base}/webhooks/{hooks['verify']['id']}/ping", headers=token
                )
                assert ping.status_code == 202
            await asyncio.to_thread(verifying.wait_for, 2, 120.0)
            verifying.received.clear()

            # The events are made on both app processes, alternately, at once.
            started = time.monotonic()
            made_tasks = await asyncio.gather(
                *(
                    http.post(
                        f"{bases[n % 2]}/tasks",
                        json={"title": f"t{n}", "project_id": project_id},
                        headers=token,
                    )
                    for n in range(EVENTS)
                )
            )
            assert [t.status_code for t in made_tasks] == [201] * EVENTS
            task_ids = {t.json()["id"] for t in made_tasks}
            # The hanging receiver holds some of each worker's slots; the others keep
            # flowing: all arrive before even the first hanging attempt has timed out.
            got = await asyncio.to_thread(verifying.wait_for, EVENTS, HANG_TIMEOUT - 5)
            assert time.monotonic() - started < HANG_TIMEOUT - 5
            assert all(r.signature_ok for r in got)
            assert {r.json["task_id"] for r in got} == task_ids

            # Each delivery fails once and then succeeds, under one delivery id, after its
            # backoff (1 s): two requests each, no more.
            attempts = await asyncio.to_thread(failing.wait_for, 2 * EVENTS, 60.0)
            assert all(r.signature_ok for r in attempts)

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
            assert [item["attempt"] for item in log] == [2] * EVENTS
            # Exactly once: nothing more arrives later (a lost job retried twice, a delivery
            # sent by both workers), and each request is a delivery of the log.
            await asyncio.sleep(2)
            for receiver, per_delivery, name in ((verifying, 1, "verify"), (failing, 2, "fail")):
                by_delivery = Counter(r.headers["x-taskflow-delivery"] for r in receiver.received)
                assert sorted(by_delivery.values()) == [per_delivery] * EVENTS
                logged = await log_of(name)
                events = {str(item["id"]) for item in logged if item["event"] == "task.created"}
                assert events == set(by_delivery)
                assert all(
                    str(r.json["id"]) == r.headers["x-taskflow-delivery"] for r in receiver.received
                )
            # The hanging receiver's attempts end at the timeout, logged as such.
            deadline = time.monotonic() + HANG_TIMEOUT + 30
            while time.monotonic() < deadline:
                hung = await log_of("hang")
                if any(item["error"] and "timed out" in item["error"] for item in hung):
                    break
                await asyncio.sleep(0.5)
            assert len(hung) == EVENTS
            assert any(item["error"] and "timed out" in item["error"] for item in hung)
    finally:
        for receiver in (verifying, failing, hanging):
            receiver.close()
