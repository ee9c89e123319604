"""GET /tasks: every filter, search, every sort, pagination, and a fixed number of queries."""

from __future__ import annotations

from typing import Any

import pytest
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


async def _titles(client: AsyncClient, user: UserWithTokens, query: str) -> list[str]:
    response = await client.get(f"{API}/tasks?{query}", headers=user.headers)
    assert response.status_code == 200, response.text
    return [task["title"] for task in response.json()["items"]]


@pytest.fixture
async def board(app: FastAPI, client: AsyncClient) -> dict[str, Any]:
    """Two users sharing a project with a handful of varied tasks, plus a private one."""
    me = await quick_user(app)
    teammate = await quick_user(app)
    project = await make_project(client, me, "Board")
    await add_member(client, project["id"], me, teammate, "editor")
    bug = await make_label(client, me, project["id"], "bug")
    pid = project["id"]
    specs: list[dict[str, Any]] = [
        {"title": "alpha", "priority": 1, "due_at": "2030-01-03T00:00:00Z",
         "label_ids": [bug["id"]], "assignee_id": me.id, "description": "Fix the LOGIN page"},
        {"title": "Bravo", "priority": 4, "status": "done", "due_at": "2030-01-01T00:00:00Z"},
        {"title": "charlie", "priority": 2, "status": "in_progress", "assignee_id": teammate.id,
         "description": "100% done_ish"},
        {"title": "delta", "priority": 4, "due_at": "2030-01-02T00:00:00Z",
         "label_ids": [bug["id"]]},
        {"title": "Echo login", "priority": 0},
    ]  # fmt: skip
    tasks = {}
    for spec in specs:
        tasks[spec["title"]] = await make_task(client, me, project_id=pid, **spec)
    child = await make_task(client, me, title="foxtrot", parent_id=tasks["alpha"]["id"])
    tasks["foxtrot"] = child
    other = await quick_user(app)
    await make_task(client, other, title="alpha elsewhere")
    return {"me": me, "teammate": teammate, "project": project, "bug": bug, "tasks": tasks}


ALL = ["alpha", "Bravo", "charlie", "delta", "Echo login", "foxtrot"]


async def test_default_lists_the_callers_tasks_by_position(
    client: AsyncClient, board: dict[str, Any]
) -> None:
    response = await client.get(f"{API}/tasks", headers=board["me"].headers)
    body = response.json()
    assert body["total"] == 6
    assert body["limit"] == 20
    assert body["offset"] == 0
    assert [t["title"] for t in body["items"]] == ALL


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=done", ["Bravo"]),
        ("status=todo&status=in_progress", ["alpha", "charlie", "delta", "Echo login", "foxtrot"]),
        ("priority=4", ["Bravo", "delta"]),
        ("priority=0", ["Echo login", "foxtrot"]),
        ("assignee_id=me", ["alpha"]),
        ("due_before=2030-01-02T00:00:00Z", ["Bravo", "delta"]),
        ("due_after=2030-01-02T00:00:00Z", ["alpha", "delta"]),
        ("due_after=2030-01-02T00:00:00%2B00:00&due_before=2030-01-02T00:00:00Z", ["delta"]),
        ("search=login", ["alpha", "Echo login"]),
        ("search=LOGIN%20page", ["alpha"]),
        ("search=echo%20page", []),
        ("search=100%25", ["charlie"]),
        ("search=%25", ["charlie"]),
        ("search=do_e", []),  # `_` is literal, not "any character"
        ("search=fix%25page", []),  # `%` is literal, not "anything"
        ("search=done_ish", ["charlie"]),
        ("search=%20%20", ALL),
    ],
)
async def test_filters(
    client: AsyncClient, board: dict[str, Any], query: str, expected: list[str]
) -> None:
    assert await _titles(client, board["me"], query) == expected


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("login", ["alpha", "Echo login"]),
        ("LOGIN%20page", ["alpha"]),
        ("echo%20page", []),  # one word in the title, the other nowhere
        ("100%25", ["charlie"]),
        ("do_e", []),
        ("page%20fix", ["alpha"]),  # both words in the description, any order
        ("alpha%20fix", ["alpha"]),  # one in the title, one in the description
        ("alphafix", []),  # never across the title/description boundary
    ],
)
async def test_search_within_a_project_matches_what_it_matches_across_projects(
    client: AsyncClient, board: dict[str, Any], search: str, expected: list[str]
) -> None:
    """Within a project the words are matched on title and description joined (the project's
    index, not the table-wide trigram ones): the same tasks either way."""
    pid = board["project"]["id"]
    across = await _titles(client, board["me"], f"search={search}")
    within = await _titles(client, board["me"], f"project_id={pid}&search={search}")
    assert within == across == expected


