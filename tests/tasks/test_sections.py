"""Sections (SPEC §9): per project, editors and up; tasks' `section_id`."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from httpx import AsyncClient

from tests.factories import UserWithTokens
from tests.factories_domain import API, make_project, make_task, make_team


async def make_section(
    client: AsyncClient, by: UserWithTokens, project_id: int, name: str = "Doing", **fields: Any
) -> dict[str, Any]:
    response = await client.post(
        f"{API}/projects/{project_id}/sections", json={"name": name, **fields}, headers=by.headers
    )
    assert response.status_code == 201, response.text
    section: dict[str, Any] = response.json()
    return section


async def test_sections_create_list_rename_reorder(app: FastAPI, client: AsyncClient) -> None:
    team = await make_team(app, client)
    url = f"{API}/projects/{team.project_id}/sections"
    first = await make_section(client, team.editor, team.project_id, "  Backlog  ")
    assert set(first) == {"id", "project_id", "name", "position", "created_at"}
    assert first["name"] == "Backlog"
    assert first["project_id"] == team.project_id
    second = await make_section(client, team.editor, team.project_id, "Doing")
    assert second["position"] > first["position"]  # appended
    listed = await client.get(url, headers=team.viewer.headers)
    assert listed.status_code == 200
    assert [s["name"] for s in listed.json()["items"]] == ["Backlog", "Doing"]
    assert listed.json()["total"] == 2
    moved = await client.patch(
        f"{API}/sections/{second['id']}",
        json={"position": first["position"] - 1, "name": "Now"},
        headers=team.editor.headers,
    )
    assert moved.status_code == 200
    assert moved.json()["name"] == "Now"
    listed = await client.get(url, headers=team.owner.headers)
    assert [s["name"] for s in listed.json()["items"]] == ["Now", "Backlog"]


async def test_sections_need_editors_and_are_hidden_from_outsiders(
    app: FastAPI, client: AsyncClient
) -> None:
    team = await make_team(app, client)
    url = f"{API}/projects/{team.project_id}/sections"
    section = await make_section(client, team.owner, team.project_id)
    viewer = await client.post(url, json={"name": "x"}, headers=team.viewer.headers)
    assert viewer.status_code == 403
    outsider = await client.post(url, json={"name": "x"}, headers=team.outsider.headers)
    assert outsider.status_code == 404
    assert (await client.get(url, headers=team.outsider.headers)).status_code == 404
    for method, body in (("PATCH", {"name": "y"}), ("DELETE", None)):
        for user, code in ((team.viewer, 403), (team.outsider, 404)):
            response = await client.request(
                method, f"{API}/sections/{section['id']}", json=body, headers=user.headers
            )
            assert response.status_code == code, (method, response.text)


async def test_a_section_name_is_validated(app: FastAPI, client: AsyncClient) -> None:
    team = await make_team(app, client)
    url = f"{API}/projects/{team.project_id}/sections"
    section = await make_section(client, team.owner, team.project_id)
    for body in ({"name": ""}, {"name": "   "}, {"name": "x" * 121}, {"name": 3}, {}):
        response = await client.post(url, json=body, headers=team.owner.headers)
        assert response.status_code == 422, body
    response = await client.patch(
        f"{API}/sections/{section['id']}", json={"name": None}, headers=team.owner.headers
    )
    assert response.status_code == 422
    listed = await client.get(url, headers=team.owner.headers)
    assert [s["name"] for s in listed.json()["items"]] == ["Doing"]


async def test_a_task_section_belongs_to_its_project(app: FastAPI, client: AsyncClient) -> None:
    team = await make_team(app, client)
    section = await make_section(client, team.owner, team.project_id)
    other = await make_project(client, team.owner, "Other")
    elsewhere = await make_section(client, team.owner, other["id"])
    task = await make_task(
        client, team.editor, project_id=team.project_id, section_id=section["id"]
    )
    assert task["section_id"] == section["id"]
    wrong = await client.post(
        f"{API}/tasks",
        json={"title": "t", "project_id": team.project_id, "section_id": elsewhere["id"]},
        headers=team.owner.headers,
    )
    assert wrong.status_code == 422
    assert "section_id" in wrong.json()["detail"]
    url = f"{API}/tasks/{task['id']}"
    wrong = await client.patch(
        url, json={"section_id": elsewhere["id"]}, headers=team.owner.headers
    )
    assert wrong.status_code == 422
    cleared = await client.patch(url, json={"section_id": None}, headers=team.editor.headers)
    assert cleared.json()["section_id"] is None
    assert cleared.json()["version"] == task["version"] + 1


async def test_moving_a_task_to_another_project_clears_its_section(
    app: FastAPI, client: AsyncClient
) -> None:
    team = await make_team(app, client)
    section = await make_section(client, team.owner, team.project_id)
    other = await make_project(client, team.owner, "Other")
    target = await make_section(client, team.owner, other["id"], "Target")
    parent = await make_task(
        client, team.owner, project_id=team.project_id, section_id=section["id"]
    )
    child = await make_task(
        client, team.owner, parent_id=parent["id"], section_id=section["id"], title="child"
    )
    moved = await client.patch(
        f"{API}/tasks/{parent['id']}", json={"project_id": other["id"]}, headers=team.owner.headers
    )
    assert moved.status_code == 200
    assert moved.json()["section_id"] is None
    child_now = (await client.get(f"{API}/tasks/{child['id']}", headers=team.owner.headers)).json()
    assert child_now["project_id"] == other["id"]
    assert child_now["section_id"] is None
    # Moving back into a named section of the target in the same PATCH.
    back = await client.patch(
        f"{API}/tasks/{parent['id']}",
        json={"project_id": team.project_id, "section_id": section["id"]},
        headers=team.owner.headers,
    )
    assert back.json()["section_id"] == section["id"]
    # The move was logged in the target project, with the section it left.
    activity = await client.get(
        f"{API}/projects/{other['id']}/activity", headers=team.owner.headers
    )
    changes = [row["changes"] for row in activity.json()["items"] if row["verb"] == "task.updated"]
    assert {"from": section["id"], "to": None} in [c.get("section_id") for c in changes]
    # Bulk: into a section of the target; tasks already there only change section.
    bulk = await client.post(
        f"{API}/tasks/bulk",
        json={
            "action": "move",
            "ids": [parent["id"]],
            "project_id": other["id"],
            "section_id": target["id"],
        },
        headers=team.owner.headers,
    )
    assert bulk.status_code == 200, bulk.text
    now = (await client.get(f"{API}/tasks/{parent['id']}", headers=team.owner.headers)).json()
    assert (now["project_id"], now["section_id"]) == (other["id"], target["id"])
    bad = await client.post(
        f"{API}/tasks/bulk",
        json={
            "action": "move",
            "ids": [parent["id"]],
            "project_id": other["id"],
            "section_id": section["id"],
        },
        headers=team.owner.headers,
    )
    assert bad.status_code == 422
    stay = await client.post(
        f"{API}/tasks/bulk",
        json={"action": "move", "ids": [parent["id"]], "project_id": other["id"]},
        headers=team.owner.headers,
    )
    assert stay.status_code == 200
    now = (await client.get(f"{API}/tasks/{parent['id']}", headers=team.owner.headers)).json()
    assert now["section_id"] is None
    assert now["version"] > moved.json()["version"]


async def test_deleting_a_section_moves_its_tasks_to_no_section(
    app: FastAPI, client: AsyncClient
) -> None:
    team = await make_team(app, client)
    section = await make_section(client, team.owner, team.project_id)
    task = await make_task(
        client, team.editor, project_id=team.project_id, section_id=section["id"]
    )
    listed = await client.get(
        f"{API}/tasks?section_id={section['id']}", headers=team.viewer.headers
    )
    assert [t["id"] for t in listed.json()["items"]] == [task["id"]]
    deleted = await client.delete(f"{API}/sections/{section['id']}", headers=team.editor.headers)
    assert deleted.status_code == 204
    now = (await client.get(f"{API}/tasks/{task['id']}", headers=team.owner.headers)).json()
    assert now["section_id"] is None
    assert now["project_id"] == team.project_id
    assert now["version"] == task["version"] + 1
    listed = await client.get(
        f"{API}/projects/{team.project_id}/sections", headers=team.owner.headers
    )
    assert listed.json()["items"] == []
    gone = await client.get(f"{API}/tasks?section_id={section['id']}", headers=team.owner.headers)
    assert gone.json()["total"] == 0
    activity = await client.get(
        f"{API}/projects/{team.project_id}/activity", headers=team.owner.headers
    )
    verbs = [row["verb"] for row in activity.json()["items"]]
    assert verbs[:2] == ["section.deleted", "task.updated"]


async def test_sections_of_an_archived_project_are_frozen(
    app: FastAPI, client: AsyncClient
) -> None:
    team = await make_team(app, client)
    section = await make_section(client, team.owner, team.project_id)
    archived = await client.patch(
        f"{API}/projects/{team.project_id}", json={"archived": True}, headers=team.owner.headers
    )
    assert archived.status_code == 200
    url = f"{API}/projects/{team.project_id}/sections"
    assert (
        await client.post(url, json={"name": "x"}, headers=team.owner.headers)
    ).status_code == 403
    patch = await client.patch(
        f"{API}/sections/{section['id']}", json={"name": "y"}, headers=team.owner.headers
    )
    assert patch.status_code == 403
    assert (await client.get(url, headers=team.viewer.headers)).status_code == 200


async def test_sections_export_and_import_again(app: FastAPI, client: AsyncClient) -> None:
    team = await make_team(app, client)
    later = await make_section(client, team.owner, team.project_id, "Later")
    now = await make_section(client, team.owner, team.project_id, "Now", position=0)
    await make_task(client, team.owner, project_id=team.project_id, section_id=later["id"])
    await make_task(client, team.owner, project_id=team.project_id, title="loose")
    document = (await client.get(f"{API}/export", headers=team.owner.headers)).json()
    [project] = [p for p in document["projects"] if p["id"] == team.project_id]
    assert [s["name"] for s in project["sections"]] == ["Now", "Later"]
    assert {t["title"]: t["section_id"] for t in project["tasks"]} == {
        "Task": later["id"],
        "loose": None,
    }
    assert now["id"] in {s["id"] for s in project["sections"]}

    broken = {**project, "tasks": [{**project["tasks"][0], "section_id": 999_999}]}
    response = await client.post(
        f"{API}/import", json={"projects": [broken]}, headers=team.outsider.headers
    )
    assert response.status_code == 422
    assert "section_id" in response.json()["detail"]

    imported = await client.post(f"{API}/import", json=document, headers=team.outsider.headers)
    assert imported.status_code == 201, imported.text
    again = (await client.get(f"{API}/export", headers=team.outsider.headers)).json()
    [copy] = [p for p in again["projects"] if p["name"] == team.project["name"]]
    assert [s["name"] for s in copy["sections"]] == ["Now", "Later"]
    names = {s["id"]: s["name"] for s in copy["sections"]}
    assert {t["title"]: names.get(t["section_id"]) for t in copy["tasks"]} == {
        "Task": "Later",
        "loose": None,
    }
