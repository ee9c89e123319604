"""Saved filters (SPEC §9): personal, validated, applied by `filter_id`, counted in one query."""

from __future__ import annotations

from fastapi import FastAPI
from httpx import AsyncClient

from tests.factories_domain import API, count_statements, make_project, make_task, quick_user


async def test_saved_filters_create_list_update_delete(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    created = await client.post(
        f"{API}/filters", json={"name": " Urgent ", "query": "p1 | p2"}, headers=user.headers
    )
    assert created.status_code == 201, created.text
    saved = created.json()
    assert set(saved) == {"id", "name", "query", "color", "position", "created_at", "count"}
    assert (saved["name"], saved["query"], saved["count"]) == ("Urgent", "p1 | p2", None)
    second = await client.post(
        f"{API}/filters",
        json={"name": "Today", "query": "today", "color": "#00ff00"},
        headers=user.headers,
    )
    assert second.json()["position"] > saved["position"]
    listed = await client.get(f"{API}/filters", headers=user.headers)
    assert [f["name"] for f in listed.json()["items"]] == ["Urgent", "Today"]
    moved = await client.patch(
        f"{API}/filters/{second.json()['id']}",
        json={"position": saved["position"] - 1, "query": "today | overdue"},
        headers=user.headers,
    )
    assert moved.status_code == 200
    assert moved.json()["query"] == "today | overdue"
    listed = await client.get(f"{API}/filters", headers=user.headers)
    assert [f["name"] for f in listed.json()["items"]] == ["Today", "Urgent"]
    deleted = await client.delete(f"{API}/filters/{saved['id']}", headers=user.headers)
    assert deleted.status_code == 204
    gone = await client.get(f"{API}/filters/{saved['id']}", headers=user.headers)
    assert gone.status_code == 404


async def test_a_saved_filter_query_is_validated(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    bad = await client.post(
        f"{API}/filters", json={"name": "Broken", "query": "p1 & (today"}, headers=user.headers
    )
    assert bad.status_code == 422
    assert "position 11" in bad.json()["detail"]
    for body in ({"name": "", "query": "p1"}, {"name": "x", "query": ""}, {"name": "x"}):
        response = await client.post(f"{API}/filters", json=body, headers=user.headers)
        assert response.status_code == 422, body
    assert (await client.get(f"{API}/filters", headers=user.headers)).json()["total"] == 0
    good = await client.post(
        f"{API}/filters", json={"name": "Fine", "query": "p1"}, headers=user.headers
    )
    patch = await client.patch(
        f"{API}/filters/{good.json()['id']}", json={"query": "status: later"}, headers=user.headers
    )
    assert patch.status_code == 422
    again = await client.get(f"{API}/filters/{good.json()['id']}", headers=user.headers)
    assert again.json()["query"] == "p1"


async def test_saved_filters_are_personal(app: FastAPI, client: AsyncClient) -> None:
    owner = await quick_user(app)
    other = await quick_user(app)
    saved = (
        await client.post(
            f"{API}/filters", json={"name": "Mine", "query": "p1"}, headers=owner.headers
        )
    ).json()
    url = f"{API}/filters/{saved['id']}"
    assert (await client.get(url, headers=other.headers)).status_code == 404
    assert (await client.patch(url, json={"name": "x"}, headers=other.headers)).status_code == 404
    assert (await client.delete(url, headers=other.headers)).status_code == 404
    listed = await client.get(
        f"{API}/tasks", params={"filter_id": saved["id"]}, headers=other.headers
    )
    assert listed.status_code == 404
    assert (await client.get(f"{API}/filters", headers=other.headers)).json()["total"] == 0


async def test_filter_id_applies_a_saved_filter_and_counts_come_in_one_query(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await quick_user(app)
    project = await make_project(client, user, "Work")
    urgent = await make_task(client, user, project_id=project["id"], priority=4)
    await make_task(client, user, project_id=project["id"], priority=3, status="done")
    inbox_urgent = await make_task(client, user, priority=4)
    filters = []
    for name, query in (
        ("Urgent", "p1"),
        ("Work", "#work"),
        ("Open work", "#Work & !status: done"),
        ("Nothing", "search: absent"),
    ):
        response = await client.post(
            f"{API}/filters", json={"name": name, "query": query}, headers=user.headers
        )
        filters.append(response.json())
    listed = await client.get(
        f"{API}/tasks", params={"filter_id": filters[0]["id"]}, headers=user.headers
    )
    assert sorted(t["id"] for t in listed.json()["items"]) == sorted(
        [urgent["id"], inbox_urgent["id"]]
    )
    # filter_id and q and the plain filters all apply.
    both = await client.get(
        f"{API}/tasks",
        params={"filter_id": filters[0]["id"], "q": "#Work"},
        headers=user.headers,
    )
    assert [t["id"] for t in both.json()["items"]] == [urgent["id"]]
    with count_statements(app) as statements:
        counted = await client.get(f"{API}/filters?with_counts=true", headers=user.headers)
    assert counted.status_code == 200
    assert [f["count"] for f in counted.json()["items"]] == [2, 2, 1, 0]
    assert len(statements) == 4  # auth, total, page, all the counts
    plain = await client.get(f"{API}/filters", headers=user.headers)
    assert {f["count"] for f in plain.json()["items"]} == {None}
