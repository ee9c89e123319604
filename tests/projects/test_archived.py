"""An archived project is read-only: every change to what is in it is 403 until an admin
unarchives it; reads, unarchiving, members and deleting the project stay allowed."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from fastapi import FastAPI
from httpx import AsyncClient

from tests.factories import UserWithTokens
from tests.factories_domain import (
    API,
    Team,
    add_member,
    make_label,
    make_project,
    make_task,
    make_team,
    quick_user,
)

ARCHIVED = "This project is archived (read-only); unarchive it first"


async def _archive(client: AsyncClient, project_id: int, by: UserWithTokens, value: bool) -> None:
    response = await client.patch(
        f"{API}/projects/{project_id}", json={"archived": value}, headers=by.headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["archived"] is value


async def _archived_team(app: FastAPI, client: AsyncClient) -> tuple[Team, dict[str, Any]]:
    """A team project holding a labelled task with a comment and a vote, then archived."""
    team = await make_team(app, client)
    label = await make_label(client, team.owner, team.project_id, "old")
    task = await make_task(client, team.owner, project_id=team.project_id, label_ids=[label["id"]])
    comment = await client.post(
        f"{API}/tasks/{task['id']}/comments", json={"body": "hi"}, headers=team.viewer.headers
    )
    voted = await client.put(f"{API}/tasks/{task['id']}/vote", headers=team.viewer.headers)
    assert comment.status_code == 201
    assert voted.status_code == 204
    await _archive(client, team.project_id, team.admin, True)
    return team, {"task": task, "label": label, "comment": comment.json()}


async def test_every_change_inside_an_archived_project_is_403(
    app: FastAPI, client: AsyncClient
) -> None:
    team, things = await _archived_team(app, client)
    pid, tid = team.project_id, things["task"]["id"]
    lid, cid = things["label"]["id"], things["comment"]["id"]
    elsewhere = await make_project(client, team.owner, "Elsewhere")
    outside_task = await make_task(client, team.owner, project_id=elsewhere["id"])
    attempts: list[tuple[str, str, dict[str, Any] | None, UserWithTokens]] = [
        ("POST", "/tasks", {"title": "new", "project_id": pid}, team.owner),
        ("POST", "/tasks", {"title": "sub", "parent_id": tid}, team.owner),
        ("PATCH", f"/tasks/{tid}", {"title": "renamed"}, team.owner),
        ("PUT", f"/tasks/{tid}", {"title": "replaced"}, team.editor),
        ("DELETE", f"/tasks/{tid}", None, team.owner),
        ("PATCH", f"/tasks/{tid}", {"project_id": elsewhere["id"]}, team.owner),  # out
        ("PATCH", f"/tasks/{outside_task['id']}", {"project_id": pid}, team.owner),  # in
        ("PUT", f"/tasks/{tid}/vote", None, team.editor),
        ("DELETE", f"/tasks/{tid}/vote", None, team.viewer),
        ("POST", f"/tasks/{tid}/comments", {"body": "late"}, team.viewer),
        ("PATCH", f"/comments/{cid}", {"body": "edited"}, team.viewer),
        ("DELETE", f"/comments/{cid}", None, team.viewer),
        ("DELETE", f"/comments/{cid}", None, team.owner),
        ("POST", f"/projects/{pid}/labels", {"name": "new", "color": "#000000"}, team.admin),
        ("PATCH", f"/labels/{lid}", {"name": "renamed"}, team.admin),
        ("DELETE", f"/labels/{lid}", None, team.owner),
        ("PATCH", f"/projects/{pid}", {"name": "Renamed"}, team.owner),
        ("PATCH", f"/projects/{pid}", {"archived": True}, team.owner),
    ]
    for method, path, body, user in attempts:
        response = await client.request(method, f"{API}{path}", json=body, headers=user.headers)
        assert response.status_code == 403, (method, path, response.text)
        assert response.json()["detail"] == ARCHIVED, (method, path)

    # Nothing changed: the task, its vote, its comment and label, the project's name.
    task = (await client.get(f"{API}/tasks/{tid}", headers=team.viewer.headers)).json()
    assert (task["title"], task["version"], task["vote_count"]) == ("Task", 1, 1)
    assert (task["comment_count"], [label["id"] for label in task["labels"]]) == (1, [lid])
    assert (task["project_id"], task["voted_by_me"]) == (pid, True)
    moved = await client.get(f"{API}/tasks/{outside_task['id']}", headers=team.owner.headers)
    assert moved.json()["project_id"] == elsewhere["id"]
    project = (await client.get(f"{API}/projects/{pid}", headers=team.owner.headers)).json()
    assert (project["name"], project["archived"]) == ("Team project", True)


async def test_an_archived_project_still_reads_and_outsiders_still_get_404(
    app: FastAPI, client: AsyncClient
) -> None:
    team, things = await _archived_team(app, client)
    pid, tid = team.project_id, things["task"]["id"]
    for path in (
        f"/projects/{pid}",
        f"/projects/{pid}/members",
        f"/projects/{pid}/labels",
        f"/projects/{pid}/activity",
        f"/tasks?project_id={pid}",
        f"/tasks/{tid}",
        f"/tasks/{tid}/comments",
        f"/tasks/{tid}/activity",
    ):
        response = await client.get(f"{API}{path}", headers=team.viewer.headers)
        assert response.status_code == 200, (path, response.text)
        hidden = await client.get(f"{API}{path}", headers=team.outsider.headers)
        if path.startswith("/tasks?"):  # a listing shows the outsider none of them
            assert (hidden.status_code, hidden.json()["total"]) == (200, 0)
        else:
            assert hidden.status_code == 404, path
    # An outsider's write is 404 as ever, not a hint that the project is archived.
    response = await client.patch(
        f"{API}/tasks/{tid}", json={"title": "x"}, headers=team.outsider.headers
    )
    assert response.status_code == 404


async def test_unarchiving_takes_an_admin_and_makes_it_writable_again(
    app: FastAPI, client: AsyncClient
) -> None:
    team, things = await _archived_team(app, client)
    pid, tid = team.project_id, things["task"]["id"]
    refused = await client.patch(
        f"{API}/projects/{pid}", json={"archived": False}, headers=team.editor.headers
    )
    assert refused.status_code == 403
    assert refused.json()["detail"] == "This needs the admin role or higher"
    unseen = await client.patch(
        f"{API}/projects/{pid}", json={"archived": False}, headers=team.outsider.headers
    )
    assert unseen.status_code == 404
    # The request that unarchives may carry other settings too.
    restored = await client.patch(
        f"{API}/projects/{pid}",
        json={"archived": False, "name": "Back"},
        headers=team.admin.headers,
    )
    assert restored.status_code == 200
    assert (restored.json()["archived"], restored.json()["name"]) == (False, "Back")
    edited = await client.patch(
        f"{API}/tasks/{tid}", json={"title": "Alive"}, headers=team.editor.headers
    )
    assert edited.status_code == 200
    assert edited.json()["title"] == "Alive"


async def test_members_and_deletion_stay_allowed_while_archived(
    app: FastAPI, client: AsyncClient
) -> None:
    team, things = await _archived_team(app, client)
    pid = team.project_id
    assigned = await make_task(client, team.owner, title="assigned")  # in the owner's Inbox
    newcomer = await quick_user(app)
    await add_member(client, pid, team.admin, newcomer, "viewer")  # asserts 201
    changed = await client.patch(
        f"{API}/projects/{pid}/members/{newcomer.id}",
        json={"role": "editor"},
        headers=team.admin.headers,
    )
    assert changed.status_code == 200
    removed = await client.delete(
        f"{API}/projects/{pid}/members/{team.editor.id}", headers=team.admin.headers
    )
    assert removed.status_code == 204
    left = await client.delete(
        f"{API}/projects/{pid}/members/{team.viewer.id}", headers=team.viewer.headers
    )
    assert left.status_code == 204
    assert assigned["project_id"] != pid
    deleted = await client.delete(f"{API}/projects/{pid}", headers=team.owner.headers)
    assert deleted.status_code == 204
    gone = await client.get(f"{API}/tasks/{things['task']['id']}", headers=team.owner.headers)
    assert gone.status_code == 404


async def test_bulk_with_one_task_in_an_archived_project_changes_nothing(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await quick_user(app)
    live = await make_project(client, user, "Live")
    frozen = await make_project(client, user, "Frozen")
    free = await make_task(client, user, title="free", project_id=live["id"])
    stuck = await make_task(client, user, title="stuck", project_id=frozen["id"])
    await _archive(client, frozen["id"], user, True)
    ids = [free["id"], stuck["id"]]
    for body in (
        {"ids": ids, "action": "complete"},
        {"ids": ids, "action": "delete"},
        {"ids": ids, "action": "move", "project_id": live["id"]},
        {"ids": [free["id"]], "action": "move", "project_id": frozen["id"]},  # into it
    ):
        response = await client.post(f"{API}/tasks/bulk", json=body, headers=user.headers)
        assert response.status_code == 403, (body, response.text)
        assert response.json()["detail"] == ARCHIVED
    for task in (free, stuck):
        now = (await client.get(f"{API}/tasks/{task['id']}", headers=user.headers)).json()
        assert (now["project_id"], now["status"], now["version"]) == (
            task["project_id"],
            "todo",
            1,
        )


def test_the_tasks_domain_wires_its_member_hook_wherever_its_tables_are_known() -> None:
    # A process that loads the models (a job, the CLI) unassigns leavers like the app does.
    code = (
        "import taskflow.models\n"
        "from taskflow.projects import service\n"
        "hooks = [(hook.__module__, hook.__name__) for hook in service._WHEN_MEMBER_LEAVES]\n"
        "assert hooks == [('taskflow.tasks.service', 'unassign_member')], hooks\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
