"""An import that succeeds can always be exported again, and what was imported comes back.

Issue 23.6: POST /import took `"created_at": 0` for a project (a 1970 time, coerced) and the
next GET /export answered 500; the user's own data became unexportable. Imports are now read
as strictly as the export schema says; this property test sends random valid documents.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taskflow.core.validation import DATETIME_PATTERN
from tests.factories_domain import API, quick_user

_TIME = re.compile(DATETIME_PATTERN)
_CHARACTERS = st.characters(codec="utf-8", exclude_characters="\x00")


def _text(min_size: int, max_size: int) -> st.SearchStrategy[str]:
    return st.text(_CHARACTERS, min_size=min_size, max_size=max_size)


def _name(max_size: int) -> st.SearchStrategy[str]:
    return _text(1, max_size).filter(lambda text: text.strip() != "")


@st.composite
def _times(draw: st.DrawFn) -> str:
    instant = draw(
        st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59))
    ).replace(tzinfo=UTC)
    minutes = draw(st.sampled_from([0, 0, 60, -300, 23 * 60 + 59, -(23 * 60 + 59)]))
    try:
        text = instant.astimezone(timezone(timedelta(minutes=minutes))).isoformat()
    except OverflowError:
        text = instant.isoformat()
    return text if _TIME.fullmatch(text) else instant.isoformat()


_MAYBE_TIME = st.none() | _times()
_COLOR = st.from_regex(r"\A#[0-9a-fA-F]{6}\Z")


@st.composite
def _project(draw: st.DrawFn, next_id: list[int], is_inbox: bool) -> dict[str, Any]:
    def new_id() -> int:
        next_id[0] += draw(st.integers(1, 1000))
        return next_id[0]

    label_names = draw(st.lists(_name(50), max_size=3, unique_by=str.strip))
    labels = [{"id": new_id(), "name": name, "color": draw(_COLOR)} for name in label_names]
    tasks: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(0, 4))):
        parents = [task["id"] for task in tasks if task.get("parent_id") is None]
        task = {
            "id": new_id(),
            "parent_id": draw(st.none() | st.sampled_from(parents)) if parents else None,
            "title": draw(_name(500)),
            "description": draw(_text(0, 40)),
            "status": draw(st.sampled_from(["todo", "in_progress", "done"])),
            "priority": draw(st.integers(0, 4)),
            "due_at": draw(_MAYBE_TIME),
            "completed_at": draw(_MAYBE_TIME),
            "position": draw(st.floats(allow_nan=False, allow_infinity=False)),
            "label_ids": draw(st.lists(st.sampled_from([lb["id"] for lb in labels]), max_size=3))
            if labels
            else [],
            "created_at": draw(_MAYBE_TIME),
            "comments": [
                {
                    "author": draw(st.none() | _text(0, 10)),
                    "body": draw(_text(1, 30)),
                    "created_at": draw(_MAYBE_TIME),
                }
                for _ in range(draw(st.integers(0, 2)))
            ],
        }
        tasks.append(task)
    return {
        "id": new_id(),
        "name": "Inbox" if is_inbox else draw(_name(200)),
        "description": draw(_text(0, 40)),
        "color": draw(_COLOR),
        "is_inbox": is_inbox,
        "archived": False if is_inbox else draw(st.booleans()),
        "created_at": draw(_MAYBE_TIME),
        "labels": labels,
        "tasks": tasks,
    }


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    next_id = [0]
    with_inbox = draw(st.booleans())
    projects = [draw(_project(next_id, is_inbox=True))] if with_inbox else []
    projects += [draw(_project(next_id, is_inbox=False)) for _ in range(draw(st.integers(0, 2)))]
    return {"format": "taskflow.export", "version": 1, "exported_at": draw(_MAYBE_TIME),
            "projects": draw(st.permutations(projects))}  # fmt: skip


def _instant(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _ranks(tasks: list[dict[str, Any]]) -> dict[int, int]:
    """Each task's place in its project: an import keeps the order of the positions (numbers
    before keys, ties in the document's order), not their values (it gives new keys)."""

    def order(task: dict[str, Any]) -> tuple[int, float, str]:
        position = task.get("position", "a0")
        return (1, 0.0, position) if isinstance(position, str) else (0, float(position), "")

    return {task["id"]: rank for rank, task in enumerate(sorted(tasks, key=order))}


def _task_shapes(project: dict[str, Any], *, positions: bool) -> list[Any]:
    labels = {label["id"]: label["name"].strip() for label in project["labels"]}
    titles = {task["id"]: task["title"].strip() for task in project["tasks"]}
    ranks = _ranks(project["tasks"])
    return sorted(
        (
            (
                task["title"].strip(), task["description"], task["status"], task["priority"],
                _instant(task["due_at"]),
                ranks[task["id"]] if positions else 0,
                titles.get(task["parent_id"]),
                sorted({labels[i] for i in task["label_ids"]}),
                [comment["body"] for comment in task["comments"]],
            )
            for task in project["tasks"]
        ),
        key=repr,
    )  # fmt: skip


