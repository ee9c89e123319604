"""The notification service and the inbox routes (SPEC §7)."""

from __future__ import annotations

from fastapi import FastAPI
from httpx import AsyncClient

from taskflow.notifications.models import NotificationType
from tests.factories_domain import API, make_task, quick_user
from tests.notifications.helpers import inbox, notify_now, quiet_team, unread
from tests.realtime.sockets import messages_until_pong, next_of_type, open_socket


async def test_notify_drops_the_actor_non_members_and_duplicates(
    app: FastAPI, client: AsyncClient
) -> None:
    team = await quiet_team(app, client)
    task = await make_task(client, team.owner, project_id=team.project_id)
    recipients = [team.owner.id, team.editor.id, team.editor.id, team.viewer.id, team.outsider.id]
    notified = await notify_now(
        app,
        recipients=recipients,
        actor=team.owner,
        project_id=team.project_id,
        task_id=task["id"],
        data={"task_title": "T"},
    )
    assert sorted(notified) == sorted([team.editor.id, team.viewer.id])
    for user, expected in ((team.editor, 1), (team.viewer, 1), (team.owner, 0), (team.outsider, 0)):
        assert await unread(client, user) == expected
    body = await inbox(client, team.editor, unread="true")
    assert body["total"] == 1
    (item,) = body["items"]
    assert item["type"] == "assigned"
    assert item["task_id"] == task["id"]
    assert item["project_id"] == team.project_id
    assert item["actor"] == {"id": team.owner.id, "username": team.owner.user.username}
    assert item["data"] == {"task_title": "T"}
    assert item["read_at"] is None


async def test_inbox_is_newest_first_and_filters_unread(app: FastAPI, client: AsyncClient) -> None:
    team = await quiet_team(app, client)
    for _ in range(3):
        await notify_now(
            app, recipients=[team.editor.id], actor=team.owner, project_id=team.project_id
        )
    body = await inbox(client, team.editor)
    ids = [item["id"] for item in body["items"]][:3]  # then the read member_added
    assert ids == sorted(ids, reverse=True)
    assert body["total"] == 4
    response = await client.post(
        f"{API}/notifications/read", json={"ids": [ids[0]]}, headers=team.editor.headers
    )
    assert response.status_code == 204
    assert await unread(client, team.editor) == 2
    unread_page = await inbox(client, team.editor, unread="true")
    assert [item["id"] for item in unread_page["items"]] == ids[1:]
    assert unread_page["total"] == 2
    paged = await inbox(client, team.editor, limit=1, offset=1)
    assert [item["id"] for item in paged["items"]] == [ids[1]]
    assert paged["total"] == 4
    response = await client.post(
        f"{API}/notifications/read", json={"all": True}, headers=team.editor.headers
    )
    assert response.status_code == 204
    assert await unread(client, team.editor) == 0
    assert all(item["read_at"] for item in (await inbox(client, team.editor))["items"])


async def test_marking_someone_elses_notification_is_404_and_changes_nothing(
    app: FastAPI, client: AsyncClient
) -> None:
    team = await quiet_team(app, client)
    await notify_now(app, recipients=[team.editor.id], actor=team.owner, project_id=team.project_id)
    await notify_now(app, recipients=[team.viewer.id], actor=team.owner, project_id=team.project_id)
    mine = (await inbox(client, team.editor, unread="true"))["items"][0]["id"]
    theirs = (await inbox(client, team.viewer, unread="true"))["items"][0]["id"]
    response = await client.post(
        f"{API}/notifications/read", json={"ids": [mine, theirs]}, headers=team.editor.headers
    )
    assert response.status_code == 404
    assert response.json()["detail"] == "Notification not found"
    assert await unread(client, team.editor) == 1
    assert await unread(client, team.viewer) == 1


async def test_mark_read_refuses_bad_bodies(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    bodies: tuple[dict[str, object], ...] = (
        {},
        {"all": False},
        {"ids": []},
        {"ids": [1], "all": True},
        {"ids": ["1"]},
        {"all": 1},
        {"ids": [0]},
        {"other": 1},
    )
    for body in bodies:
        response = await client.post(f"{API}/notifications/read", json=body, headers=user.headers)
        assert response.status_code == 422, body
    response = await client.get(
        f"{API}/notifications", params={"unread": "maybe"}, headers=user.headers
    )
    assert response.status_code == 422


async def test_settings_default_and_partial_patch(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    url = f"{API}/users/me/notification-settings"
    email = {
        "assigned": True,
        "mentioned": True,
        "commented": True,
        "reminder": True,
        "member_added": True,
    }
    defaults: dict[str, object] = {"email": email, "digest": "off"}
    assert (await client.get(url, headers=user.headers)).json() == defaults
    response = await client.patch(
        url, json={"email": {"commented": False}, "digest": "daily"}, headers=user.headers
    )
    assert response.status_code == 200, response.text
    changed = {"email": {**email, "commented": False}, "digest": "daily"}
    assert response.json() == changed
    assert (await client.get(url, headers=user.headers)).json() == changed
    for bad in ({"digest": "weekly"}, {"email": {"assigned": "yes"}}, {"email": {"x": True}}):
        response = await client.patch(url, json=bad, headers=user.headers)
        assert response.status_code == 422, bad
    assert (await client.get(url, headers=user.headers)).json() == changed


async def test_the_recipient_alone_hears_it_live(
    app: FastAPI, client: AsyncClient, ws_url: str
) -> None:
    team = await quiet_team(app, client)
    editor_socket = await open_socket(ws_url, team.editor.tokens.access_token)
    viewer_socket = await open_socket(ws_url, team.viewer.tokens.access_token)
    try:
        await notify_now(
            app,
            recipients=[team.editor.id],
            actor=team.owner,
            project_id=team.project_id,
            type=NotificationType.MENTIONED,
        )
        message = await next_of_type(editor_socket, "notification.created", timeout=1.0)
        stored = (await inbox(client, team.editor))["items"][0]
        assert message == {"type": "notification.created", "data": stored}
        heard = await messages_until_pong(viewer_socket)
        assert not [m for m in heard if m["type"] == "notification.created"]
    finally:
        await editor_socket.close()
        await viewer_socket.close()


async def test_a_removed_members_unread_notifications_of_that_project_go(
    app: FastAPI, client: AsyncClient
) -> None:
    team = await quiet_team(app, client)
    other = await make_task(client, team.editor)  # the editor's Inbox: another project
    await notify_now(app, recipients=[team.editor.id], actor=team.owner, project_id=team.project_id)
    await notify_now(app, recipients=[team.editor.id], actor=team.owner, project_id=team.project_id)
    first = (await inbox(client, team.editor, unread="true"))["items"][1]["id"]
    await client.post(
        f"{API}/notifications/read", json={"ids": [first]}, headers=team.editor.headers
    )
    await notify_now(app, recipients=[team.editor.id], actor=None, project_id=other["project_id"])
    response = await client.delete(
        f"{API}/projects/{team.project_id}/members/{team.editor.id}", headers=team.owner.headers
    )
    assert response.status_code == 204
    left = (await inbox(client, team.editor))["items"]
    kept = [item for item in left if item["project_id"] == team.project_id]
    assert [item["type"] for item in kept] == ["assigned", "member_added"]
    assert kept[0]["id"] == first
    assert [item["project_id"] for item in left if item["read_at"] is None] == [other["project_id"]]
    # And nothing new reaches them about it.
    assert (
        await notify_now(
            app, recipients=[team.editor.id], actor=team.owner, project_id=team.project_id
        )
        == []
    )
