"""Tasks: create, read, replace, patch, delete; subtasks; versions and If-Match."""

from __future__ import annotations

import asyncio

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from taskflow.tasks import positions
from tests.factories_domain import (
    API,
    add_member,
    inbox_id,
    make_label,
    make_project,
    make_task,
    make_team,
    quick_user,
)

TASK_FIELDS = {
    "id", "project_id", "parent_id", "section_id", "title", "description", "status", "priority",
    "due_at", "due_all_day", "start_at", "recurrence", "recurrence_basis", "completed_at",
    "assignee_id", "labels", "position", "vote_count", "voted_by_me",
    "comment_count", "created_by", "created_at", "updated_at", "version",
    "mentions", "watching",  # SPEC §7
    "attachment_count",  # SPEC §12
    "subtask_count", "subtasks_done",  # SPEC §13: a parent's progress on its row
}  # fmt: skip


async def test_create_defaults_to_the_inbox(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    response = await client.post(f"{API}/tasks", json={"title": " Buy milk "}, headers=user.headers)
    assert response.status_code == 201
    task = response.json()
    assert set(task) == TASK_FIELDS
    assert response.headers["location"] == f"/api/v1/tasks/{task['id']}"
    assert response.headers["etag"] == '"1"'
    assert task["project_id"] == await inbox_id(client, user)
    assert task["title"] == "Buy milk"
    assert task["status"] == "todo"
    assert task["priority"] == 0
    assert task["description"] == ""
    assert task["labels"] == []
    assert task["parent_id"] is None
    assert task["completed_at"] is None
    assert task["vote_count"] == 0
    assert task["voted_by_me"] is False
    assert task["comment_count"] == 0
    assert task["created_by"] == user.id
    assert task["version"] == 1


async def test_create_with_every_field(app: FastAPI, client: AsyncClient) -> None:
    team = await make_team(app, client)
    bug = await make_label(client, team.owner, team.project_id, "bug", "#ff0000")
    ui = await make_label(client, team.owner, team.project_id, "ui", "#00ff00")
    task = await make_task(
        client,
        team.editor,
        title="Fix layout",
        project_id=team.project_id,
        description="It overflows",
        status="in_progress",
        priority=3,
        due_at="2030-05-01T12:00:00+02:00",
        assignee_id=team.viewer.id,
        label_ids=[ui["id"], bug["id"]],
    )
    assert task["due_at"] in {"2030-05-01T10:00:00Z", "2030-05-01T10:00:00+00:00"}
    assert task["labels"] == [
        {"id": bug["id"], "name": "bug", "color": "#ff0000"},
        {"id": ui["id"], "name": "ui", "color": "#00ff00"},
    ]
    assert task["assignee_id"] == team.viewer.id
    assert task["priority"] == 3
    assert task["status"] == "in_progress"
    fetched = await client.get(f"{API}/tasks/{task['id']}", headers=team.viewer.headers)
    assert fetched.status_code == 200
    assert fetched.json() == task
    assert fetched.headers["etag"] == '"1"'


async def test_assignee_must_be_a_member(app: FastAPI, client: AsyncClient) -> None:
    team = await make_team(app, client)
    response = await client.post(
        f"{API}/tasks",
        json={"title": "t", "project_id": team.project_id, "assignee_id": team.outsider.id},
        headers=team.owner.headers,
    )
    assert response.status_code == 422
    assert "assignee" in response.json()["detail"]


async def test_labels_must_belong_to_the_project(app: FastAPI, client: AsyncClient) -> None:
    team = await make_team(app, client)
    other = await make_project(client, team.owner, "Other")
    foreign = await make_label(client, team.owner, other["id"], "foreign")
    for label_ids in ([foreign["id"]], [999_999]):
        response = await client.post(
            f"{API}/tasks",
            json={"title": "t", "project_id": team.project_id, "label_ids": label_ids},
            headers=team.owner.headers,
        )
        assert response.status_code == 422


async def test_completed_at_follows_status(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    done = await make_task(client, user, status="done")
    assert done["completed_at"] is not None
    task = await make_task(client, user)
    assert task["completed_at"] is None
    completed = await client.patch(
        f"{API}/tasks/{task['id']}", json={"status": "done"}, headers=user.headers
    )
    assert completed.json()["completed_at"] is not None
    stamp = completed.json()["completed_at"]
    retitled = await client.patch(
        f"{API}/tasks/{task['id']}", json={"title": "still done"}, headers=user.headers
    )
    assert retitled.json()["completed_at"] == stamp
    reopened = await client.patch(
        f"{API}/tasks/{task['id']}", json={"status": "in_progress"}, headers=user.headers
    )
    assert reopened.json()["completed_at"] is None


async def test_subtask_goes_to_its_parents_project(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    project = await make_project(client, user)
    parent = await make_task(client, user, project_id=project["id"])
    child = await make_task(client, user, title="child", parent_id=parent["id"])
    assert child["project_id"] == project["id"]
    assert child["parent_id"] == parent["id"]
    listed = await client.get(f"{API}/tasks?parent_id={parent['id']}", headers=user.headers)
    assert [t["id"] for t in listed.json()["items"]] == [child["id"]]


async def test_a_parent_counts_its_subtasks_and_the_done_ones(
    app: FastAPI, client: AsyncClient
) -> None:
    """The "2/5" on a parent's row (SPEC §13): live subtasks, and how many are done; the
    trash does not count. In the list, the single read and an update's answer alike."""
    user = await quick_user(app)
    project = await make_project(client, user)
    parent = await make_task(client, user, project_id=project["id"])
    assert (parent["subtask_count"], parent["subtasks_done"]) == (0, 0)
    kids = [await make_task(client, user, title=f"k{n}", parent_id=parent["id"]) for n in range(3)]
    for kid in kids[:2]:
        done = await client.patch(
            f"{API}/tasks/{kid['id']}", json={"status": "done"}, headers=user.headers
        )
        assert done.status_code == 200
    deleted = await client.delete(f"{API}/tasks/{kids[0]['id']}", headers=user.headers)
    assert deleted.status_code == 204
    read = (await client.get(f"{API}/tasks/{parent['id']}", headers=user.headers)).json()
    assert (read["subtask_count"], read["subtasks_done"]) == (2, 1)
    listed = await client.get(f"{API}/tasks?project_id={project['id']}", headers=user.headers)
    row = next(t for t in listed.json()["items"] if t["id"] == parent["id"])
    assert (row["subtask_count"], row["subtasks_done"]) == (2, 1)
    assert next(t for t in listed.json()["items"] if t["id"] == kids[1]["id"])["subtask_count"] == 0
    renamed = await client.patch(
        f"{API}/tasks/{parent['id']}", json={"title": "Parent"}, headers=user.headers
    )
    assert (renamed.json()["subtask_count"], renamed.json()["subtasks_done"]) == (2, 1)


async def test_subtasks_are_one_level_deep(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    parent = await make_task(client, user)
    child = await make_task(client, user, parent_id=parent["id"])
    grandchild = await client.post(
        f"{API}/tasks", json={"title": "g", "parent_id": child["id"]}, headers=user.headers
    )
    assert grandchild.status_code == 422
    # A task with subtasks cannot itself become a subtask.
    other = await make_task(client, user)
    response = await client.patch(
        f"{API}/tasks/{parent['id']}", json={"parent_id": other["id"]}, headers=user.headers
    )
    assert response.status_code == 422
    itself = await client.patch(
        f"{API}/tasks/{other['id']}", json={"parent_id": other["id"]}, headers=user.headers
    )
    assert itself.status_code == 422


async def test_parent_must_be_in_the_same_project(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    project = await make_project(client, user)
    parent = await make_task(client, user)  # in the Inbox
    response = await client.post(
        f"{API}/tasks",
        json={"title": "t", "project_id": project["id"], "parent_id": parent["id"]},
        headers=user.headers,
    )
    assert response.status_code == 422


async def test_someone_elses_parent_is_not_found(app: FastAPI, client: AsyncClient) -> None:
    owner = await quick_user(app)
    stranger = await quick_user(app)
    parent = await make_task(client, owner)
    response = await client.post(
        f"{API}/tasks", json={"title": "t", "parent_id": parent["id"]}, headers=stranger.headers
    )
    assert response.status_code == 404


async def test_patch_changes_only_given_fields_and_bumps_version(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await quick_user(app)
    task = await make_task(client, user, description="keep me", priority=2)
    response = await client.patch(
        f"{API}/tasks/{task['id']}", json={"title": "Renamed"}, headers=user.headers
    )
    assert response.status_code == 200
    assert response.headers["etag"] == '"2"'
    body = response.json()
    assert body["title"] == "Renamed"
    assert body["description"] == "keep me"
    assert body["priority"] == 2
    assert body["version"] == 2
    assert body["updated_at"] >= task["updated_at"]


async def test_patch_without_changes_keeps_the_version(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    task = await make_task(client, user, title="Same")
    response = await client.patch(
        f"{API}/tasks/{task['id']}", json={"title": "Same"}, headers=user.headers
    )
    assert response.status_code == 200
    assert response.json()["version"] == 1


async def test_patch_null_clears_optional_fields(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    task = await make_task(client, user, due_at="2030-01-01T00:00:00Z", assignee_id=user.id)
    response = await client.patch(
        f"{API}/tasks/{task['id']}",
        json={"due_at": None, "assignee_id": None},
        headers=user.headers,
    )
    assert response.json()["due_at"] is None
    assert response.json()["assignee_id"] is None
    refused = await client.patch(
        f"{API}/tasks/{task['id']}", json={"title": None}, headers=user.headers
    )
    assert refused.status_code == 422


async def test_labels_change_bumps_the_version(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    project = await make_project(client, user)
    label = await make_label(client, user, project["id"])
    task = await make_task(client, user, project_id=project["id"])
    response = await client.patch(
        f"{API}/tasks/{task['id']}", json={"label_ids": [label["id"]]}, headers=user.headers
    )
    assert [lab["id"] for lab in response.json()["labels"]] == [label["id"]]
    assert response.json()["version"] == 2


async def test_put_resets_omitted_fields(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    project = await make_project(client, user)
    label = await make_label(client, user, project["id"])
    task = await make_task(
        client,
        user,
        project_id=project["id"],
        description="d",
        priority=4,
        status="done",
        label_ids=[label["id"]],
        due_at="2030-01-01T00:00:00Z",
    )
    response = await client.put(
        f"{API}/tasks/{task['id']}", json={"title": "Fresh"}, headers=user.headers
    )
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Fresh"
    assert body["description"] == ""
    assert body["priority"] == 0
    assert body["status"] == "todo"
    assert body["completed_at"] is None
    assert body["labels"] == []
    assert body["due_at"] is None
    assert body["project_id"] == project["id"]
    assert body["position"] == task["position"]
    assert response.headers["etag"] == '"2"'
    missing_title = await client.put(f"{API}/tasks/{task['id']}", json={}, headers=user.headers)
    assert missing_title.status_code == 422


async def test_stale_if_match_returns_412_and_changes_nothing(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await quick_user(app)
    task = await make_task(client, user, title="Original")
    await client.patch(f"{API}/tasks/{task['id']}", json={"priority": 1}, headers=user.headers)
    for method in ("PATCH", "PUT"):
        response = await client.request(
            method,
            f"{API}/tasks/{task['id']}",
            json={"title": "Lost update"},
            headers={**user.headers, "If-Match": '"1"'},
        )
        assert response.status_code == 412
        assert "detail" in response.json()
        assert response.headers["etag"] == '"2"'
    stale_delete = await client.delete(
        f"{API}/tasks/{task['id']}", headers={**user.headers, "If-Match": '"1"'}
    )
    assert stale_delete.status_code == 412
    current = await client.get(f"{API}/tasks/{task['id']}", headers=user.headers)
    assert current.json()["title"] == "Original"
    assert current.json()["priority"] == 1
    assert current.json()["version"] == 2


async def test_current_if_match_succeeds(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    task = await make_task(client, user)
    for number, if_match in enumerate(('"1"', 'W/"2"', "*", '"7", "4"'), start=2):
        response = await client.patch(
            f"{API}/tasks/{task['id']}",
            json={"title": f"v{number}"},
            headers={**user.headers, "If-Match": if_match},
        )
        assert response.status_code == 200, if_match
        assert response.json()["version"] == number
    garbage = await client.patch(
        f"{API}/tasks/{task['id']}",
        json={"title": "x"},
        headers={**user.headers, "If-Match": "garbage"},
    )
    assert garbage.status_code == 412


async def test_concurrent_patches_with_one_if_match_have_one_winner(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await quick_user(app)
    task = await make_task(client, user)
    responses = await asyncio.gather(
        *(
            client.patch(
                f"{API}/tasks/{task['id']}",
                json={"title": f"writer {n}"},
                headers={**user.headers, "If-Match": '"1"'},
            )
            for n in range(8)
        )
    )
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] + [412] * 7
    winner = next(r for r in responses if r.status_code == 200).json()
    current = (await client.get(f"{API}/tasks/{task['id']}", headers=user.headers)).json()
    assert current["version"] == 2
    assert current["title"] == winner["title"]


async def test_concurrent_patches_without_if_match_all_apply(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await quick_user(app)
    task = await make_task(client, user)
    responses = await asyncio.gather(
        *(
            client.patch(
                f"{API}/tasks/{task['id']}", json={"title": f"title {n}"}, headers=user.headers
            )
            for n in range(1, 6)
        )
    )
    assert [response.status_code for response in responses] == [200] * 5
    current = (await client.get(f"{API}/tasks/{task['id']}", headers=user.headers)).json()
    assert current["version"] == 6  # every change counted, none lost
    assert current["title"] in {f"title {n}" for n in range(1, 6)}


async def test_delete_takes_subtasks_along(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    parent = await make_task(client, user)
    child = await make_task(client, user, parent_id=parent["id"])
    response = await client.delete(f"{API}/tasks/{parent['id']}", headers=user.headers)
    assert response.status_code == 204
    assert (await client.get(f"{API}/tasks/{child['id']}", headers=user.headers)).status_code == 404
    again = await client.delete(f"{API}/tasks/{parent['id']}", headers=user.headers)
    assert again.status_code == 404


async def test_delete_with_the_current_if_match(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    task = await make_task(client, user)
    response = await client.delete(
        f"{API}/tasks/{task['id']}", headers={**user.headers, "If-Match": '"1"'}
    )
    assert response.status_code == 204


async def test_move_to_another_project(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    source = await make_project(client, user, "Source")
    target = await make_project(client, user, "Target")
    label = await make_label(client, user, source["id"])
    parent = await make_task(client, user, project_id=source["id"], label_ids=[label["id"]])
    child = await make_task(client, user, parent_id=parent["id"])
    response = await client.patch(
        f"{API}/tasks/{parent['id']}", json={"project_id": target["id"]}, headers=user.headers
    )
    assert response.status_code == 200
    assert response.json()["project_id"] == target["id"]
    assert response.json()["labels"] == []  # labels belong to their project
    moved_child = (await client.get(f"{API}/tasks/{child['id']}", headers=user.headers)).json()
    assert moved_child["project_id"] == target["id"]
    assert moved_child["parent_id"] == parent["id"]


async def test_move_needs_editor_rights_in_the_target(app: FastAPI, client: AsyncClient) -> None:
    team = await make_team(app, client)
    mine = await make_project(client, team.viewer, "Mine")
    task = await make_task(client, team.viewer, project_id=mine["id"])
    as_viewer = await client.patch(
        f"{API}/tasks/{task['id']}",
        json={"project_id": team.project_id},
        headers=team.viewer.headers,
    )
    assert as_viewer.status_code == 403
    foreign = await make_project(client, team.outsider, "Foreign")
    unseen = await client.patch(
        f"{API}/tasks/{task['id']}", json={"project_id": foreign["id"]}, headers=team.viewer.headers
    )
    assert unseen.status_code == 404
    unchanged = await client.get(f"{API}/tasks/{task['id']}", headers=team.viewer.headers)
    assert unchanged.json()["project_id"] == mine["id"]
    assert unchanged.json()["version"] == 1


async def test_moving_between_two_tasks_renumbers_nothing(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await quick_user(app)
    project = await make_project(client, user)
    first, second, third = [
        await make_task(client, user, title=name, project_id=project["id"])
        for name in ("first", "second", "third")
    ]
    # Appended in order: the keys after the last.
    assert [first["position"], second["position"], third["position"]] == ["a0", "a1", "a2"]
    between = positions.between(first["position"], second["position"])
    moved = await client.patch(
        f"{API}/tasks/{third['id']}", json={"position": between}, headers=user.headers
    )
    assert moved.status_code == 200
    assert moved.json()["position"] == between
    listed = await client.get(f"{API}/tasks?project_id={project['id']}", headers=user.headers)
    items = listed.json()["items"]
    assert [t["title"] for t in items] == ["first", "third", "second"]
    # Only the moved task changed.
    assert [t["version"] for t in items] == [1, 2, 1]


async def test_two_hundred_moves_into_one_gap_keep_their_order(
    app: FastAPI, client: AsyncClient
) -> None:
    """Float midpoints run out after some fifty halvings of one gap; keys do not (issue 17):
    each task moved right after `first` in turn, the listing shows them newest first."""
    user = await quick_user(app)
    project = await make_project(client, user)
    first = await make_task(client, user, title="first", project_id=project["id"])
    last = await make_task(client, user, title="last", project_id=project["id"])
    upper = last["position"]
    moved = []
    for number in range(200):
        task = await make_task(client, user, title=f"m{number}", project_id=project["id"])
        key = positions.between(first["position"], upper)
        response = await client.patch(
            f"{API}/tasks/{task['id']}", json={"position": key}, headers=user.headers
        )
        assert response.status_code == 200, response.text
        upper = key
        moved.append(task["title"])
    titles = []
    for offset in (0, 100, 200):
        listed = await client.get(
            f"{API}/tasks?project_id={project['id']}&limit=100&offset={offset}",
            headers=user.headers,
        )
        titles += [t["title"] for t in listed.json()["items"]]
    assert titles == ["first", *reversed(moved), "last"]
    assert len(upper) < 60


async def test_positions_compare_byte_by_byte(app: FastAPI, client: AsyncClient) -> None:
    """Upper case before lower case, as the keys need: PostgreSQL's column is COLLATE "C"
    (a locale such as en_US would compare a0a and a0B ignoring case)."""
    user = await quick_user(app)
    project = await make_project(client, user)
    for title, key in [("lower", "a0a"), ("upper", "a0B"), ("digit", "a09"), ("before", "Zz")]:
        task = await make_task(client, user, title=title, project_id=project["id"])
        response = await client.patch(
            f"{API}/tasks/{task['id']}", json={"position": key}, headers=user.headers
        )
        assert response.status_code == 200, response.text
    listed = await client.get(f"{API}/tasks?project_id={project['id']}", headers=user.headers)
    assert [t["title"] for t in listed.json()["items"]] == ["before", "digit", "upper", "lower"]
    down = await client.get(
        f"{API}/tasks?project_id={project['id']}&sort=-position", headers=user.headers
    )
    assert [t["title"] for t in down.json()["items"]] == ["lower", "upper", "digit", "before"]


async def test_no_room_after_the_largest_key_is_409_not_a_longer_key(
    app: FastAPI, client: AsyncClient
) -> None:
    """`z` * 255 is the largest key a position may be: nothing comes after it within 255
    characters, so appending there (create, move, bulk move, quick add) is a clear 409 that
    writes nothing, never a key the column cannot hold (PostgreSQL's varchar(255): a 500)."""
    user = await quick_user(app)
    full = await make_project(client, user, "Full")
    other = await make_project(client, user, "Other")
    last = await make_task(client, user, title="last", project_id=full["id"])
    largest = "z" * positions.MAX_KEY_LENGTH
    response = await client.patch(
        f"{API}/tasks/{last['id']}", json={"position": largest}, headers=user.headers
    )
    assert response.status_code == 200, response.text
    created = await client.post(
        f"{API}/tasks", json={"title": "t", "project_id": full["id"]}, headers=user.headers
    )
    assert created.status_code == 409, created.text
    assert "position" in created.json()["detail"]
    elsewhere = await make_task(client, user, title="elsewhere", project_id=other["id"])
    moved = await client.patch(
        f"{API}/tasks/{elsewhere['id']}", json={"project_id": full["id"]}, headers=user.headers
    )
    assert moved.status_code == 409, moved.text
    bulk = await client.post(
        f"{API}/tasks/bulk",
        json={"action": "move", "ids": [elsewhere["id"]], "project_id": full["id"]},
        headers=user.headers,
    )
    assert bulk.status_code == 409, bulk.text
    quick = await client.post(
        f"{API}/tasks/quick", json={"text": "one #Full"}, headers=user.headers
    )
    assert quick.status_code == 409, quick.text
    listed = await client.get(f"{API}/tasks?project_id={full['id']}", headers=user.headers)
    assert [t["title"] for t in listed.json()["items"]] == ["last"]
    # Given a position, a task still goes in (before the largest key).
    placed = await client.post(
        f"{API}/tasks",
        json={"title": "placed", "project_id": full["id"], "position": "a0"},
        headers=user.headers,
    )
    assert placed.status_code == 201, placed.text


@pytest.mark.parametrize(
    "bad",
    ["a", "a00", "b0", "A00000000000000000000000000", "a0 ", "a0!", "0a", "", "a" + "1" * 255, 1.5],
)
async def test_a_position_that_is_not_a_key_is_422(
    app: FastAPI, client: AsyncClient, bad: object
) -> None:
    user = await quick_user(app)
    task = await make_task(client, user)
    response = await client.patch(
        f"{API}/tasks/{task['id']}", json={"position": bad}, headers=user.headers
    )
    assert response.status_code == 422, response.text
    assert "position" in response.text
    created = await client.post(
        f"{API}/tasks", json={"title": "t", "position": bad}, headers=user.headers
    )
    assert created.status_code == 422, created.text


async def test_a_members_project_task_as_assignee(app: FastAPI, client: AsyncClient) -> None:
    owner = await quick_user(app)
    member = await quick_user(app)
    project = await make_project(client, owner)
    await add_member(client, project["id"], owner, member, "editor")
    task = await make_task(client, member, project_id=project["id"], assignee_id=owner.id)
    assert task["assignee_id"] == owner.id


async def test_a_constraint_hit_by_a_concurrent_change_is_409(
    app: FastAPI, client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As if the label were deleted between the check and the insert.
    async def unchecked(*_: object) -> None:
        return None

    monkeypatch.setattr("taskflow.tasks.service._check_labels", unchecked)
    user = await quick_user(app)
    response = await client.post(
        f"{API}/tasks", json={"title": "t", "label_ids": [987654]}, headers=user.headers
    )
    assert response.status_code == 409
    assert (await client.get(f"{API}/tasks", headers=user.headers)).json()["total"] == 0


async def test_moving_keeps_an_assignee_who_is_a_member_there(
    app: FastAPI, client: AsyncClient
) -> None:
    team = await make_team(app, client)
    other = await make_project(client, team.owner, "Other")
    await add_member(client, other["id"], team.owner, team.editor, "editor")
    stays = await make_task(client, team.owner, project_id=team.project_id,
                            assignee_id=team.editor.id)  # fmt: skip
    goes = await make_task(client, team.owner, project_id=team.project_id,
                           assignee_id=team.viewer.id)  # fmt: skip
    for task in (stays, goes):
        response = await client.patch(
            f"{API}/tasks/{task['id']}",
            json={"project_id": other["id"], "position": None, "description": None},
            headers=team.owner.headers,
        )
        assert response.status_code == 200
        assert response.json()["description"] == ""
    moved = await client.get(f"{API}/tasks?project_id={other['id']}", headers=team.owner.headers)
    assignees = {t["id"]: t["assignee_id"] for t in moved.json()["items"]}
    assert assignees == {stays["id"]: team.editor.id, goes["id"]: None}


async def test_a_subtask_moved_alone_leaves_its_parent(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    other = await make_project(client, user, "Other")
    parent = await make_task(client, user)
    child = await make_task(client, user, parent_id=parent["id"])
    response = await client.patch(
        f"{API}/tasks/{child['id']}", json={"project_id": other["id"]}, headers=user.headers
    )
    assert response.status_code == 200
    assert response.json()["parent_id"] is None
    assert response.json()["project_id"] == other["id"]
    assert response.json()["position"] == "a0"  # appended to the (empty) target: the first key