async def test_search_words_that_sql_quoting_must_carry_match_exactly_themselves(
    app: FastAPI, client: AsyncClient
) -> None:
    """Across projects the words are written into the SQL as literals (`tasks.conditions`):
    quotes, backslashes, dollars and comment marks are text to match, nothing else."""
    me = await quick_user(app)
    titles = ["O'Brien call", "back\\slash", "cost $1 each", "x'; DROP TABLE tasks; --", "Straße"]
    for title in titles:
        await make_task(client, me, title=title)
    for search, expected in [
        ("o'brien", ["O'Brien call"]),
        ("'", ["O'Brien call", "x'; DROP TABLE tasks; --"]),
        ("''", []),
        ("\\", ["back\\slash"]),
        ("k\\s", ["back\\slash"]),
        ("\\\\", []),
        ("$1", ["cost $1 each"]),
        ("'; --", ["x'; DROP TABLE tasks; --"]),
        ("--", ["x'; DROP TABLE tasks; --"]),
        ("straße", ["Straße"]),
    ]:
        response = await client.get(f"{API}/tasks", params={"search": search}, headers=me.headers)
        assert response.status_code == 200, response.text
        assert [task["title"] for task in response.json()["items"]] == expected, search
    still = await client.get(f"{API}/tasks", headers=me.headers)
    assert still.json()["total"] == len(titles)


@pytest.mark.parametrize(
    "value",
    ["0.5", "0", "1700000000", "2030-01-02", "2030-01-02T00:00:00", "2030-01-02T00:00:00%2B24:00"],
)
async def test_a_time_filter_takes_only_a_time_with_an_offset(
    app: FastAPI, client: AsyncClient, value: str
) -> None:
    # Numbers were read as Unix timestamps, dates as midnight in no zone (schemathesis: a
    # `date-time` parameter accepted 0.5). The schema says RFC 3339 with an offset; so does this.
    user = await quick_user(app)
    for name in ("due_before", "due_after"):
        response = await client.get(f"{API}/tasks?{name}={value}", headers=user.headers)
        assert response.status_code == 422, (name, value, response.text)


async def test_filters_by_ids(client: AsyncClient, board: dict[str, Any]) -> None:
    me, tasks = board["me"], board["tasks"]
    assert await _titles(client, me, f"label_id={board['bug']['id']}") == ["alpha", "delta"]
    assert await _titles(client, me, f"assignee_id={board['teammate'].id}") == ["charlie"]
    assert await _titles(client, me, f"parent_id={tasks['alpha']['id']}") == ["foxtrot"]
    assert await _titles(client, me, f"project_id={board['project']['id']}&priority=1") == ["alpha"]


async def test_teammate_sees_the_shared_tasks_only(
    client: AsyncClient, board: dict[str, Any]
) -> None:
    assert await _titles(client, board["teammate"], "assignee_id=me") == ["charlie"]
    assert len(await _titles(client, board["teammate"], "")) == 6


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("position", ALL),
        ("-position", ALL[::-1]),
        ("created_at", ALL),
        ("-created_at", ALL[::-1]),
        # No due date last, either way; ties broken by id in the sort's direction.
        ("due_at", ["Bravo", "delta", "alpha", "charlie", "Echo login", "foxtrot"]),
        ("-due_at", ["alpha", "delta", "Bravo", "foxtrot", "Echo login", "charlie"]),
        ("priority", ["Echo login", "foxtrot", "alpha", "charlie", "Bravo", "delta"]),
        ("-priority", ["delta", "Bravo", "charlie", "alpha", "foxtrot", "Echo login"]),
        ("title", ["alpha", "Bravo", "charlie", "delta", "Echo login", "foxtrot"]),
        ("-title", ["foxtrot", "Echo login", "delta", "charlie", "Bravo", "alpha"]),
    ],
)
async def test_sorts(
    client: AsyncClient, board: dict[str, Any], sort: str, expected: list[str]
) -> None:
    assert await _titles(client, board["me"], f"sort={sort}") == expected


