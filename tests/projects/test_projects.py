"""Projects: the Inbox, CRUD, ordering."""

from __future__ import annotations

from fastapi import FastAPI
from httpx import AsyncClient

from tests.factories_domain import API, make_project, make_task, quick_user


async def test_every_new_user_has_an_inbox(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    response = await client.get(f"{API}/projects", headers=user.headers)
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 1
    assert body["limit"] == 20
    assert body["offset"] == 0
    inbox = body["items"][0]
    assert inbox["name"] == "Inbox"
    assert inbox["is_inbox"] is True
    assert inbox["role"] == "owner"
    assert inbox["archived"] is False
    assert set(inbox) == {
        "id",
        "name",
        "description",
        "color",
        "is_inbox",
        "archived",
        "role",
        "created_at",
    }


async def test_create_project_answers_201_with_caller_as_owner(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await quick_user(app)
    response = await client.post(
        f"{API}/projects",
        json={"name": "  Garden  ", "description": "Spring", "color": "#00AA00"},
        headers=user.headers,
    )
    assert response.status_code == 201
    project = response.json()
    assert response.headers["location"] == f"/api/v1/projects/{project['id']}"
    assert project["name"] == "Garden"
    assert project["description"] == "Spring"
    assert project["color"] == "#00AA00"
    assert project["role"] == "owner"
    assert project["is_inbox"] is False
    assert project["created_at"].endswith("Z") or "+00:00" in project["created_at"]


async def test_list_puts_the_inbox_first_then_names(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    for name in ("zebra", "Apple", "mango"):
        await make_project(client, user, name)
    response = await client.get(f"{API}/projects", headers=user.headers)
    assert [p["name"] for p in response.json()["items"]] == ["Inbox", "Apple", "mango", "zebra"]


async def test_list_filters_archived(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    project = await make_project(client, user, "Old")
    await client.patch(
        f"{API}/projects/{project['id']}", json={"archived": True}, headers=user.headers
    )
    archived = await client.get(f"{API}/projects?archived=true", headers=user.headers)
    assert [p["name"] for p in archived.json()["items"]] == ["Old"]
    active = await client.get(f"{API}/projects?archived=false", headers=user.headers)
    assert [p["name"] for p in active.json()["items"]] == ["Inbox"]


async def test_update_project_changes_the_given_fields(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    project = await make_project(client, user, "Draft", description="keep")
    response = await client.patch(
        f"{API}/projects/{project['id']}",
        json={"name": "Final", "color": "#123456"},
        headers=user.headers,
    )
    assert response.status_code == 200
    assert response.json()["name"] == "Final"
    assert response.json()["color"] == "#123456"
    assert response.json()["description"] == "keep"
    again = await client.get(f"{API}/projects/{project['id']}", headers=user.headers)
    assert again.json()["name"] == "Final"


async def test_inbox_cannot_be_deleted(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    inbox = (await client.get(f"{API}/projects", headers=user.headers)).json()["items"][0]
    response = await client.delete(f"{API}/projects/{inbox['id']}", headers=user.headers)
    assert response.status_code == 409
    assert "Inbox" in response.json()["detail"]


async def test_inbox_cannot_be_renamed_or_archived(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    inbox = (await client.get(f"{API}/projects", headers=user.headers)).json()["items"][0]
    renamed = await client.patch(
        f"{API}/projects/{inbox['id']}", json={"name": "Stuff"}, headers=user.headers
    )
    assert renamed.status_code == 409
    archived = await client.patch(
        f"{API}/projects/{inbox['id']}", json={"archived": True}, headers=user.headers
    )
    assert archived.status_code == 409
    recolored = await client.patch(
        f"{API}/projects/{inbox['id']}", json={"color": "#000000"}, headers=user.headers
    )
    assert recolored.status_code == 200


async def test_delete_project_removes_it_and_its_tasks(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    project = await make_project(client, user)
    task = await make_task(client, user, project_id=project["id"])
    response = await client.delete(f"{API}/projects/{project['id']}", headers=user.headers)
    assert response.status_code == 204
    assert (
        await client.get(f"{API}/projects/{project['id']}", headers=user.headers)
    ).status_code == 404
    assert (await client.get(f"{API}/tasks/{task['id']}", headers=user.headers)).status_code == 404


async def test_someone_elses_project_is_404(app: FastAPI, client: AsyncClient) -> None:
    owner = await quick_user(app)
    stranger = await quick_user(app)
    project = await make_project(client, owner)
    response = await client.get(f"{API}/projects/{project['id']}", headers=stranger.headers)
    assert response.status_code == 404
    assert response.json() == {"detail": "Project not found"}


async def test_projects_need_authentication(client: AsyncClient) -> None:
    response = await client.get(f"{API}/projects")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


async def test_invalid_project_input_is_422(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    for body in (
        {"name": ""},
        {"name": "x" * 201},
        {"name": "a", "color": "red"},
        {},
        {"name": "a\x00"},
    ):
        response = await client.post(f"{API}/projects", json=body, headers=user.headers)
        assert response.status_code == 422, body
