"""Races: many clients at once against a real server on PostgreSQL; the database decides.

Each test fires its requests together (asyncio.gather over one connection pool that allows
them all in flight) and checks both the answers and the end state.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.servers import ServerProcess, run_server

API = "/api/v1"
PASSWORD = "a long and unusual passphrase"
CLIENTS = 20

pytestmark = pytest.mark.postgres


@pytest.fixture
def server(postgres_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    settings = {
        "TASKFLOW_DATABASE_URL": postgres_url,
        "TASKFLOW_REGISTER_MAX_PER_HOUR": "100000",
        "TASKFLOW_LOG_LEVEL": "WARNING",
    }
    with run_server(tmp_path / "server", settings) as process:
        yield process


@pytest.fixture
async def http(server: ServerProcess) -> AsyncIterator[httpx.AsyncClient]:
    limits = httpx.Limits(max_connections=CLIENTS * 2, max_keepalive_connections=CLIENTS * 2)
    async with httpx.AsyncClient(base_url=server.url + API, timeout=60, limits=limits) as client:
        yield client


async def _user(http: httpx.AsyncClient, name: str) -> dict[str, Any]:
    registered = await http.post(
        "/auth/register",
        json={"email": f"{name}@example.com", "username": name, "password": PASSWORD},
    )
    assert registered.status_code == 201, registered.text
    tokens = await http.post("/auth/token", data={"username": name, "password": PASSWORD})
    assert tokens.status_code == 200, tokens.text
    body: dict[str, Any] = tokens.json()
    body["headers"] = {"Authorization": f"Bearer {body['access_token']}"}
    body["id"] = registered.json()["id"]
    return body


async def test_concurrent_registrations_with_one_email_make_one_account(
    http: httpx.AsyncClient,
) -> None:
    responses = await asyncio.gather(
        *(
            http.post(
                "/auth/register",
                json={"email": "same@example.com", "username": f"racer{n}", "password": PASSWORD},
            )
            for n in range(CLIENTS)
        )
    )
    statuses = Counter(response.status_code for response in responses)
    assert statuses == {201: 1, 409: CLIENTS - 1}, statuses
    assert all("Email" in r.json()["detail"] for r in responses if r.status_code == 409)


async def test_concurrent_votes_count_exactly(http: httpx.AsyncClient) -> None:
    owner = await _user(http, "owner")
    project = (
        await http.post("/projects", json={"name": "Votes"}, headers=owner["headers"])
    ).json()
    task = (
        await http.post(
            "/tasks",
            json={"title": "Vote me", "project_id": project["id"]},
            headers=owner["headers"],
        )
    ).json()
    voters = await asyncio.gather(*(_user(http, f"voter{n}") for n in range(CLIENTS - 1)))
    for n in range(len(voters)):
        added = await http.post(
            f"/projects/{project['id']}/members",
            json={"user": f"voter{n}", "role": "viewer"},
            headers=owner["headers"],
        )
        assert added.status_code == 201, added.text
    everyone = [owner, *voters]
    # Every member votes three times at once: idempotent per user, exact in total.
    responses = await asyncio.gather(
        *(http.put(f"/tasks/{task['id']}/vote", headers=u["headers"]) for u in everyone * 3)
    )
    assert {response.status_code for response in responses} == {204}
    counted = await http.get(f"/tasks/{task['id']}", headers=owner["headers"])
    assert counted.json()["vote_count"] == CLIENTS
    # And all take it back at once (twice each).
    responses = await asyncio.gather(
        *(http.delete(f"/tasks/{task['id']}/vote", headers=u["headers"]) for u in everyone * 2)
    )
    assert {response.status_code for response in responses} == {204}
    counted = await http.get(f"/tasks/{task['id']}", headers=owner["headers"])
    assert counted.json()["vote_count"] == 0


async def test_concurrent_patches_with_one_if_match_have_one_winner(
    http: httpx.AsyncClient,
) -> None:
    owner = await _user(http, "editor")
    created = await http.post("/tasks", json={"title": "v1"}, headers=owner["headers"])
    etag = created.headers["ETag"]
    task_id = created.json()["id"]
    responses = await asyncio.gather(
        *(
            http.patch(
                f"/tasks/{task_id}",
                json={"title": f"edit {n}"},
                headers={**owner["headers"], "If-Match": etag},
            )
            for n in range(CLIENTS)
        )
    )
    statuses = Counter(response.status_code for response in responses)
    assert statuses == {200: 1, 412: CLIENTS - 1}, statuses
    [winner] = [response.json() for response in responses if response.status_code == 200]
    final = (await http.get(f"/tasks/{task_id}", headers=owner["headers"])).json()
    assert final["title"] == winner["title"]
    assert final["version"] == created.json()["version"] + 1


async def test_concurrent_refreshes_of_one_token_have_one_success(
    http: httpx.AsyncClient,
) -> None:
    user = await _user(http, "refresher")
    responses = await asyncio.gather(
        *(
            http.post("/auth/refresh", json={"refresh_token": user["refresh_token"]})
            for _ in range(CLIENTS)
        )
    )
    statuses = Counter(response.status_code for response in responses)
    assert statuses == {200: 1, 401: CLIENTS - 1}, statuses


async def test_concurrent_bulk_moves_are_all_or_nothing(http: httpx.AsyncClient) -> None:
    owner = await _user(http, "mover")
    stranger = await _user(http, "stranger")
    headers = owner["headers"]
    projects = [
        (await http.post("/projects", json={"name": name}, headers=headers)).json()["id"]
        for name in ("From", "B", "C", "Never")
    ]
    source, b, c, never = projects
    ids = [
        (
            await http.post(
                "/tasks", json={"title": f"t{n}", "project_id": source}, headers=headers
            )
        ).json()["id"]
        for n in range(10)
    ]
    foreign = (
        await http.post("/tasks", json={"title": "not yours"}, headers=stranger["headers"])
    ).json()["id"]

    def move(to: int, task_ids: list[int]) -> Any:
        body = {"ids": task_ids, "action": "move", "project_id": to}
        return http.post("/tasks/bulk", json=body, headers=headers)

    requests = [move(b if n % 2 else c, ids) for n in range(CLIENTS - 4)]
    # These include a task the caller cannot see: refused whole, nothing of theirs moves.
    requests += [move(never, [*ids, foreign]) for _ in range(4)]
    responses = await asyncio.gather(*requests)
    good, bad = responses[: CLIENTS - 4], responses[CLIENTS - 4 :]
    assert {r.status_code for r in bad} == {404}
    for response in good:
        assert response.status_code in {200, 409}, response.text
        if response.status_code == 200:
            assert response.json() == {"updated": len(ids)}
    assert any(response.status_code == 200 for response in good)

    where: Counter[int] = Counter()
    for task_id in ids:
        task = await http.get(f"/tasks/{task_id}", headers=headers)
        where[task.json()["project_id"]] += 1
    assert len(where) == 1, f"tasks split across projects: {where}"
    assert set(where) <= {b, c}
    left_behind = await http.get("/tasks", params={"project_id": never}, headers=headers)
    assert left_behind.json()["total"] == 0
