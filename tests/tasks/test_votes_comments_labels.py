"""Votes, comments and labels."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI
from httpx import AsyncClient

from tests.factories_domain import (
    API,
    add_member,
    make_label,
    make_project,
    make_task,
    make_team,
    quick_user,
)


async def test_vote_and_unvote_are_idempotent(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    task = await make_task(client, user)
    url = f"{API}/tasks/{task['id']}"
    for _ in range(2):
        response = await client.put(f"{url}/vote", headers=user.headers)
        assert response.status_code == 204
    voted = (await client.get(url, headers=user.headers)).json()
    assert voted["vote_count"] == 1
    assert voted["voted_by_me"] is True
    assert voted["version"] == 1  # a vote is not an edit of the task
    for _ in range(2):
        response = await client.delete(f"{url}/vote", headers=user.headers)
        assert response.status_code == 204
    unvoted = (await client.get(url, headers=user.headers)).json()
    assert unvoted["vote_count"] == 0
    assert unvoted["voted_by_me"] is False


async def test_concurrent_votes_are_counted_exactly(app: FastAPI, client: AsyncClient) -> None:
    owner = await quick_user(app)
    project = await make_project(client, owner)
    voters = [await quick_user(app) for _ in range(6)]
    for voter in voters:
        await add_member(client, project["id"], owner, voter, "viewer")
    task = await make_task(client, owner, project_id=project["id"])
    url = f"{API}/tasks/{task['id']}/vote"
    # Everyone at once, and the owner several times at once.
    responses = await asyncio.gather(
        *(client.put(url, headers=voter.headers) for voter in voters),
        *(client.put(url, headers=owner.headers) for _ in range(4)),
    )
    assert {response.status_code for response in responses} == {204}
    current = (await client.get(f"{API}/tasks/{task['id']}", headers=owner.headers)).json()
    assert current["vote_count"] == 7
    responses = await asyncio.gather(
        *(client.delete(url, headers=voter.headers) for voter in voters[:3]),
        *(client.delete(url, headers=voters[0].headers) for _ in range(3)),
    )
    assert {response.status_code for response in responses} == {204}
    current = (await client.get(f"{API}/tasks/{task['id']}", headers=owner.headers)).json()
    assert current["vote_count"] == 4


async def test_comments_create_list_edit_delete(app: FastAPI, client: AsyncClient) -> None:
    team = await make_team(app, client)
    task = await make_task(client, team.owner, project_id=team.project_id)
    url = f"{API}/tasks/{task['id']}/comments"
    created = await client.post(url, json={"body": "First!"}, headers=team.viewer.headers)
    assert created.status_code == 201
    comment = created.json()
    assert set(comment) == {
        "id", "task_id", "author", "body", "created_at", "updated_at", "mentions"
    }  # fmt: skip
    assert comment["author"] == {"id": team.viewer.id, "username": team.viewer.user.username}
    assert comment["task_id"] == task["id"]
    await client.post(url, json={"body": "Second"}, headers=team.editor.headers)
    listed = await client.get(f"{url}?limit=1", headers=team.owner.headers)
    assert listed.json()["total"] == 2
    assert [c["body"] for c in listed.json()["items"]] == ["First!"]
    second_page = await client.get(f"{url}?limit=1&offset=1", headers=team.owner.headers)
    assert [c["body"] for c in second_page.json()["items"]] == ["Second"]
    fetched = await client.get(f"{API}/tasks/{task['id']}", headers=team.owner.headers)
    assert fetched.json()["comment_count"] == 2

    edited = await client.patch(
        f"{API}/comments/{comment['id']}", json={"body": "Edited"}, headers=team.viewer.headers
    )
    assert edited.status_code == 200
    assert edited.json()["body"] == "Edited"
    assert edited.json()["updated_at"] >= comment["updated_at"]
    not_author = await client.patch(
        f"{API}/comments/{comment['id']}", json={"body": "Mine now"}, headers=team.owner.headers
    )
    assert not_author.status_code == 403

    by_editor = await client.delete(f"{API}/comments/{comment['id']}", headers=team.editor.headers)
    assert by_editor.status_code == 403
    by_admin = await client.delete(f"{API}/comments/{comment['id']}", headers=team.admin.headers)
    assert by_admin.status_code == 204
    gone = await client.delete(f"{API}/comments/{comment['id']}", headers=team.admin.headers)
    assert gone.status_code == 404


async def test_comment_body_length_is_checked(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    task = await make_task(client, user)
    url = f"{API}/tasks/{task['id']}/comments"
    assert (await client.post(url, json={"body": ""}, headers=user.headers)).status_code == 422
    too_long = await client.post(url, json={"body": "x" * 10_001}, headers=user.headers)
    assert too_long.status_code == 422
    longest = await client.post(url, json={"body": "x" * 10_000}, headers=user.headers)
    assert longest.status_code == 201


async def test_labels_crud_and_unique_names(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    project = await make_project(client, user)
    url = f"{API}/projects/{project['id']}/labels"
    created = await client.post(url, json={"name": "bug", "color": "#ff0000"}, headers=user.headers)
    assert created.status_code == 201
    label = created.json()
    assert label["name"] == "bug"
    assert label["project_id"] == project["id"]
    duplicate = await client.post(url, json={"name": "bug"}, headers=user.headers)
    assert duplicate.status_code == 409
    other = await make_label(client, user, project["id"], "feature")
    rename_clash = await client.patch(
        f"{API}/labels/{other['id']}", json={"name": "bug"}, headers=user.headers
    )
    assert rename_clash.status_code == 409
    # The same name in another project is fine.
    elsewhere = await make_project(client, user, "Elsewhere")
    await make_label(client, user, elsewhere["id"], "bug")

    renamed = await client.patch(
        f"{API}/labels/{label['id']}", json={"name": "defect"}, headers=user.headers
    )
    assert renamed.status_code == 200
    assert renamed.json()["name"] == "defect"
    listed = await client.get(url, headers=user.headers)
    assert [lab["name"] for lab in listed.json()["items"]] == ["defect", "feature"]

    task = await make_task(client, user, project_id=project["id"], label_ids=[label["id"]])
    assert (
        await client.delete(f"{API}/labels/{label['id']}", headers=user.headers)
    ).status_code == 204
    after = await client.get(f"{API}/tasks/{task['id']}", headers=user.headers)
    assert after.json()["labels"] == []


async def test_concurrent_label_creation_gives_one_label(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    project = await make_project(client, user)
    url = f"{API}/projects/{project['id']}/labels"
    responses = await asyncio.gather(
        *(client.post(url, json={"name": "same"}, headers=user.headers) for _ in range(4))
    )
    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409]


async def test_a_tasks_labels_come_whole_and_sorted_in_lists_and_detail(
    app: FastAPI, client: AsyncClient
) -> None:
    """Labels ride on the task's one query (a JSON aggregate): every field, sorted by name,
    the same in a page, in the task, and after an edit; none is an empty list."""
    user = await quick_user(app)
    project = await make_project(client, user)
    made = [
        await make_label(client, user, project["id"], name) for name in ("zeta", "Alpha", "mid")
    ]
    ids = [label["id"] for label in made]
    labelled = await make_task(client, user, project_id=project["id"], label_ids=ids)
    bare = await make_task(client, user, project_id=project["id"], title="bare")
    expected = sorted(
        ({"id": label["id"], "name": label["name"], "color": label["color"]} for label in made),
        key=lambda label: (label["name"], label["id"]),
    )
    assert [label["name"] for label in expected] == ["Alpha", "mid", "zeta"]
    assert labelled["labels"] == expected
    page = await client.get(f"{API}/tasks?project_id={project['id']}", headers=user.headers)
    by_id = {task["id"]: task for task in page.json()["items"]}
    assert by_id[labelled["id"]]["labels"] == expected
    assert by_id[bare["id"]]["labels"] == []
    detail = await client.get(f"{API}/tasks/{labelled['id']}", headers=user.headers)
    assert detail.json()["labels"] == expected
    patched = await client.patch(
        f"{API}/tasks/{labelled['id']}", json={"label_ids": ids[:1]}, headers=user.headers
    )
    assert patched.json()["labels"] == [expected[2]]
