"""POST /tasks/bulk: complete, reopen, delete, move; all or nothing."""

from __future__ import annotations

from fastapi import FastAPI
from httpx import AsyncClient

from tests.factories_domain import API, make_label, make_project, make_task, make_team, quick_user


async def test_bulk_complete_and_reopen(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    tasks = [await make_task(client, user, title=f"t{n}") for n in range(3)]
    ids = [task["id"] for task in tasks]
    response = await client.post(
        f"{API}/tasks/bulk", json={"ids": ids, "action": "complete"}, headers=user.headers
    )
    assert response.status_code == 200
    assert response.json() == {"updated": 3}
    listed = (await client.get(f"{API}/tasks?status=done", headers=user.headers)).json()
    assert sorted(t["id"] for t in listed["items"]) == ids
    assert all(t["completed_at"] and t["version"] == 2 for t in listed["items"])
    reopened = await client.post(
        f"{API}/tasks/bulk", json={"ids": ids[:2], "action": "reopen"}, headers=user.headers
    )
    assert reopened.json() == {"updated": 2}
    todo = (await client.get(f"{API}/tasks?status=todo", headers=user.headers)).json()
    assert sorted(t["id"] for t in todo["items"]) == ids[:2]
    assert all(t["completed_at"] is None for t in todo["items"])


async def test_bulk_delete(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    keep = await make_task(client, user, title="keep")
    doomed = [await make_task(client, user) for _ in range(2)]
    response = await client.post(
        f"{API}/tasks/bulk",
        json={"ids": [t["id"] for t in doomed], "action": "delete"},
        headers=user.headers,
    )
    assert response.json() == {"updated": 2}
    remaining = (await client.get(f"{API}/tasks", headers=user.headers)).json()
    assert [t["id"] for t in remaining["items"]] == [keep["id"]]


async def test_bulk_move_appends_to_the_target(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    source = await make_project(client, user, "Source")
    target = await make_project(client, user, "Target")
    label = await make_label(client, user, source["id"])
    existing = await make_task(client, user, title="already there", project_id=target["id"])
    parent = await make_task(client, user, title="parent", project_id=source["id"],
                             label_ids=[label["id"]])  # fmt: skip
    child = await make_task(client, user, title="child", parent_id=parent["id"])
    loner = await make_task(client, user, title="loner", project_id=source["id"])
    response = await client.post(
        f"{API}/tasks/bulk",
        json={"ids": [loner["id"], parent["id"]], "action": "move", "project_id": target["id"]},
        headers=user.headers,
    )
    assert response.json() == {"updated": 2}
    listed = (
        await client.get(f"{API}/tasks?project_id={target['id']}", headers=user.headers)
    ).json()
    titles = [t["title"] for t in listed["items"]]
    assert titles[:3] == ["already there", "loner", "parent"]
    assert set(titles) == {"already there", "loner", "parent", "child"}
    moved = {t["title"]: t for t in listed["items"]}
    assert moved["parent"]["labels"] == []
    assert moved["child"]["parent_id"] == parent["id"]
    assert existing["id"] in {t["id"] for t in listed["items"]}
    assert child["id"] == moved["child"]["id"]


async def test_bulk_move_needs_a_target(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    task = await make_task(client, user)
    response = await client.post(
        f"{API}/tasks/bulk", json={"ids": [task["id"]], "action": "move"}, headers=user.headers
    )
    assert response.status_code == 422


async def test_bulk_is_all_or_nothing_when_one_task_is_not_allowed(
    app: FastAPI, client: AsyncClient
) -> None:
    team = await make_team(app, client)
    mine = await make_task(client, team.viewer, title="mine")
    shared = await make_task(client, team.owner, project_id=team.project_id, title="shared")
    foreign = await make_task(client, team.outsider, title="foreign")
    # The viewer may edit their own task but not the shared one: 403, nothing completed.
    forbidden = await client.post(
        f"{API}/tasks/bulk",
        json={"ids": [mine["id"], shared["id"]], "action": "complete"},
        headers=team.viewer.headers,
    )
    assert forbidden.status_code == 403
    # A task they cannot see: 404, nothing deleted.
    unseen = await client.post(
        f"{API}/tasks/bulk",
        json={"ids": [mine["id"], foreign["id"]], "action": "delete"},
        headers=team.viewer.headers,
    )
    assert unseen.status_code == 404
    # A target they may not add to: 403, nothing moved.
    bad_target = await client.post(
        f"{API}/tasks/bulk",
        json={"ids": [mine["id"]], "action": "move", "project_id": team.project_id},
        headers=team.viewer.headers,
    )
    assert bad_target.status_code == 403
    after = (await client.get(f"{API}/tasks/{mine['id']}", headers=team.viewer.headers)).json()
    assert after["status"] == "todo"
    assert after["project_id"] == mine["project_id"]
    assert after["version"] == 1
    shared_after = await client.get(f"{API}/tasks/{shared['id']}", headers=team.owner.headers)
    assert shared_after.json()["status"] == "todo"
    foreign_after = await client.get(f"{API}/tasks/{foreign['id']}", headers=team.outsider.headers)
    assert foreign_after.status_code == 200


async def test_bulk_input_is_validated(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    for body in (
        {"ids": [], "action": "complete"},
        {"ids": [1], "action": "explode"},
        {"ids": ["x"], "action": "complete"},
        {"ids": [0], "action": "complete"},
        {"ids": list(range(1, 502)), "action": "complete"},
    ):
        response = await client.post(f"{API}/tasks/bulk", json=body, headers=user.headers)
        assert response.status_code == 422, body