def _shape(document: dict[str, Any]) -> list[Any]:
    """Each project as what must survive: the Inbox's tasks move into the caller's Inbox
    (appended, so their positions change); times compared as instants. (`created_at` left
    out is the time of the import.)"""
    shaped = []
    for project in document["projects"]:
        inbox = project["is_inbox"]
        shaped.append(
            (
                inbox, "Inbox" if inbox else project["name"].strip(),
                None if inbox else project["description"],
                None if inbox else project["color"], project["archived"],
                sorted((label["name"].strip(), label["color"]) for label in project["labels"]),
                _task_shapes(project, positions=not inbox),
            )
        )  # fmt: skip
    return sorted(shaped, key=repr)


def _with_an_inbox(document: dict[str, Any]) -> dict[str, Any]:
    # A fresh account's export always holds its (empty) Inbox.
    if any(project["is_inbox"] for project in document["projects"]):
        return document
    inbox = {"id": 0, "name": "Inbox", "description": "", "color": "#808080", "is_inbox": True,
             "archived": False, "created_at": None, "labels": [], "tasks": []}  # fmt: skip
    return {**document, "projects": [inbox, *document["projects"]]}


@settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(document=documents())
async def test_a_valid_document_imports_and_exports_again(
    app: FastAPI, client: AsyncClient, document: dict[str, Any]
) -> None:
    user = await quick_user(app)
    imported = await client.post(f"{API}/import", json=document, headers=user.headers)
    assert imported.status_code == 201, imported.text
    exported = await client.get(f"{API}/export", headers=user.headers)
    assert exported.status_code == 200, exported.text
    again = exported.json()
    assert _shape(again) == _shape(_with_an_inbox(document))
    # And what was exported imports again, into another account.
    other = await quick_user(app)
    reimported = await client.post(f"{API}/import", json=again, headers=other.headers)
    assert reimported.status_code == 201, reimported.text
    assert (await client.get(f"{API}/export", headers=other.headers)).status_code == 200


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("project.created_at", 0),
        ("project.created_at", "0"),
        ("project.created_at", "2030-01-01T00:00:00"),  # no offset
        ("project.archived", 0),
        ("project.id", "1"),
        ("project.id", True),
        ("task.position", False),
        ("task.position", "2"),
        ("task.position", "a00"),  # not a key: the integer part is one digit long
        ("task.position", 10**400),  # an integer no float holds (was an OverflowError: 500)
        ("task.position", -(10**400)),
        ("task.priority", "2"),
        ("task.priority", 2.5),
        ("task.due_at", 1700000000),
        ("task.label_ids", ["1"]),
        ("task.title", 5),
        ("version", True),
    ],
)
async def test_an_import_is_read_as_strictly_as_the_schema_says(
    app: FastAPI, client: AsyncClient, where: str, value: object
) -> None:
    task: dict[str, Any] = {"id": 2, "title": "t"}
    project: dict[str, Any] = {"id": 1, "name": "P", "color": "#808080", "tasks": [task]}
    document: dict[str, Any] = {"format": "taskflow.export", "version": 1, "projects": [project]}
    target, _, field = where.rpartition(".")
    {"project": project, "task": task, "": document}[target][field] = value
    user = await quick_user(app)
    response = await client.post(f"{API}/import", json=document, headers=user.headers)
    assert response.status_code == 422, response.text
    assert (await client.get(f"{API}/export", headers=user.headers)).status_code == 200


async def test_inbox_tasks_at_the_highest_position_export_again(
    app: FastAPI, client: AsyncClient
) -> None:
    # The Inbox's tasks used to be stored at their position plus the Inbox's last: past the
    # range the export allowed, so the next GET /export was a 500.
    user = await quick_user(app)
    await client.post(f"{API}/tasks", json={"title": "already there"}, headers=user.headers)
    inbox = {"id": 1, "name": "Inbox", "color": "#808080", "is_inbox": True,
             "tasks": [{"id": 2, "title": "top", "position": 1e15},
                       {"id": 3, "title": "bottom", "position": -1e15}]}  # fmt: skip
    document = {"format": "taskflow.export", "version": 1, "projects": [inbox]}
    imported = await client.post(f"{API}/import", json=document, headers=user.headers)
    assert imported.status_code == 201, imported.text
    exported = await client.get(f"{API}/export", headers=user.headers)
    assert exported.status_code == 200, exported.text
    tasks = exported.json()["projects"][0]["tasks"]
    assert [task["title"] for task in tasks] == ["already there", "bottom", "top"]
