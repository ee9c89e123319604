"""A task's history (SPEC §10): a snapshot per version, the list, revert whole or by field,
references that are gone skipped and named; 404/403/412 change nothing."""

from __future__ import annotations

from fastapi import FastAPI
from httpx import AsyncClient

from tests.factories_domain import API, add_member, make_label, make_task, make_team, quick_user


async def test_every_change_keeps_a_full_snapshot_newest_first(
    app: FastAPI, client: AsyncClient
) -> None:
    owner = await quick_user(app)
    task = await make_task(client, owner, title="one")
    await client.patch(f"{API}/tasks/{task['id']}", json={"title": "two"}, headers=owner.headers)
    await client.post(
        f"{API}/tasks/bulk", json={"ids": [task["id"]], "action": "complete"}, headers=owner.headers
    )
    response = await client.get(f"{API}/tasks/{task['id']}/versions", headers=owner.headers)
    assert response.status_code == 200
    page = response.json()
    assert page["total"] == 3
    assert [item["version"] for item in page["items"]] == [3, 2, 1]
    newest, _, first = page["items"]
    assert newest["fields"]["status"] == "done"
    assert first["fields"]["title"] == "one"
    assert first["changed_by"]["id"] == owner.id
    assert set(first["fields"]) == {
        "title", "description", "status", "priority", "due_at", "due_all_day", "start_at",
        "recurrence", "recurrence_basis", "assignee_id", "label_ids", "section_id",
    }  # fmt: skip


async def test_revert_whole_or_by_field_as_a_new_version(app: FastAPI, client: AsyncClient) -> None:
    owner = await quick_user(app)
    task = await make_task(client, owner, title="first", priority=1)
    url = f"{API}/tasks/{task['id']}"
    await client.patch(url, json={"title": "second", "priority": 4}, headers=owner.headers)
    response = await client.post(
        f"{url}/revert",
        json={"version": 1, "fields": ["title"]},
        headers=owner.headers | {"If-Match": '"2"'},
    )
    assert response.status_code == 200
    reverted = response.json()
    assert (reverted["title"], reverted["priority"], reverted["version"]) == ("first", 4, 3)
    assert response.headers["ETag"] == '"3"'
    assert "X-TaskFlow-Skipped" not in response.headers
    response = await client.post(f"{url}/revert", json={"version": 1}, headers=owner.headers)
    assert (response.json()["priority"], response.json()["version"]) == (1, 4)
    activity = (await client.get(f"{url}/activity", headers=owner.headers)).json()["items"]
    assert activity[0]["verb"] == "task.reverted"
    assert activity[0]["changes"]["priority"] == {"from": 4, "to": 1}


async def test_references_that_are_gone_are_skipped_and_named(
    app: FastAPI, client: AsyncClient
) -> None:
    team = await make_team(app, client)
    label = await make_label(client, team.owner, team.project_id)
    helper = await quick_user(app)
    await add_member(client, team.project_id, team.owner, helper, "editor")
    task = await make_task(
        client,
        team.owner,
        project_id=team.project_id,
        label_ids=[label["id"]],
        assignee_id=helper.id,
        title="with refs",
    )
    url = f"{API}/tasks/{task['id']}"
    await client.patch(url, json={"title": "changed"}, headers=team.owner.headers)
    await client.delete(f"{API}/labels/{label['id']}", headers=team.owner.headers)
    await client.delete(
        f"{API}/projects/{team.project_id}/members/{helper.id}", headers=team.owner.headers
    )
    response = await client.post(f"{url}/revert", json={"version": 1}, headers=team.owner.headers)
    assert response.status_code == 200
    assert response.headers["X-TaskFlow-Skipped"] == "assignee_id, label_ids"
    body = response.json()
    assert (body["title"], body["labels"], body["assignee_id"]) == ("with refs", [], None)


async def test_bad_reverts_change_nothing(app: FastAPI, client: AsyncClient) -> None:
    team = await make_team(app, client)
    task = await make_task(client, team.editor, project_id=team.project_id, title="kept")
    url = f"{API}/tasks/{task['id']}"
    await client.patch(url, json={"title": "now"}, headers=team.editor.headers)
    cases = [
        (team.outsider, {"version": 1}, {}, 404),
        (team.viewer, {"version": 1}, {}, 403),
        (team.editor, {"version": 99}, {}, 404),
        (team.editor, {"version": 1}, {"If-Match": '"1"'}, 412),
        (team.editor, {"version": 1, "fields": ["project_id"]}, {}, 422),
        (team.editor, {"version": 0}, {}, 422),
    ]
    for user, body, headers, expected in cases:
        response = await client.post(f"{url}/revert", json=body, headers=user.headers | headers)
        assert response.status_code == expected, (body, headers, response.text)
    current = (await client.get(url, headers=team.editor.headers)).json()
    assert (current["title"], current["version"]) == ("now", 2)
    outsider = await client.get(f"{url}/versions", headers=team.outsider.headers)
    assert outsider.status_code == 404
