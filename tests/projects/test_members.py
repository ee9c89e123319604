"""Members: adding, roles, ownership hand-over, leaving."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI
from httpx import AsyncClient

from tests.factories_domain import API, add_member, make_project, make_task, make_team, quick_user


async def test_add_member_by_email_or_username(app: FastAPI, client: AsyncClient) -> None:
    owner = await quick_user(app)
    by_email = await quick_user(app, full_name="Ada Lovelace")
    by_name = await quick_user(app)
    project = await make_project(client, owner)
    first = await client.post(
        f"{API}/projects/{project['id']}/members",
        json={"user": by_email.user.email.upper(), "role": "viewer"},
        headers=owner.headers,
    )
    assert first.status_code == 201
    assert first.json()["user"] == {
        "id": by_email.id,
        "username": by_email.user.username,
        "email": by_email.user.email,
        "full_name": "Ada Lovelace",
    }
    assert first.json()["role"] == "viewer"
    assert "created_at" in first.json()
    second = await client.post(
        f"{API}/projects/{project['id']}/members",
        json={"user": by_name.user.username},
        headers=owner.headers,
    )
    assert second.status_code == 201
    assert second.json()["role"] == "editor"
    shared = await client.get(f"{API}/projects/{project['id']}", headers=by_name.headers)
    assert shared.status_code == 200
    assert shared.json()["role"] == "editor"


async def test_members_list_owner_first(app: FastAPI, client: AsyncClient) -> None:
    team = await make_team(app, client)
    response = await client.get(
        f"{API}/projects/{team.project_id}/members", headers=team.viewer.headers
    )
    assert response.status_code == 200
    assert response.json()["total"] == 4
    assert [m["role"] for m in response.json()["items"]] == ["owner", "admin", "editor", "viewer"]
    assert "hashed_password" not in response.text


async def test_adding_an_existing_member_is_409(app: FastAPI, client: AsyncClient) -> None:
    team = await make_team(app, client)
    response = await client.post(
        f"{API}/projects/{team.project_id}/members",
        json={"user": team.editor.user.username, "role": "viewer"},
        headers=team.owner.headers,
    )
    assert response.status_code == 409


async def test_adding_an_unknown_user_is_422(app: FastAPI, client: AsyncClient) -> None:
    owner = await quick_user(app)
    project = await make_project(client, owner)
    response = await client.post(
        f"{API}/projects/{project['id']}/members",
        json={"user": "nobody@example.com"},
        headers=owner.headers,
    )
    # The body names nobody: a value that cannot be processed, not a missing resource.
    assert response.status_code == 422


async def test_nobody_is_added_as_owner(app: FastAPI, client: AsyncClient) -> None:
    owner = await quick_user(app)
    other = await quick_user(app)
    project = await make_project(client, owner)
    response = await client.post(
        f"{API}/projects/{project['id']}/members",
        json={"user": other.user.username, "role": "owner"},
        headers=owner.headers,
    )
    assert response.status_code == 422


async def test_the_inbox_cannot_be_shared(app: FastAPI, client: AsyncClient) -> None:
    owner = await quick_user(app)
    other = await quick_user(app)
    inbox = (await client.get(f"{API}/projects", headers=owner.headers)).json()["items"][0]
    response = await client.post(
        f"{API}/projects/{inbox['id']}/members",
        json={"user": other.user.username},
        headers=owner.headers,
    )
    assert response.status_code == 409


async def test_admin_changes_a_members_role(app: FastAPI, client: AsyncClient) -> None:
    team = await make_team(app, client)
    response = await client.patch(
        f"{API}/projects/{team.project_id}/members/{team.viewer.id}",
        json={"role": "editor"},
        headers=team.admin.headers,
    )
    assert response.status_code == 200
    assert response.json()["role"] == "editor"
    project = await client.get(f"{API}/projects/{team.project_id}", headers=team.viewer.headers)
    assert project.json()["role"] == "editor"


async def test_owner_hands_over_ownership_and_becomes_admin(
    app: FastAPI, client: AsyncClient
) -> None:
    team = await make_team(app, client)
    response = await client.patch(
        f"{API}/projects/{team.project_id}/members/{team.editor.id}",
        json={"role": "owner"},
        headers=team.owner.headers,
    )
    assert response.status_code == 200
    assert response.json()["role"] == "owner"
    old = await client.get(f"{API}/projects/{team.project_id}", headers=team.owner.headers)
    assert old.json()["role"] == "admin"
    members = await client.get(
        f"{API}/projects/{team.project_id}/members", headers=team.owner.headers
    )
    roles = {m["user"]["id"]: m["role"] for m in members.json()["items"]}
    assert roles[team.editor.id] == "owner"
    assert roles[team.owner.id] == "admin"
    assert list(roles.values()).count("owner") == 1
    # The new owner may delete; the old one may not any more.
    assert (
        await client.delete(f"{API}/projects/{team.project_id}", headers=team.owner.headers)
    ).status_code == 403
    assert (
        await client.delete(f"{API}/projects/{team.project_id}", headers=team.editor.headers)
    ).status_code == 204


async def test_only_the_owner_hands_over_ownership(app: FastAPI, client: AsyncClient) -> None:
    team = await make_team(app, client)
    response = await client.patch(
        f"{API}/projects/{team.project_id}/members/{team.editor.id}",
        json={"role": "owner"},
        headers=team.admin.headers,
    )
    assert response.status_code == 403


async def test_the_owners_role_cannot_be_lowered(app: FastAPI, client: AsyncClient) -> None:
    team = await make_team(app, client)
    for who in (team.owner, team.admin):
        response = await client.patch(
            f"{API}/projects/{team.project_id}/members/{team.owner.id}",
            json={"role": "viewer"},
            headers=who.headers,
        )
        assert response.status_code == 409


async def test_the_owner_cannot_leave_or_be_removed(app: FastAPI, client: AsyncClient) -> None:
    team = await make_team(app, client)
    for who in (team.owner, team.admin):
        response = await client.delete(
            f"{API}/projects/{team.project_id}/members/{team.owner.id}", headers=who.headers
        )
        assert response.status_code == 409


async def test_a_member_leaves_and_loses_access(app: FastAPI, client: AsyncClient) -> None:
    team = await make_team(app, client)
    response = await client.delete(
        f"{API}/projects/{team.project_id}/members/{team.viewer.id}", headers=team.viewer.headers
    )
    assert response.status_code == 204
    after = await client.get(f"{API}/projects/{team.project_id}", headers=team.viewer.headers)
    assert after.status_code == 404


async def test_removing_a_member_unassigns_their_tasks(app: FastAPI, client: AsyncClient) -> None:
    team = await make_team(app, client)
    task = await make_task(
        client, team.owner, project_id=team.project_id, assignee_id=team.editor.id
    )
    response = await client.delete(
        f"{API}/projects/{team.project_id}/members/{team.editor.id}", headers=team.admin.headers
    )
    assert response.status_code == 204
    after = await client.get(f"{API}/tasks/{task['id']}", headers=team.owner.headers)
    assert after.json()["assignee_id"] is None
    assert after.json()["version"] == task["version"] + 1


async def test_unknown_member_is_404(app: FastAPI, client: AsyncClient) -> None:
    team = await make_team(app, client)
    response = await client.patch(
        f"{API}/projects/{team.project_id}/members/{team.outsider.id}",
        json={"role": "viewer"},
        headers=team.owner.headers,
    )
    assert response.status_code == 404


async def test_a_new_member_sees_the_project_in_their_list(
    app: FastAPI, client: AsyncClient
) -> None:
    owner = await quick_user(app)
    member = await quick_user(app)
    project = await make_project(client, owner, "Shared")
    await add_member(client, project["id"], owner, member, "viewer")
    listed = await client.get(f"{API}/projects", headers=member.headers)
    assert [(p["name"], p["role"]) for p in listed.json()["items"]] == [
        ("Inbox", "owner"),
        ("Shared", "viewer"),
    ]


async def test_simultaneous_hand_overs_leave_exactly_one_owner(
    app: FastAPI, client: AsyncClient
) -> None:
    team = await make_team(app, client)
    url = f"{API}/projects/{team.project_id}/members"
    responses = await asyncio.gather(
        client.patch(f"{url}/{team.admin.id}", json={"role": "owner"}, headers=team.owner.headers),
        client.patch(f"{url}/{team.editor.id}", json={"role": "owner"}, headers=team.owner.headers),
    )
    statuses = sorted(response.status_code for response in responses)
    assert statuses[0] == 200
    assert statuses[1] in {403, 409}
    members = (await client.get(url, headers=team.owner.headers)).json()["items"]
    assert [m["role"] for m in members].count("owner") == 1
