"""Bad input anywhere is 422 (or 404), never 500."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from tests.factories_domain import API, make_project, make_task, quick_user

BAD_QUERIES = [
    "limit=0",
    "limit=101",
    "limit=abc",
    "offset=-1",
    "offset=99999999999999999999",
    "sort=bogus",
    "sort=--title",
    "status=bogus",
    "status=done&status=bogus",
    "priority=9",
    "priority=-1",
    "due_before=not-a-date",
    "due_after=2030-13-45",
    "due_before=9999-12-31T23:00:00-05:00",
    "due_after=0001-01-01T00:30:00%2B01:00",
    "project_id=abc",
    "project_id=99999999999999999999",
    "label_id=0",
    "parent_id=1.5",
    "assignee_id=bogus",
    "assignee_id=-3",
    "search=" + "x" * 201,
    "search=a%00b",
]


@pytest.mark.parametrize("query", BAD_QUERIES)
async def test_bad_task_queries_are_422(app: FastAPI, client: AsyncClient, query: str) -> None:
    user = await quick_user(app)
    response = await client.get(f"{API}/tasks?{query}", headers=user.headers)
    assert response.status_code == 422, response.text
    assert "detail" in response.json()


BAD_TASK_BODIES = [
    {"title": ""},
    {"title": "x" * 501},
    {"title": "   "},
    {"title": "a\x00b"},
    {"title": "t", "priority": 9},
    {"title": "t", "priority": "high"},
    {"title": "t", "status": "bogus"},
    {"title": "t", "due_at": "tomorrow-ish"},
    {"title": "t", "due_at": "9999-12-31T23:00:00-05:00"},
    {"title": "t", "due_at": "0001-01-01T00:30:00+01:00"},
    {"title": "t", "project_id": "abc"},
    {"title": "t", "project_id": 99999999999999999999},
    {"title": "t", "label_ids": "1"},
    {"title": "t", "label_ids": [-1]},
    {"title": "t", "assignee_id": 0},
    {"title": "t", "position": "first"},
    {"title": "t", "position": 1e300},
    {"title": "t", "unknown_field": 1},
    {"title": 42},
    [],
]


@pytest.mark.parametrize("body", BAD_TASK_BODIES)
async def test_bad_task_bodies_are_422(app: FastAPI, client: AsyncClient, body: object) -> None:
    user = await quick_user(app)
    created = await client.post(f"{API}/tasks", json=body, headers=user.headers)
    assert created.status_code == 422, created.text
    task = await make_task(client, user)
    if isinstance(body, dict) and "title" in body and body.get("title") == "t":
        patch_body = {k: v for k, v in body.items() if k != "title"}
        patched = await client.patch(
            f"{API}/tasks/{task['id']}", json=patch_body, headers=user.headers
        )
        assert patched.status_code == 422, patched.text


async def test_lone_surrogates_are_422(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    headers = {**user.headers, "Content-Type": "application/json"}
    for path in ("/tasks", "/projects"):
        field = "title" if path == "/tasks" else "name"
        body = b'{"%s": "a\\ud800b"}' % field.encode()
        response = await client.post(API + path, content=body, headers=headers)
        assert response.status_code == 422, response.text


async def test_title_of_500_characters_is_fine(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    task = await make_task(client, user, title="x" * 500)
    assert len(task["title"]) == 500


async def test_non_json_bodies_are_422(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    task = await make_task(client, user)
    project = await make_project(client, user)
    headers = {**user.headers, "Content-Type": "application/json"}
    for method, path in (
        ("POST", "/tasks"),
        ("PATCH", f"/tasks/{task['id']}"),
        ("PUT", f"/tasks/{task['id']}"),
        ("POST", "/tasks/bulk"),
        ("POST", f"/tasks/{task['id']}/comments"),
        ("POST", "/projects"),
        ("POST", f"/projects/{project['id']}/members"),
        ("POST", f"/projects/{project['id']}/labels"),
        ("POST", "/import"),
    ):
        response = await client.request(method, API + path, content=b"{not json", headers=headers)
        assert response.status_code == 422, (method, path, response.text)


@pytest.mark.parametrize(
    "path",
    [
        "/tasks/abc",
        "/tasks/0",
        "/tasks/99999999999999999999",
        "/tasks/1.5",
        "/projects/abc",
        "/projects/-1",
        "/projects/abc/members",
        "/tasks/abc/comments",
        "/tasks/abc/activity",
        "/projects/abc/labels",
    ],
)
async def test_ids_of_the_wrong_type_are_422(app: FastAPI, client: AsyncClient, path: str) -> None:
    user = await quick_user(app)
    response = await client.get(API + path, headers=user.headers)
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/tasks/123456"),
        ("PATCH", "/tasks/123456"),
        ("DELETE", "/tasks/123456"),
        ("PUT", "/tasks/123456/vote"),
        ("GET", "/tasks/123456/comments"),
        ("PATCH", "/comments/123456"),
        ("DELETE", "/comments/123456"),
        ("GET", "/projects/123456"),
        ("DELETE", "/projects/123456"),
        ("PATCH", "/labels/123456"),
        ("DELETE", "/labels/123456"),
        ("GET", f"/tasks/{2**53 - 1}"),  # the largest id a JSON client holds exactly
    ],
)
async def test_unknown_ids_are_404(
    app: FastAPI, client: AsyncClient, method: str, path: str
) -> None:
    user = await quick_user(app)
    body = {"body": "x"} if path.startswith("/comments") and method == "PATCH" else {}
    response = await client.request(method, API + path, json=body, headers=user.headers)
    assert response.status_code == 404, response.text
