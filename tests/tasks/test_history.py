"""A task's history (SPEC §10): a snapshot per version, the list, revert whole or by field,
references that are gone skipped and named; 404/403/412 change nothing."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from taskflow.tasks.models import Task, TaskVersion, task_labels
from taskflow.tasks.schemas import VERSIONED_FIELDS
from taskflow.tasks.service import update_task
from taskflow.tasks.snapshots import snapshot_fields
from taskflow.users.models import User
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


async def _stored_and_rebuilt(app: FastAPI, task_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The newest snapshot as stored, and the snapshot the history hook would write from the
    task's row as it is now (`snapshot_fields`)."""
    async with app.state.database.sessionmaker() as session:
        task = await session.get(Task, task_id)
        assert task is not None
        stored = await session.scalar(
            select(TaskVersion.fields).where(
                TaskVersion.task_id == task_id, TaskVersion.version == task.version
            )
        )
        labels = await session.scalars(
            select(task_labels.c.label_id).where(task_labels.c.task_id == task_id)
        )
        rebuilt = snapshot_fields(
            {name: getattr(task, name) for name in VERSIONED_FIELDS if name != "label_ids"},
            sorted(labels),
        )
    assert stored is not None
    return stored, rebuilt


async def test_a_patch_writes_its_snapshot_exactly_as_from_the_row(
    app: FastAPI, client: AsyncClient
) -> None:
    """On PostgreSQL a PATCH's UPDATE writes the snapshot itself (tasks/service.py:
    `_update_snapshotting`): it must read as the hook's own snapshot from the row would, to
    the JSON types and the datetime format, labels included."""
    owner = await quick_user(app)
    task = await make_task(client, owner, title="before", description="kept **as is**")
    project_id = task["project_id"]
    labels = [await make_label(client, owner, project_id, name) for name in ("b", "a")]
    url = f"{API}/tasks/{task['id']}"
    changed = await client.patch(
        url, json={"label_ids": [label["id"] for label in labels]}, headers=owner.headers
    )
    assert changed.status_code == 200
    for change in (
        {"title": "after", "priority": 3},
        {"due_at": "2027-01-05T17:30:00.250000Z", "recurrence": "FREQ=WEEKLY"},
        {"status": "in_progress", "start_at": "2027-01-04T09:00:00Z"},
        {"due_at": "2027-01-06T08:15:00+02:00", "title": "an offset"},
    ):
        response = await client.patch(url, json=change, headers=owner.headers)
        assert response.status_code == 200, response.text
        stored, rebuilt = await _stored_and_rebuilt(app, task["id"])
        assert stored == rebuilt
        assert stored["label_ids"] == sorted(label["id"] for label in labels)
    versions = (await client.get(f"{url}/versions", headers=owner.headers)).json()
    assert [item["version"] for item in versions["items"]] == [6, 5, 4, 3, 2, 1]


async def test_a_patch_read_from_a_stale_row_still_snapshots_the_row(
    app: FastAPI, client: AsyncClient
) -> None:
    """The snapshot a PATCH's UPDATE writes is its prediction (the task as read, plus the
    values written), guarded by the row: when the row differs from what was read (a field
    changed without a new version), the guard refuses it and the hook writes the row's."""
    owner = await quick_user(app)
    task = await make_task(client, owner, title="the real title")
    async with app.state.uow.begin() as session:
        user = await session.get(User, owner.id)
        assert user is not None
        read = await session.get(Task, task["id"])
        assert read is not None
        set_committed_value(read, "title", "a stale title")  # what the read saw, the row not
        view = await update_task(session, user, task["id"], {"priority": 2})
    assert (view.title, view.priority, view.version) == ("the real title", 2, 2)
    stored, rebuilt = await _stored_and_rebuilt(app, task["id"])
    assert stored == rebuilt
    assert stored["title"] == "the real title"
