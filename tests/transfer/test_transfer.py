"""Export and import: a round trip into a fresh account, and all-or-nothing validation."""

from __future__ import annotations

import itertools
from typing import Any

from fastapi import FastAPI
from httpx import AsyncClient

from tests.factories import UserWithTokens
from tests.factories_domain import (
    API,
    add_member,
    count_statements,
    inbox_id,
    make_label,
    make_project,
    make_task,
    quick_user,
)


async def _seed(client: AsyncClient, user: UserWithTokens) -> None:
    project = await make_project(client, user, "Garden", description="Veg", color="#00aa00")
    seeds = await make_label(client, user, project["id"], "seeds", "#123456")
    parent = await make_task(client, user, title="Plant", project_id=project["id"],
                             label_ids=[seeds["id"]], priority=3,
                             due_at="2030-04-01T09:00:00Z")  # fmt: skip
    await make_task(client, user, title="Tomatoes", parent_id=parent["id"], status="done")
    await client.post(
        f"{API}/tasks/{parent['id']}/comments", json={"body": "Rain first"}, headers=user.headers
    )
    inbox_label = await make_label(client, user, await inbox_id(client, user), "home")
    await make_task(client, user, title="Call mum", label_ids=[inbox_label["id"]])


def _shape(document: dict[str, Any]) -> list[Any]:
    """What must survive a round trip, without ids and timestamps that change."""
    shaped = []
    for project in document["projects"]:
        labels = {label["id"]: label["name"] for label in project["labels"]}
        titles = {task["id"]: task["title"] for task in project["tasks"]}
        shaped.append(
            (
                project["name"], project["description"], project["color"], project["is_inbox"],
                sorted((label["name"], label["color"]) for label in project["labels"]),
                sorted(
                    (
                        task["title"], task["status"], task["priority"], task["due_at"],
                        titles.get(task["parent_id"]),
                        sorted(labels[i] for i in task["label_ids"]),
                        [comment["body"] for comment in task["comments"]],
                    )
                    for task in project["tasks"]
                ),
            )
        )  # fmt: skip
    return shaped


async def test_export_then_import_into_a_fresh_account_round_trips(
    app: FastAPI, client: AsyncClient
) -> None:
    alice = await quick_user(app)
    await _seed(client, alice)
    exported = await client.get(f"{API}/export", headers=alice.headers)
    assert exported.status_code == 200
    document = exported.json()
    assert document["format"] == "taskflow.export"
    assert document["version"] == 1
    assert [p["name"] for p in document["projects"]] == ["Inbox", "Garden"]

    bob = await quick_user(app)
    imported = await client.post(f"{API}/import", json=document, headers=bob.headers)
    assert imported.status_code == 201
    assert imported.json() == {"projects": 2, "tasks": 3, "attachments": 0}

    again = (await client.get(f"{API}/export", headers=bob.headers)).json()
    assert _shape(again) == _shape(document)
    # New ids, and Bob still has exactly one Inbox.
    bob_projects = (await client.get(f"{API}/projects", headers=bob.headers)).json()["items"]
    assert [p["name"] for p in bob_projects] == ["Inbox", "Garden"]
    assert {p["id"] for p in bob_projects}.isdisjoint({p["id"] for p in document["projects"]})
    tasks = (await client.get(f"{API}/tasks", headers=bob.headers)).json()["items"]
    assert {t["created_by"] for t in tasks} == {bob.id}
    inbox_tasks = [t for t in tasks if t["project_id"] == bob_projects[0]["id"]]
    assert [t["title"] for t in inbox_tasks] == ["Call mum"]


async def test_export_holds_only_the_projects_the_caller_owns(
    app: FastAPI, client: AsyncClient
) -> None:
    owner = await quick_user(app)
    member = await quick_user(app)
    project = await make_project(client, owner, "Theirs")
    await add_member(client, project["id"], owner, member, "admin")
    document = (await client.get(f"{API}/export", headers=member.headers)).json()
    assert [p["name"] for p in document["projects"]] == ["Inbox"]


