"""The trash (SPEC §10): a deletion hides a thing everywhere and keeps it whole; restore brings
it back as it was; purge and the retention job remove it for good; who may do what."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta
from typing import Any

from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import func, select, update
from websockets.asyncio.client import connect

from taskflow.core.jobs.registry import JobContext, get_job, periodic_jobs
from taskflow.db import Database, utcnow
from taskflow.projects.models import Project
from taskflow.tasks.models import Comment, Task
from tests.factories import UserWithTokens
from tests.factories_domain import (
    API,
    add_member,
    make_label,
    make_project,
    make_task,
    make_team,
    quick_user,
)


async def _full_task(
    client: AsyncClient, owner: UserWithTokens, voter: UserWithTokens, project_id: int
) -> dict[str, Any]:
    """A task with a label, a subtask, two comments and a vote."""
    label = await make_label(client, owner, project_id)
    task = await make_task(
        client, owner, project_id=project_id, title="Needle task", label_ids=[label["id"]]
    )
    await make_task(client, owner, parent_id=task["id"], title="Needle subtask")
    for body in ("first", "second"):
        response = await client.post(
            f"{API}/tasks/{task['id']}/comments", json={"body": body}, headers=owner.headers
        )
        assert response.status_code == 201
    assert (
        await client.put(f"{API}/tasks/{task['id']}/vote", headers=voter.headers)
    ).status_code == 204
    response = await client.get(f"{API}/tasks/{task['id']}", headers=owner.headers)
    return dict(response.json())


async def _titles(client: AsyncClient, user: UserWithTokens, query: str) -> list[str]:
    response = await client.get(f"{API}/tasks?{query}", headers=user.headers)
    assert response.status_code == 200
    return [item["title"] for item in response.json()["items"]]


async def test_a_deleted_task_is_404_and_absent_everywhere(
    app: FastAPI, client: AsyncClient
) -> None:
    owner = await quick_user(app)
    voter = await quick_user(app)
    project = await make_project(client, owner, "P")
    await add_member(client, project["id"], owner, voter, "viewer")
    task = await _full_task(client, owner, voter, project["id"])
    assert task["comment_count"] == 2

    response = await client.delete(f"{API}/tasks/{task['id']}", headers=owner.headers)
    assert response.status_code == 204

    assert (await client.get(f"{API}/tasks/{task['id']}", headers=owner.headers)).status_code == 404
    for path in ("comments", "activity", "attachments"):
        response = await client.get(f"{API}/tasks/{task['id']}/{path}", headers=owner.headers)
        assert response.status_code == 404, path
    pid = project["id"]
    assert await _titles(client, owner, f"project_id={pid}") == []
    assert await _titles(client, owner, "search=Needle") == []
    assert await _titles(client, owner, "q=search:Needle") == []
    assert await _titles(client, voter, f"project_id={pid}") == []
    export = (await client.get(f"{API}/export", headers=owner.headers)).json()
    assert "Needle" not in json.dumps(export)
    # The comment it took along is not a thing of its own in the trash.
    trash = (await client.get(f"{API}/trash", headers=owner.headers)).json()
    assert [(item["type"], item["id"]) for item in trash["items"]] == [("task", task["id"])]
    item = trash["items"][0]
    assert item["title"] == "Needle task"
    assert item["project_id"] == pid
    assert item["deleted_by"] == {"id": owner.id, "username": owner.user.username}
    deleted_at = datetime.fromisoformat(item["deleted_at"])
    assert datetime.fromisoformat(item["purge_at"]) - deleted_at == timedelta(days=30)
    # A viewer may not restore it, so it is not in their trash.
    assert (await client.get(f"{API}/trash", headers=voter.headers)).json()["total"] == 0


async def test_restore_brings_the_task_back_as_it_was(app: FastAPI, client: AsyncClient) -> None:
    owner = await quick_user(app)
    voter = await quick_user(app)
    project = await make_project(client, owner, "P")
    await add_member(client, project["id"], owner, voter, "viewer")
    task = await _full_task(client, owner, voter, project["id"])
    await client.delete(f"{API}/tasks/{task['id']}", headers=owner.headers)

    response = await client.post(f"{API}/trash/task/{task['id']}/restore", headers=owner.headers)
    assert response.status_code == 200
    restored = response.json()
    for field in ("title", "labels", "vote_count", "comment_count", "version", "position"):
        assert restored[field] == task[field], field
    detail = await client.get(f"{API}/tasks/{task['id']}", headers=voter.headers)
    assert detail.json()["voted_by_me"] is True
    subtasks = await _titles(client, owner, f"parent_id={task['id']}")
    assert subtasks == ["Needle subtask"]
    comments = await client.get(f"{API}/tasks/{task['id']}/comments", headers=owner.headers)
    assert [c["body"] for c in comments.json()["items"]] == ["first", "second"]
    assert (await client.get(f"{API}/trash", headers=owner.headers)).json()["total"] == 0
    activity = await client.get(f"{API}/tasks/{task['id']}/activity", headers=owner.headers)
    verbs = [entry["verb"] for entry in activity.json()["items"]]
    assert verbs[:2] == ["task.restored", "task.deleted"]


async def test_a_comment_deleted_alone_stays_in_the_trash_when_its_task_comes_back(
    app: FastAPI, client: AsyncClient
) -> None:
    owner = await quick_user(app)
    task = await make_task(client, owner)
    comment = (
        await client.post(
            f"{API}/tasks/{task['id']}/comments", json={"body": "oops"}, headers=owner.headers
        )
    ).json()
    assert (
        await client.delete(f"{API}/comments/{comment['id']}", headers=owner.headers)
    ).status_code == 204
    detail = (await client.get(f"{API}/tasks/{task['id']}", headers=owner.headers)).json()
    assert detail["comment_count"] == 0
    await client.delete(f"{API}/tasks/{task['id']}", headers=owner.headers)
    # Its task is in the trash: the comment cannot come back before it.
    response = await client.post(
        f"{API}/trash/comment/{comment['id']}/restore", headers=owner.headers
    )
    assert response.status_code == 409
    await client.post(f"{API}/trash/task/{task['id']}/restore", headers=owner.headers)
    detail = (await client.get(f"{API}/tasks/{task['id']}", headers=owner.headers)).json()
    assert detail["comment_count"] == 0
    trash = (await client.get(f"{API}/trash", headers=owner.headers)).json()
    assert [(item["type"], item["title"]) for item in trash["items"]] == [("comment", "oops")]
    response = await client.post(
        f"{API}/trash/comment/{comment['id']}/restore", headers=owner.headers
    )
    assert response.status_code == 200
    assert response.json()["body"] == "oops"
    detail = (await client.get(f"{API}/tasks/{task['id']}", headers=owner.headers)).json()
    assert detail["comment_count"] == 1


async def test_a_task_in_a_trashed_project_restores_with_409_and_the_project_whole(
    app: FastAPI, client: AsyncClient
) -> None:
    owner = await quick_user(app)
    project = await make_project(client, owner, "Doomed")
    kept = await make_task(client, owner, project_id=project["id"], title="kept")
    alone = await make_task(client, owner, project_id=project["id"], title="alone")
    await client.delete(f"{API}/tasks/{alone['id']}", headers=owner.headers)
    response = await client.delete(f"{API}/projects/{project['id']}", headers=owner.headers)
    assert response.status_code == 204
    pid = project["id"]
    assert (await client.get(f"{API}/projects/{pid}", headers=owner.headers)).status_code == 404
    assert (await client.get(f"{API}/tasks/{kept['id']}", headers=owner.headers)).status_code == 404
    projects = (await client.get(f"{API}/projects", headers=owner.headers)).json()["items"]
    assert pid not in [item["id"] for item in projects]
    assert "kept" not in await _titles(client, owner, "search=kept")
    trash = (await client.get(f"{API}/trash", headers=owner.headers)).json()
    assert [(item["type"], item["id"]) for item in trash["items"]] == [("project", pid)]

    response = await client.post(f"{API}/trash/task/{alone['id']}/restore", headers=owner.headers)
    assert response.status_code == 409
    response = await client.post(f"{API}/trash/project/{pid}/restore", headers=owner.headers)
    assert response.status_code == 200
    assert response.json()["name"] == "Doomed"
    assert await _titles(client, owner, f"project_id={pid}") == ["kept"]
    # What was deleted on its own before stays in the trash, restorable now.
    response = await client.post(f"{API}/trash/task/{alone['id']}/restore", headers=owner.headers)
    assert response.status_code == 200
    assert sorted(await _titles(client, owner, f"project_id={pid}")) == ["alone", "kept"]


async def test_bulk_delete_goes_to_the_trash(app: FastAPI, client: AsyncClient) -> None:
    owner = await quick_user(app)
    parent = await make_task(client, owner, title="parent")
    child = await make_task(client, owner, parent_id=parent["id"], title="child")
    response = await client.post(
        f"{API}/tasks/bulk",
        json={"ids": [child["id"], parent["id"]], "action": "delete"},
        headers=owner.headers,
    )
    assert response.status_code == 200
    trash = (await client.get(f"{API}/trash", headers=owner.headers)).json()
    assert [item["id"] for item in trash["items"]] == [parent["id"]]  # the child went with it
    await client.post(f"{API}/trash/task/{parent['id']}/restore", headers=owner.headers)
    assert sorted(await _titles(client, owner, "search=")) == ["child", "parent"]


async def test_who_may_restore_and_purge_and_nothing_changes_otherwise(
    app: FastAPI, client: AsyncClient
) -> None:
    team = await make_team(app, client)
    task = await make_task(client, team.editor, project_id=team.project_id)
    await client.delete(f"{API}/tasks/{task['id']}", headers=team.editor.headers)
    database: Database = app.state.database

    async def trashed() -> int:
        async with database.sessionmaker() as session:
            statement = select(func.count()).select_from(Task).where(Task.id == task["id"])
            found = await session.scalar(statement.where(Task.deleted_at.is_not(None)))
            return int(found or 0)

    restore = f"{API}/trash/task/{task['id']}/restore"
    purge = f"{API}/trash/task/{task['id']}"
    assert (await client.post(restore, headers=team.outsider.headers)).status_code == 404
    assert (await client.post(restore, headers=team.viewer.headers)).status_code == 403
    assert (await client.delete(purge, headers=team.outsider.headers)).status_code == 404
    assert (await client.delete(purge, headers=team.viewer.headers)).status_code == 403
    assert (await client.delete(purge, headers=team.editor.headers)).status_code == 403
    assert await trashed() == 1
    owner = team.owner.headers
    unknown = f"{API}/trash/task/999999999/restore"
    assert (await client.post(unknown, headers=owner)).status_code == 404
    # A live task is not in the trash: nothing to restore or purge.
    live = await make_task(client, team.editor, project_id=team.project_id)
    live_restore = f"{API}/trash/task/{live['id']}/restore"
    assert (await client.post(live_restore, headers=team.owner.headers)).status_code == 404
    live_purge = f"{API}/trash/task/{live['id']}"
    assert (await client.delete(live_purge, headers=team.owner.headers)).status_code == 404
    assert (await client.get(f"{API}/tasks/{live['id']}", headers=owner)).status_code == 200
    # Unknown types are 422.
    assert (await client.delete(f"{API}/trash/label/1", headers=owner)).status_code == 422

    assert (await client.delete(purge, headers=team.admin.headers)).status_code == 204
    assert (await client.post(restore, headers=team.owner.headers)).status_code == 404
    # Projects: the owner only.
    project = f"{API}/projects/{team.project_id}"
    assert (await client.delete(project, headers=team.admin.headers)).status_code == 403
    assert (await client.delete(project, headers=team.owner.headers)).status_code == 204
    project_restore = f"{API}/trash/project/{team.project_id}/restore"
    assert (await client.post(project_restore, headers=team.admin.headers)).status_code == 403
    assert (await client.post(project_restore, headers=team.outsider.headers)).status_code == 404
    assert (await client.get(f"{API}/trash", headers=team.admin.headers)).json()["total"] == 0
    assert (await client.post(project_restore, headers=team.owner.headers)).status_code == 200


async def test_the_retention_job_purges_in_batches_what_is_past_its_time(
    app: FastAPI, client: AsyncClient
) -> None:
    assert "trash.purge" in periodic_jobs()
    owner = await quick_user(app)
    old = await make_task(client, owner, title="old")
    await make_task(client, owner, parent_id=old["id"], title="old child")
    recent = await make_task(client, owner, title="recent")
    project = await make_project(client, owner, "Old project")
    in_project = await make_task(client, owner, project_id=project["id"], title="inside")
    for task in (old, recent):
        await client.delete(f"{API}/tasks/{task['id']}", headers=owner.headers)
    await client.delete(f"{API}/projects/{project['id']}", headers=owner.headers)
    database: Database = app.state.database
    long_ago = utcnow() - timedelta(days=31)
    async with database.sessionmaker() as session, session.begin():
        await session.execute(
            update(Task).where(Task.trashed_with == old["id"]).values(deleted_at=long_ago)
        )
        await session.execute(
            update(Project).where(Project.id == project["id"]).values(deleted_at=long_ago)
        )

    await get_job("trash.purge").function(
        JobContext(settings=app.state.settings, uow=app.state.uow)
    )

    async with database.sessionmaker() as session:
        left = set(await session.scalars(select(Task.title).where(Task.created_by == owner.id)))
        projects = set(await session.scalars(select(Project.id).where(Project.id == project["id"])))
        comments = await session.scalar(select(func.count()).select_from(Comment))
    assert left == {"recent"}
    assert projects == set()
    assert in_project["id"] not in left
    assert comments is not None
    trash = (await client.get(f"{API}/trash", headers=owner.headers)).json()
    assert [item["title"] for item in trash["items"]] == ["recent"]


async def test_restoring_reaches_another_members_socket(
    app: FastAPI, client: AsyncClient, ws_url: str
) -> None:
    owner = await quick_user(app)
    other = await quick_user(app)
    project = await make_project(client, owner, "Shared")
    await add_member(client, project["id"], owner, other, "editor")
    task = await make_task(client, owner, project_id=project["id"])
    await client.delete(f"{API}/tasks/{task['id']}", headers=owner.headers)
    await client.delete(f"{API}/projects/{project['id']}", headers=owner.headers)
    async with connect(ws_url) as websocket:
        await websocket.send(json.dumps({"type": "auth", "token": other.tokens.access_token}))
        assert json.loads(await asyncio.wait_for(websocket.recv(), 2)) == {"type": "ready"}
        # The project is in the trash: this socket does not hear it...
        response = await client.post(
            f"{API}/trash/project/{project['id']}/restore", headers=owner.headers
        )
        assert response.status_code == 200
        # ...until it is back, and then hears what happens in it.
        await client.post(f"{API}/trash/task/{task['id']}/restore", headers=owner.headers)
        verbs = []
        async with asyncio.timeout(3):
            while "task.restored" not in verbs:
                message = json.loads(await websocket.recv())
                if message.get("project_id") == project["id"]:
                    verbs.append(message["type"])
                    assert message["actor_id"] == owner.id
        assert verbs == ["project.restored", "task.restored"]


async def test_nothing_new_hangs_off_a_trashed_task(app: FastAPI, client: AsyncClient) -> None:
    owner = await quick_user(app)
    parent = await make_task(client, owner, title="parent")
    other = await make_task(client, owner, title="other")
    await client.delete(f"{API}/tasks/{parent['id']}", headers=owner.headers)
    created = await client.post(
        f"{API}/tasks", json={"title": "child", "parent_id": parent["id"]}, headers=owner.headers
    )
    assert created.status_code in (404, 422), created.text
    moved = await client.patch(
        f"{API}/tasks/{other['id']}", json={"parent_id": parent["id"]}, headers=owner.headers
    )
    assert moved.status_code == 422, moved.text
    comment = await client.post(
        f"{API}/tasks/{parent['id']}/comments", json={"body": "x"}, headers=owner.headers
    )
    assert comment.status_code == 404
    vote = await client.put(f"{API}/tasks/{parent['id']}/vote", headers=owner.headers)
    assert vote.status_code == 404
    assert await _titles(client, owner, "search=") == ["other"]


async def test_the_retention_job_purges_comments_deleted_alone_not_those_gone_with_a_task(
    app: FastAPI, client: AsyncClient
) -> None:
    """A comment that went to the trash with its task goes, or comes back, with the task."""
    owner = await quick_user(app)
    live_task = await make_task(client, owner, title="live")
    trashed_task = await make_task(client, owner, title="trashed")
    comments = {}
    for task, body in ((live_task, "alone"), (trashed_task, "with its task")):
        created = await client.post(
            f"{API}/tasks/{task['id']}/comments", json={"body": body}, headers=owner.headers
        )
        assert created.status_code == 201, created.text
        comments[body] = created.json()["id"]
    alone = await client.delete(f"{API}/comments/{comments['alone']}", headers=owner.headers)
    assert alone.status_code == 204
    gone = await client.delete(f"{API}/tasks/{trashed_task['id']}", headers=owner.headers)
    assert gone.status_code == 204
    database: Database = app.state.database
    async with database.sessionmaker() as session, session.begin():
        # Both comments past the retention; the task they may have gone with is not.
        await session.execute(
            update(Comment)
            .where(Comment.id.in_(comments.values()))
            .values(deleted_at=utcnow() - timedelta(days=31))
        )

    await get_job("trash.purge").function(
        JobContext(settings=app.state.settings, uow=app.state.uow)
    )

    async with database.sessionmaker() as session:
        left = set(await session.scalars(select(Comment.body)))
    assert left == {"with its task"}
    restore = f"{API}/trash/task/{trashed_task['id']}/restore"
    assert (await client.post(restore, headers=owner.headers)).json()["comment_count"] == 1