async def test_sort_by_votes(client: AsyncClient, board: dict[str, Any]) -> None:
    me, teammate, tasks = board["me"], board["teammate"], board["tasks"]
    for voter in (me, teammate):
        await client.put(f"{API}/tasks/{tasks['delta']['id']}/vote", headers=voter.headers)
    await client.put(f"{API}/tasks/{tasks['charlie']['id']}/vote", headers=me.headers)
    assert await _titles(client, me, "sort=-votes") == [
        "delta", "charlie", "foxtrot", "Echo login", "Bravo", "alpha"
    ]  # fmt: skip
    assert await _titles(client, me, "sort=votes") == [
        "alpha", "Bravo", "Echo login", "foxtrot", "charlie", "delta"
    ]  # fmt: skip


async def _all(client: AsyncClient, user: Any, project_id: int, sort: str) -> list[Any]:
    items: list[Any] = []
    while True:
        response = await client.get(
            f"{API}/tasks?project_id={project_id}&sort={sort}&limit=100&offset={len(items)}",
            headers=user.headers,
        )
        page = response.json()["items"]
        if not page:
            return items
        items.extend(page)


async def test_paging_through_250_tasks_never_repeats_or_skips(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await quick_user(app)
    project = await make_project(client, user)
    created = set()
    for number in range(250):
        # Few distinct priorities: most rows tie on the sort key, the id decides.
        task = await make_task(client, user, title=f"t{number}", project_id=project["id"],
                               priority=number % 3)  # fmt: skip
        created.add(task["id"])
    # The plain list, and a search across projects (its matches found once for the page and
    # the total: `queries._listing_statements`), by parameter and in the `q` language.
    for where, sort in [
        *((f"project_id={project['id']}", sort) for sort in ("priority", "-priority", "position")),
        *(("search=t", sort) for sort in ("priority", "-priority", "position", "-title")),
        *(("q=search%3A%20t", sort) for sort in ("-priority", "title", "-position")),
    ]:
        seen: list[int] = []
        offset = 0
        while True:
            response = await client.get(
                f"{API}/tasks?{where}&sort={sort}&limit=33&offset={offset}",
                headers=user.headers,
            )
            body = response.json()
            assert body["total"] == 250
            assert body["limit"] == 33
            assert body["offset"] == offset
            if not body["items"]:
                break
            seen.extend(task["id"] for task in body["items"])
            offset += 33
        assert len(seen) == 250, (where, sort)
        assert set(seen) == created
        plain = [task["id"] for task in await _all(client, user, project["id"], sort)]
        assert seen == plain, (where, sort)  # the same order as the plain list's


async def test_list_and_detail_cost_a_fixed_number_of_queries(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await quick_user(app)
    voter = await quick_user(app)
    project = await make_project(client, user)
    await add_member(client, project["id"], user, voter, "viewer")
    labels = [await make_label(client, user, project["id"], f"l{n}") for n in range(3)]
    label_ids = [label["id"] for label in labels]

    async def add_tasks(count: int) -> None:
        for _ in range(count):
            task = await make_task(client, user, project_id=project["id"], label_ids=label_ids)
            await client.put(f"{API}/tasks/{task['id']}/vote", headers=voter.headers)
            await client.post(
                f"{API}/tasks/{task['id']}/comments", json={"body": "c"}, headers=user.headers
            )

    await add_tasks(2)
    with count_statements(app) as few:
        small = await client.get(f"{API}/tasks?limit=100", headers=voter.headers)
    await add_tasks(30)
    with count_statements(app) as many:
        large = await client.get(f"{API}/tasks?limit=100", headers=voter.headers)
    assert len(small.json()["items"]) == 2
    assert len(large.json()["items"]) == 32
    item = large.json()["items"][-1]
    assert item["vote_count"] == 1
    assert item["voted_by_me"] is True
    assert item["comment_count"] == 1
    assert len(item["labels"]) == 3
    # authentication, then the page with its total, counts and labels: whatever its size
    assert len(few) == len(many) == 2, many
    with count_statements(app) as detail:
        response = await client.get(f"{API}/tasks/{item['id']}", headers=voter.headers)
    assert response.status_code == 200
    assert len(detail) == 2, detail
