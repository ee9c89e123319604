"""Watchers, mentions and the notifications the task rules create (SPEC §7)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from httpx import AsyncClient

from taskflow.notifications.mentions import mentioned_names
from tests.factories import UserWithTokens
from tests.factories_domain import API, make_task
from tests.notifications.helpers import clear_inbox, inbox, quiet_team


async def _types(client: AsyncClient, user: UserWithTokens) -> list[str]:
    """The types of the user's unread notifications, oldest first."""
    return [item["type"] for item in reversed((await inbox(client, user, unread="true"))["items"])]


async def _task(client: AsyncClient, user: UserWithTokens, task_id: int) -> dict[str, Any]:
    response = await client.get(f"{API}/tasks/{task_id}", headers=user.headers)
    assert response.status_code == 200, response.text
    task: dict[str, Any] = response.json()
    return task


async def _comment(
    client: AsyncClient, user: UserWithTokens, task_id: int, body: str
) -> dict[str, Any]:
    response = await client.post(
        f"{API}/tasks/{task_id}/comments", json={"body": body}, headers=user.headers
    )
    assert response.status_code == 201, response.text
    comment: dict[str, Any] = response.json()
    return comment


def test_mentions_are_found_outside_code_and_links_only() -> None:
    text = (
        "Hi @Alice and @bob.\n"
        "`@carol` ``x @dave y`` mail eve@example.com [see @frank](https://x.test/@gina)\n"
        "<https://x.test/@hank> https://x.test/@ivan @al\n"
        "```\n@judy\n```\n"
        "done, @ken_1 (@liz-2)"
    )
    assert mentioned_names(text) == ["alice", "bob.", "bob", "ken_1", "liz-2"]


async def test_assigning_notifies_the_assignee_and_the_right_people_watch(
    app: FastAPI, client: AsyncClient
) -> None:
    team = await quiet_team(app, client)
    task = await make_task(
        client, team.owner, project_id=team.project_id, assignee_id=team.editor.id
    )
    assert await _types(client, team.editor) == ["assigned"]
    (note,) = (await inbox(client, team.editor))["items"][:1]
    assert note["data"]["task_title"] == task["title"]
    assert (await _task(client, team.owner, task["id"]))["watching"] is True  # the creator
    assert (await _task(client, team.editor, task["id"]))["watching"] is True  # the assignee
    assert (await _task(client, team.viewer, task["id"]))["watching"] is False
    # Re-assigning notifies the new assignee; assigning oneself notifies nobody.
    response = await client.patch(
        f"{API}/tasks/{task['id']}",
        json={"assignee_id": team.viewer.id},
        headers=team.owner.headers,
    )
    assert response.status_code == 200
    assert await _types(client, team.viewer) == ["assigned"]
    await clear_inbox(client, team.viewer)
    response = await client.patch(
        f"{API}/tasks/{task['id']}", json={"assignee_id": team.viewer.id, "title": "Renamed"},
        headers=team.viewer.headers,
    )  # fmt: skip
    assert await _types(client, team.viewer) == []


