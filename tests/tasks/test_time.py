"""SPEC §6 through the API: the user's time zone, the task's time fields, completing a
recurring task (single, bulk), the list filters, and the 422s that write nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import time_machine
from fastapi import FastAPI
from httpx import AsyncClient

from taskflow.core.clock import zone
from tests.factories_domain import API, make_task, quick_user

BERLIN = zone("Europe/Berlin")


def _iso(*args: int, tz: Any = BERLIN) -> str:
    return datetime(*args, tzinfo=tz).astimezone(UTC).isoformat()


def _local(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(BERLIN)


async def _berliner(app: FastAPI, client: AsyncClient) -> Any:
    user = await quick_user(app)
    response = await client.patch(
        f"{API}/users/me", json={"timezone": "Europe/Berlin"}, headers=user.headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["timezone"] == "Europe/Berlin"
    return user


async def test_timezone_defaults_to_utc_and_unknown_names_are_422(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await quick_user(app)
    me = await client.get(f"{API}/users/me", headers=user.headers)
    assert me.json()["timezone"] == "UTC"
    for name in ("Mars/Olympus", "Europe/../UTC", None):
        response = await client.patch(
            f"{API}/users/me", json={"timezone": name}, headers=user.headers
        )
        assert response.status_code == 422, name
    me = await client.get(f"{API}/users/me", headers=user.headers)
    assert me.json()["timezone"] == "UTC"


async def test_time_fields_round_trip(app: FastAPI, client: AsyncClient) -> None:
    user = await _berliner(app, client)
    task = await make_task(
        client,
        user,
        due_at=_iso(2027, 3, 26, 9, 0),
        start_at=_iso(2027, 3, 25, 9, 0),
        due_all_day=True,
        recurrence="freq=weekly;byday=fr",
        recurrence_basis="completion",
    )
    assert task["due_all_day"] is True
    assert task["recurrence"] == "FREQ=WEEKLY;BYDAY=FR"
    assert task["recurrence_basis"] == "completion"
    assert datetime.fromisoformat(task["start_at"]) == datetime.fromisoformat(
        _iso(2027, 3, 25, 9, 0)
    )
    response = await client.patch(
        f"{API}/tasks/{task['id']}", json={"recurrence": None}, headers=user.headers
    )
    assert response.status_code == 200
    assert response.json()["recurrence"] is None
    plain = await make_task(client, user)
    assert (plain["due_all_day"], plain["start_at"], plain["recurrence"]) == (False, None, None)
    assert plain["recurrence_basis"] == "due"


async def test_bad_times_are_422_and_write_nothing(app: FastAPI, client: AsyncClient) -> None:
    user = await _berliner(app, client)
    due = _iso(2027, 3, 26, 9, 0)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"recurrence": "FREQ=DAILY"}, "needs a due_at"),
        ({"due_at": due, "recurrence": "FREQ=NEVER"}, "FREQ must be"),
        ({"due_at": due, "recurrence": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31"}, "no day"),
        ({"due_at": _iso(2020, 1, 1, 9, 0), "recurrence": "FREQ=DAILY;UNTIL=20200201"}, "future"),
        ({"due_at": due, "start_at": _iso(2027, 3, 27, 9, 0)}, "start"),
    ]
    for body, message in cases:
        response = await client.post(
            f"{API}/tasks", json={"title": "x", **body}, headers=user.headers
        )
        assert response.status_code == 422, body
        assert message in response.text, response.text
    listing = await client.get(f"{API}/tasks", headers=user.headers)
    assert listing.json()["total"] == 0

    task = await make_task(client, user, due_at=due, recurrence="FREQ=DAILY")
    for body in ({"due_at": None}, {"start_at": _iso(2027, 3, 27, 9, 0)}, {"recurrence": "X=1"}):
        response = await client.patch(f"{API}/tasks/{task['id']}", json=body, headers=user.headers)
        assert response.status_code == 422, body
    again = await client.get(f"{API}/tasks/{task['id']}", headers=user.headers)
    assert again.json()["version"] == 1
    assert again.json()["recurrence"] == "FREQ=DAILY"


async def test_completing_a_recurring_task_moves_it_across_dst(
    app: FastAPI, client: AsyncClient
) -> None:
    """Every day at 09:00 Berlin: completed on the 27th of March, due the 28th at 09:00
    local (07:00 UTC, the day the clocks change); the same in October."""
    user = await _berliner(app, client)
    for before, after in (((2027, 3, 27), (2027, 3, 28)), ((2027, 10, 30), (2027, 10, 31))):
        task = await make_task(client, user, due_at=_iso(*before, 9, 0), recurrence="FREQ=DAILY")
        subtask = await make_task(client, user, parent_id=task["id"], status="done")
        response = await client.patch(
            f"{API}/tasks/{task['id']}", json={"status": "done"}, headers=user.headers
        )
        assert response.status_code == 200, response.text
        moved = response.json()
        assert moved["status"] == "todo"
        assert moved["completed_at"] is None
        assert moved["version"] == 2
        assert _local(moved["due_at"]) == datetime(*after, 9, 0, tzinfo=BERLIN)
        assert _local(moved["due_at"]).hour == 9
        child = await client.get(f"{API}/tasks/{subtask['id']}", headers=user.headers)
        assert child.json()["status"] == "todo"

        activity = await client.get(f"{API}/tasks/{task['id']}/activity", headers=user.headers)
        verbs = [entry["verb"] for entry in activity.json()["items"]]
        assert verbs[:2] == ["task.recurred", "task.completed"]  # newest first
        recurred = activity.json()["items"][0]["changes"]["due_at"]
        assert _local(recurred["from"]) == datetime(*before, 9, 0, tzinfo=BERLIN)
        assert _local(recurred["to"]) == datetime(*after, 9, 0, tzinfo=BERLIN)


async def test_completion_basis_counts_from_the_completion(
    app: FastAPI, client: AsyncClient
) -> None:
    # Done on the 7th (three days late, an overdue task): next due three days after that.
    with time_machine.travel(datetime(2027, 1, 7, 17, 30, tzinfo=UTC), tick=True):
        user = await _berliner(app, client)
        task = await make_task(
            client,
            user,
            due_at=_iso(2027, 1, 4, 9, 0),
            start_at=_iso(2027, 1, 4, 8, 0),
            recurrence="FREQ=DAILY;INTERVAL=3",
            recurrence_basis="completion",
        )
        response = await client.patch(
            f"{API}/tasks/{task['id']}", json={"status": "done"}, headers=user.headers
        )
    assert response.status_code == 200, response.text
    moved = response.json()
    assert _local(moved["due_at"]) == datetime(2027, 1, 10, 9, 0, tzinfo=BERLIN)
    assert _local(moved["start_at"]) == datetime(2027, 1, 10, 8, 0, tzinfo=BERLIN)


async def test_bulk_complete_advances_recurring_tasks_and_completes_the_rest(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await _berliner(app, client)
    weekly = await make_task(
        client, user, due_at=_iso(2027, 1, 4, 9, 0), recurrence="FREQ=WEEKLY;COUNT=2"
    )
    last = await make_task(
        client, user, due_at=_iso(2027, 1, 4, 9, 0), recurrence="FREQ=WEEKLY;COUNT=1"
    )
    plain = await make_task(client, user)
    response = await client.post(
        f"{API}/tasks/bulk",
        json={"action": "complete", "ids": [weekly["id"], last["id"], plain["id"]]},
        headers=user.headers,
    )
    assert response.status_code == 200, response.text
    got = {
        item["id"]: item
        for item in (await client.get(f"{API}/tasks", headers=user.headers)).json()["items"]
    }
    assert got[weekly["id"]]["status"] == "todo"
    assert _local(got[weekly["id"]]["due_at"]) == datetime(2027, 1, 11, 9, 0, tzinfo=BERLIN)
    assert got[weekly["id"]]["recurrence"] == "FREQ=WEEKLY;COUNT=1"
    assert got[last["id"]]["status"] == "done"  # the series has ended
    assert got[plain["id"]]["status"] == "done"
    activity = await client.get(f"{API}/tasks/{weekly['id']}/activity", headers=user.headers)
    verbs = [entry["verb"] for entry in activity.json()["items"]]
    assert verbs[:2] == ["task.recurred", "task.completed"]


async def test_start_filters_recurring_filter_and_start_sort(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await _berliner(app, client)
    early = await make_task(client, user, "early", start_at=_iso(2027, 1, 1, 9, 0))
    late = await make_task(client, user, "late", start_at=_iso(2027, 2, 1, 9, 0))
    series = await make_task(
        client, user, "series", due_at=_iso(2027, 3, 1, 9, 0), recurrence="FREQ=MONTHLY"
    )

    async def titles(query: str) -> list[str]:
        response = await client.get(f"{API}/tasks?{query}", headers=user.headers)
        assert response.status_code == 200, response.text
        return [item["title"] for item in response.json()["items"]]

    assert await titles("sort=start_at") == ["early", "late", "series"]
    assert await titles("sort=-start_at") == ["late", "early", "series"]
    cut = "2027-01-15T00:00:00Z"
    assert await titles(f"start_before={cut}") == ["early"]
    assert await titles(f"start_after={cut}") == ["late"]
    assert await titles("recurring=true") == ["series"]
    assert await titles("recurring=false") == ["early", "late"]
    assert {early["id"], late["id"], series["id"]}


async def test_export_and_import_keep_the_time_fields(app: FastAPI, client: AsyncClient) -> None:
    user = await _berliner(app, client)
    await make_task(
        client,
        user,
        due_at=_iso(2027, 1, 4, 9, 0),
        start_at=_iso(2027, 1, 3, 9, 0),
        due_all_day=True,
        recurrence="FREQ=WEEKLY;BYDAY=MO",
        recurrence_basis="completion",
    )
    exported = await client.get(f"{API}/export", headers=user.headers)
    assert exported.status_code == 200
    task = exported.json()["projects"][0]["tasks"][0]
    assert task["recurrence"] == "FREQ=WEEKLY;BYDAY=MO"
    assert (task["due_all_day"], task["recurrence_basis"]) == (True, "completion")
    other = await quick_user(app)
    imported = await client.post(f"{API}/import", json=exported.json(), headers=other.headers)
    assert imported.status_code == 201, imported.text
    items = (await client.get(f"{API}/tasks", headers=other.headers)).json()["items"]
    assert [(item["recurrence"], item["due_all_day"], item["start_at"] is not None)
            for item in items] == [("FREQ=WEEKLY;BYDAY=MO", True, True)]  # fmt: skip

    document = exported.json()
    document["projects"][0]["tasks"][0]["due_at"] = None
    refused = await client.post(f"{API}/import", json=document, headers=other.headers)
    assert refused.status_code == 422
    assert "tasks[0].recurrence" in refused.text
