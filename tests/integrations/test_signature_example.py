"""docs/integrations.md's Python example for verifying a delivery's signature, run as the
page prints it (only its secret and port filled in) against real deliveries: it answers 204
to a signed delivery, and 401 when it holds another secret."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Iterator
from http.server import HTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from tests.factories_domain import make_project, quick_user

DOC = Path(__file__).resolve().parents[2] / "docs" / "integrations.md"
SERVE = 'HTTPServer(("", 8080), Hook).serve_forever()'


@pytest.fixture
def settings_overrides() -> dict[str, object]:
    return {"webhook_allow_private": True, "webhook_timeout_seconds": 5}


def example() -> str:
    """The code block under "Verifying the signature"."""
    section = DOC.read_text().split("### Verifying the signature", 1)[1]
    found = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert found is not None, "no Python example under 'Verifying the signature'"
    return found.group(1)


def test_the_example_is_ten_lines() -> None:
    code = [line for line in example().splitlines() if line.strip()]
    assert len(code) <= 10, code
    assert SERVE in example()


class Running:
    def __init__(self, secret: str) -> None:
        code = example()
        assert 'SECRET = b"the secret from the 201"' in code
        code = code.replace('b"the secret from the 201"', repr(secret.encode()))
        namespace: dict[str, Any] = {}
        # Everything but the last line as printed; the server then runs on a free port.
        exec(compile(code.replace(SERVE, ""), str(DOC), "exec"), namespace)  # noqa: S102
        self.server = HTTPServer(("127.0.0.1", 0), namespace["Hook"])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def running() -> Iterator[list[Running]]:
    made: list[Running] = []
    yield made
    for server in made:
        server.close()


async def _attempt(client: AsyncClient, headers: dict[str, str], hook_id: int) -> Any:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        page = (await client.get(f"/api/v1/webhooks/{hook_id}/deliveries", headers=headers)).json()
        if page["items"] and page["items"][0]["status_code"] is not None:
            return page["items"][0]
        await asyncio.sleep(0.05)
    raise AssertionError("no attempt logged in time")


@pytest.mark.parametrize(("right_secret", "answer"), [(True, 204), (False, 401)])
async def test_the_documented_verifier_accepts_a_real_delivery_and_only_with_its_secret(
    app: FastAPI,
    client: AsyncClient,
    running: list[Running],
    right_secret: bool,
    answer: int,
) -> None:
    owner = await quick_user(app)
    project = await make_project(client, owner)
    # The secret is only known once the webhook exists: point it at a placeholder first.
    placeholder = Running("unknown")
    running.append(placeholder)
    made = await client.post(
        f"/api/v1/projects/{project['id']}/webhooks",
        json={"url": placeholder.url, "events": ["task.created"]},
        headers=owner.headers,
    )
    assert made.status_code == 201, made.text
    hook = made.json()
    verifier = Running(hook["secret"] if right_secret else "another secret of the same length")
    running.append(verifier)
    moved = await client.patch(
        f"/api/v1/webhooks/{hook['id']}", json={"url": verifier.url}, headers=owner.headers
    )
    assert moved.status_code == 200, moved.text

    task = await client.post(
        "/api/v1/tasks",
        json={"title": "Ship it", "project_id": project["id"]},
        headers=owner.headers,
    )
    assert task.status_code == 201
    delivery = await _attempt(client, owner.headers, hook["id"])
    assert delivery["event"] == "task.created"
    assert delivery["status_code"] == answer