async def test_a_comment_notifies_watchers_and_mentions_members_once(
    app: FastAPI, client: AsyncClient
) -> None:
    team = await quiet_team(app, client)
    task = await make_task(
        client, team.owner, project_id=team.project_id, assignee_id=team.editor.id
    )
    await clear_inbox(client, team.editor)
    viewer, admin, outsider = (
        team.viewer.user.username,
        team.admin.user.username,
        team.outsider.user.username,
    )
    body = f"@{viewer} please look; not @{outsider}, not `@{admin}`"
    comment = await _comment(client, team.admin, task["id"], body)
    assert comment["mentions"] == [{"id": team.viewer.id, "username": viewer}]
    # Watchers (creator, assignee) hear `commented`; the mentioned `mentioned`, once.
    assert await _types(client, team.owner) == ["commented"]
    assert await _types(client, team.editor) == ["commented"]
    assert await _types(client, team.viewer) == ["mentioned"]
    assert await _types(client, team.admin) == []  # their own comment
    assert await _types(client, team.outsider) == []  # not a member: never
    mention = (await inbox(client, team.viewer))["items"][0]
    assert mention["task_id"] == task["id"]
    assert mention["data"]["comment_id"] == comment["id"]
    assert mention["data"]["excerpt"] == body
    # The commenter and the mentioned now watch.
    assert (await _task(client, team.admin, task["id"]))["watching"] is True
    assert (await _task(client, team.viewer, task["id"]))["watching"] is True
    # An edit notifies only mentions it adds.
    response = await client.patch(
        f"{API}/comments/{comment['id']}",
        json={"body": f"@{viewer} and @{team.editor.user.username}"},
        headers=team.admin.headers,
    )
    assert response.status_code == 200, response.text
    assert [m["id"] for m in response.json()["mentions"]] == [team.viewer.id, team.editor.id]
    assert await _types(client, team.viewer) == ["mentioned"]
    assert await _types(client, team.editor) == ["commented", "mentioned"]
    listed = await client.get(f"{API}/tasks/{task['id']}/comments", headers=team.owner.headers)
    assert listed.json()["items"][0]["mentions"] == response.json()["mentions"]


async def test_unwatching_sticks_and_stops_comment_and_completion_notices(
    app: FastAPI, client: AsyncClient
) -> None:
    team = await quiet_team(app, client)
    task = await make_task(client, team.owner, project_id=team.project_id)
    url = f"{API}/tasks/{task['id']}/watch"
    for _ in range(2):  # idempotent
        assert (await client.put(url, headers=team.viewer.headers)).status_code == 204
    assert (await _task(client, team.viewer, task["id"]))["watching"] is True
    await _comment(client, team.editor, task["id"], "first")
    assert await _types(client, team.viewer) == ["commented"]
    assert await _types(client, team.owner) == ["commented"]
    for _ in range(2):
        assert (await client.delete(url, headers=team.owner.headers)).status_code == 204
    assert (await _task(client, team.owner, task["id"]))["watching"] is False
    await _comment(client, team.owner, task["id"], "the owner comments: still unwatched")
    assert (await _task(client, team.owner, task["id"]))["watching"] is False
    response = await client.patch(
        f"{API}/tasks/{task['id']}", json={"status": "done"}, headers=team.editor.headers
    )
    assert response.status_code == 200
    assert await _types(client, team.owner) == ["commented"]  # nothing since the unwatch
    assert await _types(client, team.viewer) == ["commented", "commented", "task_completed"]
    # Someone who cannot see the task cannot watch it.
    response = await client.put(url, headers=team.outsider.headers)
    assert response.status_code == 404


async def test_mentions_in_descriptions_notify_once_per_mention_added(
    app: FastAPI, client: AsyncClient
) -> None:
    team = await quiet_team(app, client)
    viewer = team.viewer.user.username
    task = await make_task(
        client, team.owner, project_id=team.project_id, description=f"for @{viewer}"
    )
    assert task["mentions"] == [{"id": team.viewer.id, "username": viewer}]
    assert await _types(client, team.viewer) == ["mentioned"]
    editor = team.editor.user.username
    response = await client.patch(
        f"{API}/tasks/{task['id']}",
        json={"description": f"for @{viewer} and @{editor}"},
        headers=team.owner.headers,
    )
    assert response.status_code == 200
    assert [m["username"] for m in response.json()["mentions"]] == [viewer, editor]
    assert await _types(client, team.viewer) == ["mentioned"]
    assert await _types(client, team.editor) == ["mentioned"]
    listed = await client.get(
        f"{API}/tasks", params={"project_id": team.project_id}, headers=team.editor.headers
    )
    assert listed.json()["items"][0]["mentions"] == response.json()["mentions"]
    assert listed.json()["items"][0]["watching"] is True
