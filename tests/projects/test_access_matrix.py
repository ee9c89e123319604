"""Every route, every role: what each member may do, and that outsiders see nothing (404).

Each route is tried by the outsider and the lower roles first, then by the roles allowed;
a destructive route gets a fresh target for every try.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from tests.factories import UserWithTokens
from tests.factories_domain import (
    API,
    ROLES,
    Team,
    add_member,
    make_label,
    make_task,
    make_team,
    quick_user,
)

_labels = itertools.count(1)
Prepare = Callable[[AsyncClient, Team], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Case:
    method: str
    path: str  # formatted with the prepared values
    allowed: tuple[str, ...]  # roles that succeed; outsiders always 404, others 403
    success: int
    body: dict[str, Any] | None = None
    prepare: Prepare | None = None  # a fresh target per try


MEMBERS = ("owner", "admin", "editor", "viewer")
EDITORS = ("owner", "admin", "editor")
ADMINS = ("owner", "admin")


async def _task(client: AsyncClient, team: Team) -> dict[str, Any]:
    task = await make_task(client, team.owner, project_id=team.project_id)
    return {"task": task["id"]}


async def _comment(client: AsyncClient, team: Team) -> dict[str, Any]:
    task = await make_task(client, team.owner, project_id=team.project_id)
    response = await client.post(
        f"{API}/tasks/{task['id']}/comments", json={"body": "hi"}, headers=team.owner.headers
    )
    return {"task": task["id"], "comment": response.json()["id"]}


async def _label(client: AsyncClient, team: Team) -> dict[str, Any]:
    label = await make_label(client, team.owner, team.project_id, name=f"label{next(_labels)}")
    return {"label": label["id"]}


async def _extra_member(client: AsyncClient, team: Team) -> dict[str, Any]:
    extra = await quick_user(team.app)  # type: ignore[attr-defined]
    await add_member(client, team.project_id, team.owner, extra, "viewer")
    return {"member": extra.id}


async def _new_user(client: AsyncClient, team: Team) -> dict[str, Any]:
    user = await quick_user(team.app)  # type: ignore[attr-defined]
    return {"username": user.user.username}


CASES: dict[str, Case] = {
    "get project": Case("GET", "/projects/{project}", MEMBERS, 200),
    "patch project": Case("PATCH", "/projects/{project}", ADMINS, 200, {"description": "d"}),
    "delete project": Case("DELETE", "/projects/{project}", ("owner",), 204),
    "project activity": Case("GET", "/projects/{project}/activity", MEMBERS, 200),
    "list members": Case("GET", "/projects/{project}/members", MEMBERS, 200),
    "add member": Case(
        "POST", "/projects/{project}/members", ADMINS, 201, {"user": "{username}"}, _new_user
    ),
    "patch member": Case(
        "PATCH",
        "/projects/{project}/members/{member}",
        ADMINS,
        200,
        {"role": "editor"},
        _extra_member,
    ),
    "remove member": Case(
        "DELETE", "/projects/{project}/members/{member}", ADMINS, 204, None, _extra_member
    ),
    "list labels": Case("GET", "/projects/{project}/labels", MEMBERS, 200),
    "create label": Case("POST", "/projects/{project}/labels", ADMINS, 201, {"name": "{role}"}),
    "patch label": Case("PATCH", "/labels/{label}", ADMINS, 200, {"color": "#000000"}, _label),
    "delete label": Case("DELETE", "/labels/{label}", ADMINS, 204, None, _label),
    "create task": Case("POST", "/tasks", EDITORS, 201, {"title": "t", "project_id": "{project}"}),
    "get task": Case("GET", "/tasks/{task}", MEMBERS, 200, None, _task),
    "put task": Case("PUT", "/tasks/{task}", EDITORS, 200, {"title": "new"}, _task),
    "patch task": Case("PATCH", "/tasks/{task}", EDITORS, 200, {"priority": 2}, _task),
    "delete task": Case("DELETE", "/tasks/{task}", EDITORS, 204, None, _task),
    "bulk complete": Case(
        "POST", "/tasks/bulk", EDITORS, 200, {"ids": ["{task}"], "action": "complete"}, _task
    ),
    "vote": Case("PUT", "/tasks/{task}/vote", MEMBERS, 204, None, _task),
    "unvote": Case("DELETE", "/tasks/{task}/vote", MEMBERS, 204, None, _task),
    "task activity": Case("GET", "/tasks/{task}/activity", MEMBERS, 200, None, _task),
    "list comments": Case("GET", "/tasks/{task}/comments", MEMBERS, 200, None, _task),
    "add comment": Case("POST", "/tasks/{task}/comments", MEMBERS, 201, {"body": "b"}, _task),
    # The owner wrote these comments: only the author edits; the author or an admin deletes.
    "edit comment": Case("PATCH", "/comments/{comment}", ("owner",), 200, {"body": "e"}, _comment),
    "delete comment": Case("DELETE", "/comments/{comment}", ADMINS, 204, None, _comment),
}


def _fill(value: Any, values: dict[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return values[value[1:-1]]
    if isinstance(value, str):
        return value.format(**values)
    if isinstance(value, list):
        return [_fill(item, values) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, values) for key, item in value.items()}
    return value


@pytest.mark.parametrize("name", list(CASES))
async def test_access_matrix(app: FastAPI, client: AsyncClient, name: str) -> None:
    case = CASES[name]
    team = await make_team(app, client)
    team.app = app  # type: ignore[attr-defined]
    # Refused tries first (they must change nothing), then the allowed ones.
    order = sorted(ROLES, key=lambda role: role in case.allowed)
    shared = await case.prepare(client, team) if case.prepare else {}
    for role in order:
        user: UserWithTokens = team.by_role(role)
        values = {"project": team.project_id, "role": role, **shared}
        if case.prepare and role in case.allowed:
            values.update(await case.prepare(client, team))
        body = _fill(case.body, values) if case.body is not None else None
        response = await client.request(
            case.method, API + case.path.format(**values), json=body, headers=user.headers
        )
        if role == "outsider":
            expected = 404
        elif role in case.allowed:
            expected = case.success
        else:
            expected = 403
        assert response.status_code == expected, (role, response.text)
        if expected == 204:
            assert response.content == b""
        if role == "owner" and name == "delete project":
            return


async def test_outsiders_list_no_tasks_of_the_project(app: FastAPI, client: AsyncClient) -> None:
    team = await make_team(app, client)
    await make_task(client, team.owner, project_id=team.project_id)
    for role in ROLES:
        response = await client.get(
            f"{API}/tasks?project_id={team.project_id}", headers=team.by_role(role).headers
        )
        assert response.status_code == 200
        assert response.json()["total"] == (0 if role == "outsider" else 1), role
