"""Every text a request carries refuses NUL, in one place (taskflow.core.validation.Text).

On PostgreSQL, NUL in a text value was a 500 (`invalid byte sequence for encoding "UTF8":
0x00`) at POST /auth/token, /auth/register, PATCH /users/me and /users/{id}. These tests are
driven by the OpenAPI schema, so a route or a field added later is covered without a
change here: every string a request body or query takes declares a pattern that excludes NUL
(or is an enum), and sending NUL there is 422 with an error on that very field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from tests.factories_domain import API, quick_user

Path = tuple[str | int, ...]
NUL_TEXT = "a\x00b"


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    return schema


def _string_leaves(
    spec: dict[str, Any], schema: dict[str, Any], path: Path = (), depth: int = 0
) -> Iterator[tuple[Path, dict[str, Any]]]:
    """(path, schema) of every string a body can hold: arrays by their first item."""
    schema = _resolve(spec, schema)
    if depth > 6:
        return
    for arm in schema.get("anyOf", []) + schema.get("oneOf", []):
        yield from _string_leaves(spec, arm, path, depth + 1)
    if schema.get("type") == "string":
        yield path, schema
    for name, child in schema.get("properties", {}).items():
        yield from _string_leaves(spec, child, (*path, name), depth + 1)
    if "items" in schema:
        yield from _string_leaves(spec, schema["items"], (*path, 0), depth + 1)


def _nested(path: Path, value: object) -> object:
    for key in reversed(path):
        value = [value] if isinstance(key, int) else {key: value}
    return value


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for url, item in spec["paths"].items():
        for method, operation in item.items():
            yield method.upper(), url, operation


def _json_text_fields(spec: dict[str, Any]) -> list[tuple[str, str, Path, dict[str, Any]]]:
    fields = []
    for method, url, operation in _operations(spec):
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            schema = content["application/json"]["schema"]
            for path, leaf in _string_leaves(spec, schema):
                if "enum" not in leaf and "const" not in leaf:
                    fields.append((method, url, path, leaf))
    return fields


def _query_text_parameters(spec: dict[str, Any]) -> list[tuple[str, str, str, dict[str, Any]]]:
    found = []
    for method, url, operation in _operations(spec):
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "query":
                continue
            for _, leaf in _string_leaves(spec, parameter["schema"]):
                if "enum" not in leaf and "const" not in leaf:
                    found.append((method, url, parameter["name"], leaf))
    return found


def test_every_text_in_a_request_declares_that_it_refuses_nul(app: FastAPI) -> None:
    spec = app.openapi()
    fields = _json_text_fields(spec)
    queries = _query_text_parameters(spec)
    assert len(fields) > 30  # the walk found the API
    assert queries
    for where in [*fields, *queries]:
        pattern = where[3].get("pattern")
        assert pattern is not None, where
        assert re.search(pattern, NUL_TEXT) is None, where


async def test_nul_in_any_text_of_any_body_is_422(app: FastAPI, client: AsyncClient) -> None:
    admin = await quick_user(app, is_superuser=True)
    spec = app.openapi()
    for method, url, path, _ in _json_text_fields(spec):
        response = await client.request(
            method,
            re.sub(r"\{[a-z_]+\}", "1", url),
            json=_nested(path, NUL_TEXT),
            headers=admin.headers,
        )
        assert response.status_code == 422, (method, url, path, response.text)
        locations = [tuple(error["loc"]) for error in response.json()["detail"]]
        assert ("body", *path) in locations, (method, url, path, locations)


async def test_nul_in_any_text_query_value_is_422(app: FastAPI, client: AsyncClient) -> None:
    admin = await quick_user(app, is_superuser=True)
    for method, url, name, _ in _query_text_parameters(app.openapi()):
        response = await client.request(
            method, re.sub(r"\{[a-z_]+\}", "1", url), params={name: NUL_TEXT}, headers=admin.headers
        )
        assert response.status_code == 422, (method, url, name, response.text)


@pytest.mark.parametrize(
    "form",
    [
        {"username": "a\x00b", "password": "whatever it is"},
        {"username": "a\x00b@example.com", "password": "whatever it is"},
        {"username": "someone", "password": "a\x00b"},
    ],
)
async def test_nul_at_login_is_a_wrong_credential(
    app: FastAPI, client: AsyncClient, form: dict[str, str]
) -> None:
    await quick_user(app, username="someone")
    response = await client.post(f"{API}/auth/token", data=form)
    assert response.status_code == 401, response.text
    assert response.json() == {"detail": "Incorrect username or password"}


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/auth/register", {"full_name": "a\x00b"}),
        ("PATCH", "/users/me", {"full_name": "a\x00b"}),
        ("PATCH", "/users/me", {"username": "a\x00b"}),
        ("PATCH", "/users/{me}", {"full_name": "a\x00b"}),
    ],
)
async def test_the_reported_nul_cases_are_422(
    app: FastAPI, client: AsyncClient, method: str, path: str, body: dict[str, Any]
) -> None:
    admin = await quick_user(app, is_superuser=True)
    if path == "/auth/register":
        body = {
            "email": "new@example.com",
            "username": "newcomer",
            "password": "a long and unusual passphrase",
            **body,
        }
    response = await client.request(
        method, API + path.format(me=admin.user.id), json=body, headers=admin.headers
    )
    assert response.status_code == 422, response.text


# The schema says what the server enforces (issue 23.7)


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("TRACE", "/tasks", "GET, POST"),
        ("TRACE", "/users/me", "GET, PATCH, DELETE"),
        ("DELETE", "/tasks", "GET, POST"),
        ("PUT", "/tasks/bulk", "POST"),
        ("TRACE", "/tasks/1", "GET, PUT, PATCH, DELETE"),
        ("POST", "/export", "GET"),
    ],
)
async def test_a_method_a_path_does_not_declare_is_405(
    app: FastAPI, client: AsyncClient, method: str, path: str, allow: str
) -> None:
    user = await quick_user(app)
    response = await client.request(method, API + path, headers=user.headers)
    assert response.status_code == 405, response.text
    assert response.headers["allow"] == allow
    assert response.json() == {"detail": "Method Not Allowed"}


@pytest.mark.parametrize(
    "body",
    [
        {"title": "t", "position": False},
        {"title": "t", "position": "2"},
        {"title": "t", "priority": "2"},
        {"title": "t", "priority": True},
        {"title": "t", "priority": 1.5},
        {"title": "t", "due_at": 0},
        {"title": "t", "due_at": "2030-01-01"},
        {"title": "t", "due_at": "2030-01-01T09:00:00"},
        {"title": "t", "label_ids": ["1"]},
        {"title": 5},
        {"title": "   "},
        {"title": "t", "status": None},
    ],
)
async def test_a_task_body_is_parsed_strictly(
    app: FastAPI, client: AsyncClient, body: dict[str, Any]
) -> None:
    # `false` and "2" were numbers, 0 a 1970 time: the wrong JSON type is 422.
    user = await quick_user(app)
    response = await client.post(f"{API}/tasks", json=body, headers=user.headers)
    assert response.status_code == 422, (body, response.text)


async def test_a_whole_number_written_as_a_float_is_an_integer(
    app: FastAPI, client: AsyncClient
) -> None:
    # JSON Schema's `integer` includes 2.0, so the server takes it too.
    user = await quick_user(app)
    body = {"title": "t", "priority": 2.0, "due_at": "2030-01-01T09:00:00+02:00"}
    response = await client.post(f"{API}/tasks", json=body, headers=user.headers)
    assert response.status_code == 201, response.text
    assert response.json()["priority"] == 2
    assert response.json()["due_at"] == "2030-01-01T07:00:00Z"
    # A version to revert to, too (schemathesis sent 199.0 and got 422).
    task_id = response.json()["id"]
    reverted = await client.post(
        f"{API}/tasks/{task_id}/revert",
        json={"version": 1.0},
        headers={**user.headers, "If-Match": '"1"'},
    )
    assert reverted.status_code == 200, reverted.text


def test_the_schema_declares_the_rules(app: FastAPI) -> None:
    schemas = app.openapi()["components"]["schemas"]
    register = schemas["UserCreate"]["properties"]
    assert register["username"]["pattern"] == "^[A-Za-z0-9_.-]{3,32}$"
    assert (register["username"]["minLength"], register["username"]["maxLength"]) == (3, 32)
    assert (register["password"]["minLength"], register["password"]["maxLength"]) == (8, 128)
    assert register["email"]["format"] == "email"
    # Names that are only whitespace are refused, and the pattern says so.
    name = schemas["ProjectCreate"]["properties"]["name"]
    assert re.search(name["pattern"], " \t\u3000") is None
    assert re.search(name["pattern"], " x ") is not None
    # A move names its target; complete, reopen and delete take none.
    bulk = app.openapi()["paths"]["/api/v1/tasks/bulk"]["post"]["requestBody"]
    union = bulk["content"]["application/json"]["schema"]
    assert union["discriminator"]["propertyName"] == "action"
    assert "project_id" in schemas["BulkMove"]["required"]
    assert "project_id" not in schemas["BulkStatusChange"]["properties"]
    # A time is RFC 3339 with an offset.
    due = schemas["TaskCreate"]["properties"]["due_at"]["anyOf"][0]
    assert due["format"] == "date-time"
    assert re.fullmatch(due["pattern"], "2030-01-01T09:00:00Z")
    assert re.fullmatch(due["pattern"], "2030-01-01T09:00:00") is None


def _bounds_written_as_pydantic_names(node: object, path: str = "") -> Iterator[str]:
    if isinstance(node, dict):
        if node.get("type") in ("integer", "number") and {"ge", "gt", "le", "lt"} & node.keys():
            yield path
        for key, value in node.items():
            yield from _bounds_written_as_pydantic_names(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _bounds_written_as_pydantic_names(value, f"{path}[{index}]")


def test_every_numeric_bound_is_json_schemas_minimum_or_maximum(app: FastAPI) -> None:
    """A bound written as pydantic's `ge`/`le` is invisible to clients and fuzzers (schemathesis
    sent project_id 0 as valid and got 422): every one must be `minimum`/`maximum`."""
    spec = app.openapi()
    assert list(_bounds_written_as_pydantic_names(spec)) == []
    task = spec["components"]["schemas"]["TaskCreate"]["properties"]
    assert task["project_id"]["anyOf"][0]["minimum"] == 1
    assert (task["priority"]["minimum"], task["priority"]["maximum"]) == (0, 4)


@pytest.mark.parametrize(
    "body",
    [
        {"ids": [1], "action": "move"},
        {"ids": [1], "action": "complete", "project_id": 1},
        {"ids": [1], "action": "archive"},
    ],
)
async def test_a_bulk_body_is_one_of_its_actions(
    app: FastAPI, client: AsyncClient, body: dict[str, Any]
) -> None:
    user = await quick_user(app)
    response = await client.post(f"{API}/tasks/bulk", json=body, headers=user.headers)
    assert response.status_code == 422, response.text
    assert isinstance(response.json()["detail"], list)  # refused by the schema, not later
