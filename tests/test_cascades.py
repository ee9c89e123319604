"""Purging a project or a task from the trash, or deleting a user, leaves no orphan rows
behind; until the purge, a deletion keeps every row (SPEC §10)."""

from __future__ import annotations

from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import func, select

from taskflow.activity.models import Activity
from taskflow.db import Database
from taskflow.projects.models import Project, ProjectMember
from taskflow.tasks.models import Comment, Label, Task, Vote, task_labels
from taskflow.users.models import User
from tests.factories import UserWithTokens
from tests.factories_domain import API, add_member, make_label, make_project, make_task, quick_user


async def _counts(app: FastAPI) -> dict[str, int]:
    database: Database = app.state.database
    async with database.sessionmaker() as session:
        counts = {}
        for name, table in (
            ("projects", Project.__table__),
            ("members", ProjectMember.__table__),
            ("tasks", Task.__table__),
            ("labels", Label.__table__),
            ("task_labels", task_labels),
            ("comments", Comment.__table__),
            ("votes", Vote.__table__),
            ("activity", Activity.__table__),
        ):
            counts[name] = await session.scalar(select(func.count()).select_from(table)) or 0
        return counts


async def _fill_project(client: AsyncClient, owner: UserWithTokens, voter: UserWithTokens) -> int:
    project = await make_project(client, owner, "Full")
    await add_member(client, project["id"], owner, voter, "viewer")
    label = await make_label(client, owner, project["id"])
    parent = await make_task(client, owner, project_id=project["id"], label_ids=[label["id"]])
    child = await make_task(client, owner, parent_id=parent["id"], label_ids=[label["id"]])
    for task in (parent, child):
        await client.put(f"{API}/tasks/{task['id']}/vote", headers=voter.headers)
        await client.post(
            f"{API}/tasks/{task['id']}/comments", json={"body": "c"}, headers=voter.headers
        )
    return int(project["id"])


async def test_deleting_a_project_leaves_no_orphans(app: FastAPI, client: AsyncClient) -> None:
    owner = await quick_user(app)
    voter = await quick_user(app)
    baseline = await _counts(app)
    project_id = await _fill_project(client, owner, voter)
    assert (await _counts(app))["votes"] == baseline["votes"] + 2
    filled = await _counts(app)
    response = await client.delete(f"{API}/projects/{project_id}", headers=owner.headers)
    assert response.status_code == 204
    trashed = await _counts(app)
    assert trashed == filled | {"activity": filled["activity"] + 1}  # all kept, in the trash
    response = await client.delete(f"{API}/trash/project/{project_id}", headers=owner.headers)
    assert response.status_code == 204
    assert await _counts(app) == baseline


async def test_deleting_a_task_takes_its_rows_along(app: FastAPI, client: AsyncClient) -> None:
    owner = await quick_user(app)
    voter = await quick_user(app)
    project_id = await _fill_project(client, owner, voter)
    before = await _counts(app)
    parent = (await client.get(f"{API}/tasks?project_id={project_id}&sort=created_at",
                               headers=owner.headers)).json()["items"][0]  # fmt: skip
    await client.delete(f"{API}/tasks/{parent['id']}", headers=owner.headers)
    trashed = await _counts(app)
    assert trashed == before | {"activity": before["activity"] + 1}  # all kept, in the trash
    response = await client.delete(f"{API}/trash/task/{parent['id']}", headers=owner.headers)
    assert response.status_code == 204
    after = await _counts(app)
    assert after["tasks"] == before["tasks"] - 2
    assert after["comments"] == before["comments"] - 2
    assert after["votes"] == before["votes"] - 2
    assert after["task_labels"] == before["task_labels"] - 2
    assert after["labels"] == before["labels"]


async def test_deleting_a_user_deletes_their_projects_and_memberships(
    app: FastAPI, client: AsyncClient
) -> None:
    owner = await quick_user(app)
    leaver = await quick_user(app)
    project_id = await _fill_project(client, owner, leaver)
    shared_task = await make_task(client, owner, project_id=project_id, assignee_id=leaver.id)
    baseline_without_leaver = await _counts(app)
    database: Database = app.state.database
    async with database.sessionmaker() as session, session.begin():
        user = await session.get(User, leaver.id)
        assert user is not None
        await session.delete(user)
    after = await _counts(app)
    assert after["projects"] == baseline_without_leaver["projects"] - 1  # their Inbox
    assert after["members"] == baseline_without_leaver["members"] - 2  # Inbox + shared
    assert after["votes"] == baseline_without_leaver["votes"] - 2
    assert after["comments"] == baseline_without_leaver["comments"] - 2
    tasks = (await client.get(f"{API}/tasks?project_id={project_id}", headers=owner.headers)).json()
    # Vote counters follow the votes that went; the assignment is cleared.
    assert all(task["vote_count"] == 0 for task in tasks["items"])
    assert next(t for t in tasks["items"] if t["id"] == shared_task["id"])["assignee_id"] is None
    members = await client.get(f"{API}/projects/{project_id}/members", headers=owner.headers)
    assert members.json()["total"] == 1
    # And the owner's own deletion takes the shared project with it.
    async with database.sessionmaker() as session, session.begin():
        await session.delete(await session.get(User, owner.id))
    assert await _counts(app) == dict.fromkeys(after, 0)
