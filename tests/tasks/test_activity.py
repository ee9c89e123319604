"""The activity log: rows written with each change, newest first, and events published."""

from __future__ import annotations

from fastapi import FastAPI
from httpx import AsyncClient

from taskflow.core.events import Event
from tests.factories_domain import (
    API,
    count_statements,
    make_project,
    make_task,
    make_team,
    quick_user,
)


async def test_task_changes_are_logged_newest_first(app: FastAPI, client: AsyncClient) -> None:
    team = await make_team(app, client)
    task = await make_task(client, team.editor, project_id=team.project_id, title="Draft")
    await client.patch(
        f"{API}/tasks/{task['id']}", json={"title": "Final", "priority": 3},
        headers=team.editor.headers,
    )  # fmt: skip
    await client.patch(
        f"{API}/tasks/{task['id']}", json={"status": "done"}, headers=team.owner.headers
    )
    await client.post(
        f"{API}/tasks/{task['id']}/comments", json={"body": "nice"}, headers=team.viewer.headers
    )
    response = await client.get(f"{API}/tasks/{task['id']}/activity", headers=team.viewer.headers)
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 4
    verbs = [entry["verb"] for entry in body["items"]]
    assert verbs == ["comment.created", "task.completed", "task.updated", "task.created"]
    updated = body["items"][2]
    assert set(updated) == {"id", "actor", "verb", "task_id", "changes", "created_at"}
    assert updated["actor"] == {"id": team.editor.id, "username": team.editor.user.username}
    assert updated["task_id"] == task["id"]
    assert updated["changes"] == {
        "title": {"from": "Draft", "to": "Final"},
        "priority": {"from": 0, "to": 3},
    }
    completed = body["items"][1]["changes"]
    assert completed["status"] == {"from": "todo", "to": "done"}


async def test_project_activity_includes_members_and_deletions(
    app: FastAPI, client: AsyncClient
) -> None:
    team = await make_team(app, client)
    task = await make_task(client, team.owner, project_id=team.project_id)
    await client.delete(f"{API}/tasks/{task['id']}", headers=team.owner.headers)
    response = await client.get(
        f"{API}/projects/{team.project_id}/activity?limit=3", headers=team.admin.headers
    )
    body = response.json()
    assert [entry["verb"] for entry in body["items"]] == [
        "task.deleted", "task.created", "member.added"
    ]  # fmt: skip
    assert body["total"] == 6  # project.created, 3 member.added, task.created, task.deleted
    assert body["items"][2]["changes"]["role"] == "viewer"


async def test_changes_are_published_after_commit(app: FastAPI, client: AsyncClient) -> None:
    received: list[Event] = []
    unsubscribe = app.state.events.subscribe(received.append)
    try:
        user = await quick_user(app)
        project = await make_project(client, user)
        task = await make_task(client, user, project_id=project["id"])
        refused = await client.patch(
            f"{API}/tasks/{task['id']}",
            json={"title": "no"},
            headers={**user.headers, "If-Match": '"9"'},
        )
        assert refused.status_code == 412
        await client.put(f"{API}/tasks/{task['id']}/vote", headers=user.headers)
        await client.delete(f"{API}/projects/{project['id']}", headers=user.headers)
    finally:
        unsubscribe()
    assert [event.type for event in received] == [
        "project.created", "task.created", "task.voted", "project.deleted"
    ]  # fmt: skip
    created = received[1]
    assert created.project_id == project["id"]
    assert created.task_id == task["id"]
    assert created.actor_id == user.id


async def test_activity_of_an_unseen_task_is_404(app: FastAPI, client: AsyncClient) -> None:
    owner = await quick_user(app)
    stranger = await quick_user(app)
    task = await make_task(client, owner)
    response = await client.get(f"{API}/tasks/{task['id']}/activity", headers=stranger.headers)
    assert response.status_code == 404


async def test_a_units_activity_rows_are_one_insert_in_the_order_of_the_changes(
    app: FastAPI, client: AsyncClient
) -> None:
    """`record` keeps the rows until just before the commit, then writes them all with one
    statement (not an ORM flush per row, nor a statement per row on SQLite), in the order the
    changes were made."""
    user = await quick_user(app)
    source = await make_project(client, user, name="Source")
    target = await make_project(client, user, name="Target")
    ids = [
        (await make_task(client, user, title=f"T{index}", project_id=source["id"]))["id"]
        for index in range(3)
    ]
    with count_statements(app) as statements:
        response = await client.post(
            f"{API}/tasks/bulk",
            json={"ids": ids, "action": "move", "project_id": target["id"]},
            headers=user.headers,
        )
    assert response.status_code == 200, response.text
    inserts = [sql for sql in statements if "INSERT INTO activity" in sql]
    assert len(inserts) == 1, inserts
    moved = await client.get(f"{API}/projects/{source['id']}/activity", headers=user.headers)
    arrived = await client.get(f"{API}/projects/{target['id']}/activity", headers=user.headers)
    moves = [e for e in moved.json()["items"] if e["verb"] == "task.moved"]
    updates = [e for e in arrived.json()["items"] if e["verb"] == "task.updated"]
    # Newest first; each task's "updated" (target) row comes just before its "moved" row.
    assert [e["task_id"] for e in reversed(moves)] == sorted(ids)
    assert [e["task_id"] for e in reversed(updates)] == sorted(ids)
    for update, move in zip(reversed(updates), reversed(moves), strict=True):
        assert move["id"] == update["id"] + 1
        assert move["changes"] == {"project_id": {"from": source["id"], "to": target["id"]}}


async def test_a_refused_change_writes_no_activity(app: FastAPI, client: AsyncClient) -> None:
    team = await make_team(app, client)
    task = await make_task(client, team.editor, project_id=team.project_id, title="Kept")
    stale = await client.patch(
        f"{API}/tasks/{task['id']}",
        json={"title": "Lost"},
        headers={**team.editor.headers, "If-Match": '"7"'},
    )
    assert stale.status_code == 412
    log = await client.get(f"{API}/tasks/{task['id']}/activity", headers=team.viewer.headers)
    assert [entry["verb"] for entry in log.json()["items"]] == ["task.created"]
