"""Imports from Todoist (CSV) and Trello (board JSON), with a preview, all or nothing, and
the CSV export (SPEC §8)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import func, select

from taskflow.db import Database
from taskflow.projects.models import Project
from taskflow.tasks.models import Comment, Task
from tests.factories import UserWithTokens
from tests.factories_domain import quick_user

FIXTURES = Path(__file__).parent / "fixtures"


async def _upload(
    client: AsyncClient,
    user: UserWithTokens,
    kind: str,
    content: bytes,
    *,
    name: str = "export",
    dry_run: bool = False,
    project_name: str | None = None,
) -> Any:
    return await client.post(
        f"/api/v1/import/{kind}",
        files={"file": (name, content)},
        data={"project_name": project_name} if project_name else None,
        params={"dry_run": "true"} if dry_run else None,
        headers=user.headers,
    )


async def _tasks(
    client: AsyncClient, user: UserWithTokens, project_id: int
) -> list[dict[str, Any]]:
    page = await client.get(
        "/api/v1/tasks",
        params={"project_id": project_id, "limit": 100, "sort": "position"},
        headers=user.headers,
    )
    items: list[dict[str, Any]] = page.json()["items"]
    return items


async def _counts(app: FastAPI) -> tuple[int, int, int]:
    database: Database = app.state.database
    async with database.sessionmaker() as session:
        return (
            await session.scalar(select(func.count()).select_from(Project)) or 0,
            await session.scalar(select(func.count()).select_from(Task)) or 0,
            await session.scalar(select(func.count()).select_from(Comment)) or 0,
        )


async def test_a_current_todoist_csv_becomes_a_project_with_sections_subtasks_and_comments(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await quick_user(app)
    response = await _upload(
        client,
        user,
        "todoist",
        (FIXTURES / "todoist-current.csv").read_bytes(),
        project_name="Plans",
    )
    assert response.status_code == 201, response.text
    result = response.json()
    assert result["projects"] == 1
    assert result["tasks"] == 6
    assert result["comments"] == 1
    assert result["sections"] == 1
    project = (
        await client.get(f"/api/v1/projects/{result['project_id']}", headers=user.headers)
    ).json()
    assert project["name"] == "Plans"
    assert project["description"] == "Project notes for everyone"
    tasks = {t["title"]: t for t in await _tasks(client, user, result["project_id"])}
    plan = tasks["Write the plan"]
    assert plan["priority"] == 4
    assert plan["description"] == "Outline, then draft"
    assert datetime.fromisoformat(plan["due_at"]) == datetime(2031, 5, 6, 12, 30, tzinfo=UTC)
    assert tasks["Research"]["parent_id"] == plan["id"]
    assert tasks["Research"]["priority"] == 3
    # INDENT 3: TaskFlow's subtasks are one level deep, so under the INDENT-1 task.
    assert tasks["Deep research"]["parent_id"] == plan["id"]
    assert tasks["Deep research"]["comment_count"] == 1
    review = tasks["Review with the team"]
    assert review["priority"] == 0
    assert review["section_id"] is not None
    berlin = datetime.fromisoformat(review["due_at"]).astimezone(ZoneInfo("Europe/Berlin"))
    assert berlin.date().isoformat() == "2031-03-05"
    assert plan["section_id"] is None
    assert "Todoist date: every monday" in tasks["Water the plants"]["description"]
    assert tasks["Someday"]["due_at"] is None
    assert "blorbsday" in tasks["Someday"]["description"]


async def test_the_older_todoist_header_with_bom_and_crlf_imports(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await quick_user(app)
    response = await _upload(
        client, user, "todoist", (FIXTURES / "full-todoist-project.csv").read_bytes()
    )
    assert response.status_code == 201, response.text
    result = response.json()
    assert result["tasks"] > 3
    assert result["comments"] > 2
    tasks = await _tasks(client, user, result["project_id"])
    by_title = {t["title"]: t for t in tasks}
    assert by_title["unclickable task"]["parent_id"] is None
    assert (
        by_title["clickable subtask, scheduled @30min @/munich"]["parent_id"]
        == by_title["unclickable task"]["id"]
    )
    assert by_title["clickable subtask, scheduled @30min @/munich"]["priority"] == 3


async def test_a_preview_shows_the_plan_and_writes_nothing(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await quick_user(app)
    before = await _counts(app)
    response = await _upload(
        client, user, "trello", (FIXTURES / "trello-board.json").read_bytes(), dry_run=True
    )
    assert response.status_code == 200
    preview = response.json()
    assert preview["project_id"] is None
    assert preview["project_name"] == "Launch board"
    assert preview["section_names"] == ["To do", "Doing", "Archive"]
    assert preview["first_tasks"][0]["title"] == "Pick a name"
    assert await _counts(app) == before


async def test_a_trello_board_becomes_sections_tasks_labels_subtasks_and_comments(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await quick_user(app)
    response = await _upload(client, user, "trello", (FIXTURES / "trello-board.json").read_bytes())
    assert response.status_code == 201, response.text
    result = response.json()
    assert result == {
        "project_id": result["project_id"], "projects": 1, "sections": 3, "labels": 3,
        "tasks": 6, "comments": 1,
    }  # fmt: skip
    tasks = {t["title"]: t for t in await _tasks(client, user, result["project_id"])}
    copy = tasks["Write copy"]
    assert copy["status"] == "todo"
    assert copy["comment_count"] == 1
    assert datetime.fromisoformat(copy["due_at"]) == datetime(2031, 6, 1, 9, tzinfo=UTC)
    assert sorted(label["name"] for label in copy["labels"]) == ["Easy", "red"]
    assert tasks["Draft"]["parent_id"] == copy["id"]
    assert tasks["Draft"]["status"] == "done"
    assert tasks["Proofread"]["status"] == "todo"
    assert tasks["Pick a name"]["status"] == "done"  # dueComplete
    assert tasks["Old idea"]["status"] == "done"  # closed card
    assert tasks["Forgotten"]["status"] == "done"  # in a closed list
    sections = (
        await client.get(f"/api/v1/projects/{result['project_id']}/sections", headers=user.headers)
    ).json()
    assert [s["name"] for s in sections["items"]] == ["To do", "Doing", "Archive"]


async def test_the_published_trello_sample_imports(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    response = await _upload(
        client, user, "trello", (FIXTURES / "data-trelloJson.json").read_bytes()
    )
    assert response.status_code == 201, response.text
    assert response.json()["tasks"] == 1


@pytest.mark.parametrize(
    ("kind", "content", "where"),
    [
        ("todoist", b"", "line 1"),
        ("todoist", b"NAME,VALUE\r\nx,y\r\n", "line 1"),
        ("todoist", b"TYPE,CONTENT,PRIORITY,INDENT\r\ntask,ok,4,1\r\ntask,bad,9,1\r\n", "line 3"),
        ("todoist", b"TYPE,CONTENT,PRIORITY,INDENT\r\ntask,ok,4,1\r\n\r\ntask,,4,1\r\n", "line 4"),
        ("todoist", b"TYPE,CONTENT,PRIORITY,INDENT\r\ntask,sub,4,2\r\n", "line 2"),
        ("todoist", b"TYPE,CONTENT,PRIORITY,INDENT\r\ntask,ok,4,x\r\n", "line 2"),
        ("todoist", b"TYPE,CONTENT\r\nwidget,ok\r\n", "line 2"),
        ("todoist", b"TYPE,CONTENT\r\ntask,\xff\xfe\r\n", "UTF-8"),
        ("trello", b"{not json", "$"),
        ("trello", b"[1, 2]", "$"),
        ("trello", b'{"cards": [{"id": "c", "name": 5}]}', "$.cards[0].name"),
        (
            "trello",
            b'{"lists": [], "cards": [{"id": "c", "name": "x", "due": "soon"}]}',
            "$.cards[0].due",
        ),
        (
            "trello",
            b'{"cards": [], "checklists": [{"idCard": "c", "checkItems": {}}]}',
            "$.checklists[0].checkItems",
        ),
    ],
)
async def test_a_malformed_file_is_422_naming_where_and_writes_nothing(
    app: FastAPI, client: AsyncClient, kind: str, content: bytes, where: str
) -> None:
    user = await quick_user(app)
    before = await _counts(app)
    response = await _upload(client, user, kind, content)
    assert response.status_code == 422, response.text
    assert where in response.json()["detail"]
    assert await _counts(app) == before


async def test_an_import_over_the_size_limit_is_413(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    too_big = b"TYPE,CONTENT\r\n" + b"task,x\r\n" * (app.state.settings.max_import_bytes // 8 + 1)
    response = await _upload(client, user, "todoist", too_big)
    assert response.status_code == 413


async def test_the_csv_export_has_one_row_per_task_and_defuses_formulas(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await quick_user(app)
    imported = await _upload(client, user, "trello", (FIXTURES / "trello-board.json").read_bytes())
    project_id = imported.json()["project_id"]
    await client.post("/api/v1/tasks", json={"title": "=HYPERLINK(1)"}, headers=user.headers)
    response = await client.get("/api/v1/export", params={"format": "csv"}, headers=user.headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert list(rows[0]) == [
        "id", "project", "section", "parent_id", "title", "description", "status", "priority",
        "due_at", "labels", "assignee", "created_at", "completed_at",
    ]  # fmt: skip
    assert len(rows) == 7
    copy = next(row for row in rows if row["title"] == "Write copy")
    assert copy["project"] == "Launch board"
    assert copy["section"] == "To do"
    assert copy["labels"] == "Easy, red"
    assert copy["due_at"].startswith("2031-06-01")
    assert any(row["title"] == "'=HYPERLINK(1)" for row in rows)
    only = await client.get(
        "/api/v1/export", params={"format": "csv", "project_id": project_id}, headers=user.headers
    )
    assert len(list(csv.DictReader(io.StringIO(only.text)))) == 6
    other = await quick_user(app)
    hidden = await client.get(
        "/api/v1/export", params={"format": "csv", "project_id": project_id}, headers=other.headers
    )
    assert hidden.status_code == 404
    assert (
        await client.get("/api/v1/export", params={"format": "xml"}, headers=user.headers)
    ).status_code == 422
