"""No query per row: every list and detail route costs a fixed number of SQL statements.

Each route is read twice, once with a little data and once with much more (more tasks,
comments, votes, labels, members, projects, activity, users); the statement count must not
move, and must equal the number pinned here (a change to it is a decision, not an accident).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from httpx import AsyncClient

from tests.factories import UserWithTokens
from tests.factories_domain import (
    API,
    add_member,
    count_statements,
    make_label,
    make_project,
    make_task,
    quick_user,
)

# Statements per request, authentication included (one query: user and session together).
EXPECTED = {
    "projects": 3,  # auth, total, page (role joined in)
    "project": 2,  # auth, project with the caller's role
    "members": 4,  # auth, access, total, page (users joined in)
    "labels": 4,  # auth, access, total, page
    "sections": 4,  # auth, access, total, page
    "project_activity": 4,  # auth, access, total, page (actors joined in)
    "tasks": 2,  # auth, the page (total, counts and labels as subqueries)
    "task": 2,  # auth, the task with the caller's role (counts and labels as subqueries)
    "comments": 4,  # auth, access, total, page (authors joined in)
    "task_activity": 4,  # auth, access, total, page
    "attachments": 4,  # auth, access, total, page (uploaders joined in)
    "reminders": 4,  # auth, access, total, page
    "users": 3,  # auth, total, page
    "user": 2,  # auth, user
    "me": 1,  # auth
    "notifications": 2,  # auth, the page (total as a subquery, actors joined in)
    "unread_count": 2,  # auth, count
    "trash": 3,  # auth, total, page (tasks, comments and projects in one union; users joined)
    "versions": 4,  # auth, access, total, page (authors joined in)
}


class World:
    """A shared project that grows: tasks with labels, votes and comments, more members."""

    def __init__(self, app: FastAPI, client: AsyncClient) -> None:
        self.app = app
        self.client = client
        self.members: list[UserWithTokens] = []
        self.labels: list[int] = []

    async def start(self) -> None:
        self.admin = await quick_user(self.app, is_superuser=True)
        self.project = await make_project(self.client, self.admin, "Shared")
        self.first_task = await self.grow(tasks=1, members=1, labels=1)

    async def grow(self, *, tasks: int, members: int, labels: int) -> dict[str, Any]:
        client, pid = self.client, self.project["id"]
        for _ in range(members):
            member = await quick_user(self.app)
            await add_member(client, pid, self.admin, member, "editor")
            self.members.append(member)
        for _ in range(labels):
            label = await make_label(client, self.admin, pid, f"label{len(self.labels)}")
            self.labels.append(label["id"])
            response = await client.post(
                f"{API}/projects/{pid}/sections", json={"name": "s"}, headers=self.admin.headers
            )
            assert response.status_code == 201, response.text
        await make_project(client, self.admin, f"Other {len(self.labels)}")
        task: dict[str, Any] = {}
        targets = [self.first_task] if hasattr(self, "first_task") else []
        for _ in range(tasks):
            task = await make_task(client, self.admin, project_id=pid, label_ids=self.labels)
            targets.append(task)
            # The trash and the first task's history grow too.
            trashed = await make_task(client, self.admin, project_id=pid, label_ids=self.labels)
            await client.delete(f"{API}/tasks/{trashed['id']}", headers=self.admin.headers)
            first = targets[0]["id"]
            response = await client.patch(
                f"{API}/tasks/{first}",
                json={"priority": len(targets) % 5},
                headers=self.admin.headers,
            )
            assert response.status_code == 200, response.text
        for index in range(tasks):  # the admin's reminders on the first task
            response = await client.post(
                f"{API}/tasks/{targets[0]['id']}/reminders",
                json={"remind_at": f"2027-01-{index + 1:02d}T09:00:00Z"},
                headers=self.admin.headers,
            )
            assert response.status_code == 201, response.text
        for task in targets:
            for member in self.members:
                await client.put(f"{API}/tasks/{task['id']}/vote", headers=member.headers)
                await client.post(
                    f"{API}/tasks/{task['id']}/comments",
                    json={"body": "a comment"},
                    headers=member.headers,
                )
                attached = await client.post(
                    f"{API}/tasks/{task['id']}/attachments",
                    files={"file": ("a.txt", b"an attachment", "text/plain")},
                    headers=member.headers,
                )
                assert attached.status_code == 201, attached.text
        return targets[-1] if targets else task

    def routes(self) -> dict[str, str]:
        pid, tid = self.project["id"], self.first_task["id"]
        return {
            "projects": "/projects?limit=100",
            "project": f"/projects/{pid}",
            "members": f"/projects/{pid}/members?limit=100",
            "labels": f"/projects/{pid}/labels?limit=100",
            "sections": f"/projects/{pid}/sections?limit=100",
            "project_activity": f"/projects/{pid}/activity?limit=100",
            "tasks": f"/tasks?project_id={pid}&limit=100",
            "task": f"/tasks/{tid}",
            "comments": f"/tasks/{tid}/comments?limit=100",
            "task_activity": f"/tasks/{tid}/activity?limit=100",
            "attachments": f"/tasks/{tid}/attachments?limit=100",
            "reminders": f"/tasks/{tid}/reminders?limit=100",
            "users": "/users?limit=100",
            "user": f"/users/{self.members[0].id}",
            "me": "/users/me",
            "notifications": "/notifications?limit=100",
            "unread_count": "/notifications/unread-count",
            "trash": "/trash?limit=100",
            "versions": f"/tasks/{tid}/versions?limit=100",
        }

    async def counts(self) -> dict[str, tuple[int, int]]:
        """Per route: (statements, items in the answer)."""
        counts = {}
        for name, path in self.routes().items():
            with count_statements(self.app) as statements:
                response = await self.client.get(f"{API}{path}", headers=self.admin.headers)
            assert response.status_code == 200, (path, response.text)
            items = len(response.json().get("items", [])) if "items" in response.json() else 1
            counts[name] = (len(statements), items)
        return counts


async def test_every_list_and_detail_route_costs_a_fixed_number_of_statements(
    app: FastAPI, client: AsyncClient
) -> None:
    world = World(app, client)
    await world.start()
    small = await world.counts()
    await world.grow(tasks=6, members=4, labels=3)
    large = await world.counts()

    # The data did grow under every list ...
    lists = (
        "projects", "members", "labels", "sections", "project_activity", "tasks", "comments",
        "reminders", "attachments", "trash", "versions",
    )  # fmt: skip
    for name in (*lists, "notifications"):
        assert large[name][1] > small[name][1], (name, small[name], large[name])
    # ... and no route's statement count moved with it, and each is the number pinned.
    assert {name: count for name, (count, _) in small.items()} == EXPECTED
    assert {name: count for name, (count, _) in large.items()} == EXPECTED


# A comment: auth, the task with access (which also says whether the project has active
# webhooks, so the outbox does not ask again), the comment, activity, auto-watch, the
# `commented` fan-out (one INSERT … SELECT); the comment's mentions lookup only when it has
# an `@`, the project's webhooks only when it has some.
COMMENT_STATEMENTS = 6


async def test_a_comment_costs_the_same_statements_for_2_or_50_watchers(
    app: FastAPI, client: AsyncClient
) -> None:
    owner = await quick_user(app)
    project = await make_project(client, owner, "Watched")
    watchers = [await quick_user(app) for _ in range(50)]
    for watcher in watchers:
        await add_member(client, project["id"], owner, watcher, "viewer")
    few = await make_task(client, owner, project_id=project["id"])
    many = await make_task(client, owner, project_id=project["id"])
    for watcher in watchers[:2]:
        await client.put(f"{API}/tasks/{few['id']}/watch", headers=watcher.headers)
    for watcher in watchers:
        await client.put(f"{API}/tasks/{many['id']}/watch", headers=watcher.headers)
    counts = []
    for task in (few, many):
        with count_statements(app) as statements:
            response = await client.post(
                f"{API}/tasks/{task['id']}/comments",
                json={"body": "a comment"},
                headers=owner.headers,
            )
        assert response.status_code == 201, response.text
        counts.append(len(statements))
    assert counts == [COMMENT_STATEMENTS, COMMENT_STATEMENTS], counts
    unread = await client.get(f"{API}/notifications/unread-count", headers=watchers[-1].headers)
    assert unread.json() == {"count": 2}  # member_added, then the comment on `many`


# The write path (docs/benchmarks.md, round 4). Creating a task: auth, the project with the
# caller's role (and whether it has active webhooks) with the key of the project's last
# task (a scalar subquery; the new key is made from it in Python), the INSERT that returns
# the row (the response: no read after the write), the creator's auto-watch, the activity
# row. A PATCH of plain fields: auth, the task with access, the UPDATE … RETURNING
# the view (on SQLite, whose RETURNING cannot carry the view's subqueries, the view is read
# after it), the activity row. Then task history's before-commit snapshot (tasks/history.py),
# written from the row the service noted (`note_snapshot`): one INSERT … SELECT guarded by the
# version, instead of reading the task and its labels again (3 statements before). On
# PostgreSQL the activity row (and a new task's watch) rides along with that snapshot as a
# data-modifying CTE (db/deferred.py): one statement for all; SQLite writes each by an INSERT
# of its own.
CREATE_STATEMENTS = {"postgresql": 4, "sqlite": 6}
PATCH_STATEMENTS = {"postgresql": 3, "sqlite": 6}


async def test_creating_and_changing_a_task_cost_pinned_statements(
    app: FastAPI, client: AsyncClient
) -> None:
    owner = await quick_user(app)
    project = await make_project(client, owner, "Writes")
    label = await make_label(client, owner, project["id"], "urgent")
    await make_task(client, owner, project_id=project["id"])
    with count_statements(app) as statements:
        created = await client.post(
            f"{API}/tasks",
            json={"title": "new", "project_id": project["id"], "priority": 2},
            headers=owner.headers,
        )
    assert created.status_code == 201, created.text
    dialect = app.state.database.engine.dialect.name
    assert len(statements) == CREATE_STATEMENTS[dialect], statements
    task = created.json()
    assert (task["position"], task["watching"], task["labels"]) == ("a1", True, [])
    assert (task["comment_count"], task["voted_by_me"], task["version"]) == (0, False, 1)
    assert task == (await client.get(f"{API}/tasks/{task['id']}", headers=owner.headers)).json()

    with count_statements(app) as statements:
        patched = await client.patch(
            f"{API}/tasks/{task['id']}",
            json={"title": "renamed", "priority": 3},
            headers={**owner.headers, "If-Match": '"1"'},
        )
    assert patched.status_code == 200, patched.text
    assert len(statements) == PATCH_STATEMENTS[dialect], statements
    shown = (await client.get(f"{API}/tasks/{task['id']}", headers=owner.headers)).json()
    assert patched.json() == shown
    assert (shown["title"], shown["priority"], shown["version"]) == ("renamed", 3, 2)

    # With labels, the created task shows them (read with the check that they belong).
    labelled = await client.post(
        f"{API}/tasks",
        json={"title": "labelled", "project_id": project["id"], "label_ids": [label["id"]]},
        headers=owner.headers,
    )
    assert labelled.status_code == 201, labelled.text
    again = await client.get(f"{API}/tasks/{labelled.json()['id']}", headers=owner.headers)
    assert labelled.json() == again.json()
    assert [item["name"] for item in again.json()["labels"]] == ["urgent"]