async def test_an_invalid_document_imports_nothing(app: FastAPI, client: AsyncClient) -> None:
    alice = await quick_user(app)
    await _seed(client, alice)
    document = (await client.get(f"{API}/export", headers=alice.headers)).json()
    bob = await quick_user(app)
    garden = document["projects"][1]
    broken = [
        {**document, "version": 2},
        {**document, "format": "something-else"},
        {"projects": [{**document["projects"][1], "tasks": [
            {**document["projects"][1]["tasks"][0], "label_ids": [987654]}]}]},
        {"projects": [{**document["projects"][1], "tasks": [
            {**document["projects"][1]["tasks"][0], "parent_id": 987654}]}]},
        {"projects": [document["projects"][1], document["projects"][1]]},
        {"projects": [{**document["projects"][0]}, {**document["projects"][0], "id": 999}]},
        {"projects": [{**document["projects"][1], "name": ""}]},
        {"projects": [{**garden, "labels": garden["labels"] * 2}]},
        {"projects": [{**garden, "labels": [{**garden["labels"][0], "id": 999},
                                            *garden["labels"]]}]},
        {"projects": [{**garden, "tasks": garden["tasks"] * 2}]},
        {"projects": [{**garden, "tasks": [
            garden["tasks"][0],
            {**garden["tasks"][1], "id": 777, "parent_id": garden["tasks"][0]["id"]},
            {**garden["tasks"][1], "id": 778, "parent_id": 777}]}]},
        {"projects": "nope"},
    ]  # fmt: skip
    for body in broken:
        response = await client.post(f"{API}/import", json=body, headers=bob.headers)
        assert response.status_code == 422, body
    projects = (await client.get(f"{API}/projects", headers=bob.headers)).json()
    assert projects["total"] == 1
    assert (await client.get(f"{API}/tasks", headers=bob.headers)).json()["total"] == 0


def _document(projects: int, tasks: int) -> dict[str, Any]:
    """An Inbox and `projects` more, each with two labels and `tasks` tasks (every other one a
    subtask of the one before), each task labelled and commented."""
    ids = itertools.count(1)
    document: dict[str, Any] = {"format": "taskflow.export", "version": 1, "projects": []}
    for number in range(projects + 1):
        labels = [{"id": next(ids), "name": f"l{n}", "color": "#123456"} for n in range(2)]
        items: list[dict[str, Any]] = []
        for n in range(tasks):
            items.append(
                {
                    "id": next(ids),
                    "parent_id": items[-1]["id"] if n % 2 else None,
                    "title": f"t{n}",
                    "status": "done" if n % 3 == 0 else "todo",
                    "position": float(n),
                    "label_ids": [labels[n % 2]["id"]],
                    "comments": [{"body": "a comment"}],
                }
            )
        document["projects"].append(
            {"id": next(ids), "name": f"p{number}", "color": "#00aa00", "is_inbox": number == 0,
             "labels": labels, "tasks": items}
        )  # fmt: skip
    return document


async def test_an_import_costs_a_fixed_number_of_statements(
    app: FastAPI, client: AsyncClient, backend: str
) -> None:
    """No statement per row on either backend: ids are reserved per table in one statement
    (`db.ids`), then each kind of row is one batched INSERT. The first import of all also
    writes SQLite's AUTOINCREMENT counters of tables never written before, so it is not
    counted."""
    counts = []
    for projects, tasks in ((1, 1), (2, 2), (5, 12)):
        user = await quick_user(app)
        with count_statements(app) as statements:
            response = await client.post(
                f"{API}/import", json=_document(projects, tasks), headers=user.headers
            )
        assert response.status_code == 201, response.text
        assert response.json() == {
            "projects": projects + 1,
            "tasks": (projects + 1) * tasks,
            "attachments": 0,
        }
        counts.append(len(statements))
    assert counts[1] == counts[2], counts
