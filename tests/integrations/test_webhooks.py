"""Webhooks (SPEC §8) against real HTTP receivers: signed deliveries after commit, retries
with backoff and a stable delivery id, a hanging receiver that delays nobody, the delivery
log, ping and redeliver, auto-disable with an email, and every bad input refused."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import func, select, update

from taskflow.db import Database
from taskflow.webhooks.models import Webhook, WebhookDelivery
from tests.conftest import SmtpServer
from tests.factories import UserWithTokens
from tests.factories_domain import make_team
from tests.webhook_receivers import Receiver


@pytest.fixture
def settings_overrides(smtp_server: SmtpServer) -> dict[str, object]:
    return {
        "webhook_allow_private": True,
        "webhook_retry_base_seconds": 0.2,
        "webhook_timeout_seconds": 1.5,
        **smtp_server.settings,
    }


@pytest.fixture
def receivers() -> Iterator[list[Receiver]]:
    made: list[Receiver] = []
    yield made
    for receiver in made:
        receiver.close()


def _receiver(receivers: list[Receiver], mode: str = "verify", **options: Any) -> Receiver:
    receiver = Receiver(mode, **options)
    receivers.append(receiver)
    return receiver


async def _hook(
    client: AsyncClient,
    user: UserWithTokens,
    project_id: int,
    receiver: Receiver,
    events: list[str],
) -> dict[str, Any]:
    response = await client.post(
        f"/api/v1/projects/{project_id}/webhooks",
        json={"url": receiver.url, "events": events},
        headers=user.headers,
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    receiver.secret = created["secret"]
    return created


async def _eventually(check: Any, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


async def _wait(receiver: Receiver, count: int, timeout: float = 10.0) -> None:
    await asyncio.to_thread(receiver.wait_for, count, timeout)


async def test_a_change_is_delivered_signed_after_commit_and_logged(
    app: FastAPI, client: AsyncClient, receivers: list[Receiver]
) -> None:
    team = await make_team(app, client)
    project_id = team.project["id"]
    receiver = _receiver(receivers)
    hook = await _hook(client, team.admin, project_id, receiver, ["task.created"])
    assert len(hook["secret"]) >= 32
    assert hook["active"] is True
    listed = await client.get(f"/api/v1/projects/{project_id}/webhooks", headers=team.admin.headers)
    assert listed.json()["total"] == 1
    assert "secret" not in listed.json()["items"][0]

    task = await client.post(
        "/api/v1/tasks",
        json={"title": "Ship it", "project_id": project_id},
        headers=team.editor.headers,
    )
    assert task.status_code == 201
    # An event it did not ask for is not sent.
    await client.patch(
        f"/api/v1/tasks/{task.json()['id']}", json={"title": "x"}, headers=team.editor.headers
    )
    await _wait(receiver, 1)
    (got,) = receiver.received
    assert got.signature_ok is True
    assert got.headers["x-taskflow-event"] == "task.created"
    assert got.headers["content-type"] == "application/json"
    body = got.json
    assert body["event"] == "task.created"
    assert body["project_id"] == project_id
    assert body["task_id"] == task.json()["id"]
    assert body["actor_id"] == team.editor.id
    assert str(body["id"]) == got.headers["x-taskflow-delivery"]
    assert set(body) == {"id", "event", "project_id", "task_id", "actor_id", "data", "created_at"}

    async def logged() -> Any:
        page = (
            await client.get(
                f"/api/v1/webhooks/{hook['id']}/deliveries", headers=team.admin.headers
            )
        ).json()
        return page if page["items"] and page["items"][0]["state"] == "succeeded" else None

    page = await _eventually(logged)
    (delivery,) = page["items"]
    assert delivery["id"] == body["id"]
    assert delivery["status_code"] == 204
    assert delivery["attempt"] == 1, (delivery, len(receiver.received))
    assert delivery["error"] is None
    assert delivery["duration_ms"] >= 0
    assert delivery["request_body"] == body
    hook_now = (
        await client.get(f"/api/v1/webhooks/{hook['id']}", headers=team.admin.headers)
    ).json()
    assert hook_now["last_delivery_at"] is not None
    assert hook_now["failure_count"] == 0


async def test_a_failing_receiver_is_retried_with_backoff_under_one_delivery_id(
    app: FastAPI, client: AsyncClient, receivers: list[Receiver]
) -> None:
    team = await make_team(app, client)
    project_id = team.project["id"]
    receiver = _receiver(receivers, "fail", fail_times=2)
    hook = await _hook(client, team.owner, project_id, receiver, ["*"])
    await client.post(
        "/api/v1/tasks", json={"title": "t", "project_id": project_id}, headers=team.owner.headers
    )
    received = await asyncio.to_thread(receiver.wait_for, 3, 15.0)
    ids = {r.headers["x-taskflow-delivery"] for r in received}
    assert len(ids) == 1
    assert len({r.body for r in received}) == 1  # the same bytes, the same signature

    async def done() -> Any:
        page = (
            await client.get(
                f"/api/v1/webhooks/{hook['id']}/deliveries", headers=team.owner.headers
            )
        ).json()
        return page["items"][0] if page["items"][0]["state"] == "succeeded" else None

    delivery = await _eventually(done)
    assert delivery["attempt"] == 3
    assert delivery["status_code"] == 204


async def test_a_hanging_receiver_delays_neither_the_request_nor_other_receivers(
    app: FastAPI, client: AsyncClient, receivers: list[Receiver]
) -> None:
    team = await make_team(app, client)
    project_id = team.project["id"]
    hanging = _receiver(receivers, "hang")
    quick = _receiver(receivers)
    hang_hook = await _hook(client, team.owner, project_id, hanging, ["*"])
    await _hook(client, team.owner, project_id, quick, ["*"])
    started = time.monotonic()
    for n in range(5):
        response = await client.post(
            "/api/v1/tasks",
            json={"title": f"t{n}", "project_id": project_id},
            headers=team.owner.headers,
        )
        assert response.status_code == 201
    assert time.monotonic() - started < 5.0
    await _wait(quick, 5, timeout=5.0)
    assert time.monotonic() - started < 1.5 + 5.0  # well before the hanging ones time out
    assert all(r.signature_ok for r in quick.received)

    async def timed_out() -> Any:
        page = (
            await client.get(
                f"/api/v1/webhooks/{hang_hook['id']}/deliveries", headers=team.owner.headers
            )
        ).json()
        errors = [item["error"] for item in page["items"]]
        return errors if errors and all(e and "timed out" in e for e in errors[:1]) else None

    assert await _eventually(timed_out)


async def test_ping_and_redeliver_send_again_and_show_in_the_log(
    app: FastAPI, client: AsyncClient, receivers: list[Receiver]
) -> None:
    team = await make_team(app, client)
    project_id = team.project["id"]
    receiver = _receiver(receivers)
    hook = await _hook(client, team.admin, project_id, receiver, ["task.created"])
    ping = await client.post(f"/api/v1/webhooks/{hook['id']}/ping", headers=team.admin.headers)
    assert ping.status_code == 202
    assert ping.json()["event"] == "ping"
    await _wait(receiver, 1)
    assert receiver.received[0].headers["x-taskflow-event"] == "ping"
    await client.post(
        "/api/v1/tasks", json={"title": "t", "project_id": project_id}, headers=team.admin.headers
    )
    await _wait(receiver, 2)
    first_id = int(receiver.received[1].headers["x-taskflow-delivery"])
    again = await client.post(
        f"/api/v1/webhooks/{hook['id']}/deliveries/{first_id}/redeliver", headers=team.admin.headers
    )
    assert again.status_code == 202
    assert again.json()["redelivery_of"] == first_id
    assert again.json()["id"] != first_id
    await _wait(receiver, 3)
    assert receiver.received[2].json["task_id"] == receiver.received[1].json["task_id"]
    assert receiver.received[2].signature_ok
    page = (
        await client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=team.admin.headers)
    ).json()
    assert [item["id"] for item in page["items"]] == sorted(
        (item["id"] for item in page["items"]), reverse=True
    )
    missing = await client.post(
        f"/api/v1/webhooks/{hook['id']}/deliveries/999999/redeliver", headers=team.admin.headers
    )
    assert missing.status_code == 404


async def test_twenty_failures_in_a_row_turn_the_webhook_off_and_email_the_admins(
    app: FastAPI, client: AsyncClient, receivers: list[Receiver], smtp_server: SmtpServer
) -> None:
    team = await make_team(app, client)
    project_id = team.project["id"]
    receiver = _receiver(receivers, "fail", fail_times=1000)
    hook = await _hook(client, team.owner, project_id, receiver, ["*"])
    database: Database = app.state.database
    async with database.sessionmaker() as session, session.begin():
        await session.execute(
            update(Webhook).where(Webhook.id == hook["id"]).values(failure_count=19)
        )
    await client.post(
        "/api/v1/tasks", json={"title": "t", "project_id": project_id}, headers=team.owner.headers
    )

    async def off() -> Any:
        now = (
            await client.get(f"/api/v1/webhooks/{hook['id']}", headers=team.owner.headers)
        ).json()
        return now if not now["active"] else None

    turned_off = await _eventually(off)
    assert turned_off["failure_count"] == 20

    # Other emails (notifications) may arrive too: only the webhook's are counted.
    async def disabled_emails() -> Any:
        found = [m for m in smtp_server.messages if "turned off" in str(m["Subject"])]
        return found if len(found) >= 2 else None

    messages = await _eventually(disabled_emails)
    assert {m["To"] for m in messages} == {team.owner.user.email, team.admin.user.email}
    # Nothing more goes out while it is off; turning it on restarts the count.
    before = len(receiver.received)
    await client.post(
        "/api/v1/tasks", json={"title": "t2", "project_id": project_id}, headers=team.owner.headers
    )
    await asyncio.sleep(0.5)
    assert len(receiver.received) == before
    on = await client.patch(
        f"/api/v1/webhooks/{hook['id']}", json={"active": True}, headers=team.owner.headers
    )
    assert on.json()["active"] is True
    assert on.json()["failure_count"] == 0


async def test_only_admins_manage_webhooks_and_outsiders_see_nothing(
    app: FastAPI, client: AsyncClient, receivers: list[Receiver]
) -> None:
    team = await make_team(app, client)
    project_id = team.project["id"]
    receiver = _receiver(receivers)
    hook = await _hook(client, team.admin, project_id, receiver, ["*"])
    body = {"url": receiver.url, "events": ["*"]}
    for who, code in ((team.editor, 403), (team.viewer, 403), (team.outsider, 404)):
        created = await client.post(
            f"/api/v1/projects/{project_id}/webhooks", json=body, headers=who.headers
        )
        assert created.status_code == code
        assert (
            await client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=who.headers)
        ).status_code in (403, 404)
        assert (
            await client.delete(f"/api/v1/webhooks/{hook['id']}", headers=who.headers)
        ).status_code in (403, 404)
    assert (
        await client.delete(f"/api/v1/webhooks/{hook['id']}", headers=team.admin.headers)
    ).status_code == 204
    assert (
        await client.get(f"/api/v1/webhooks/{hook['id']}", headers=team.admin.headers)
    ).status_code == 404


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"url": "ftp://example.com/hook", "events": ["*"]}, "url"),
        ({"url": "javascript:alert(1)", "events": ["*"]}, "url"),
        ({"url": "https://example.com/hook", "events": ["task.exploded"]}, "unknown event"),
        ({"url": "https://example.com/hook", "events": []}, "events"),
        ({"url": "https://example.com/hook", "events": ["*", "task.created"]}, "stands alone"),
        ({"url": "https://example.com/hook", "events": ["*"], "active": "yes"}, "active"),
    ],
)
async def test_bad_webhook_input_is_422_and_writes_nothing(
    app: FastAPI, client: AsyncClient, body: dict[str, Any], needle: str
) -> None:
    team = await make_team(app, client)
    response = await client.post(
        f"/api/v1/projects/{team.project['id']}/webhooks", json=body, headers=team.owner.headers
    )
    assert response.status_code == 422
    assert needle in response.text
    database: Database = app.state.database
    async with database.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Webhook)) == 0
        assert await session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
