"""Reminders (SPEC §6): routes, snooze, relative reminders following the due date, and
firing exactly once (the atomic claim), late ones with `late: true`, none for done tasks."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import time_machine
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import func, select

from taskflow.core.jobs.registry import JobContext, get_job, periodic_jobs
from taskflow.db import Database
from taskflow.notifications.models import Notification
from taskflow.tasks.reminders import fire_due
from tests.factories_domain import (
    API,
    add_member,
    count_statements,
    make_project,
    make_task,
    quick_user,
)

DUE = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def _context(app: FastAPI) -> JobContext:
    return JobContext(settings=app.state.settings, uow=app.state.uow)


async def _fire(app: FastAPI) -> None:
    await get_job("reminders.fire").function(_context(app))


async def _reminder_notifications(app: FastAPI, user_id: int) -> list[Notification]:
    database: Database = app.state.database
    async with database.sessionmaker() as session:
        rows = await session.scalars(
            select(Notification)
            .where(Notification.user_id == user_id, Notification.type == "reminder")
            .order_by(Notification.id)
        )
        return list(rows)


async def _add(client: AsyncClient, user: Any, task_id: int, **body: Any) -> dict[str, Any]:
    response = await client.post(
        f"{API}/tasks/{task_id}/reminders", json=body, headers=user.headers
    )
    assert response.status_code == 201, response.text
    reminder: dict[str, Any] = response.json()
    return reminder


async def test_the_scan_is_scheduled() -> None:
    assert "reminders.fire" in periodic_jobs()


async def test_absolute_and_relative_reminders_and_the_relative_one_follows_the_due_date(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await quick_user(app)
    task = await make_task(client, user, due_at=DUE.isoformat(), recurrence="FREQ=WEEKLY")
    absolute = await _add(client, user, task["id"], remind_at="2027-02-28T18:00:00Z")
    relative = await _add(client, user, task["id"], before_due_minutes=30)
    assert set(relative) == {
        "id", "task_id", "remind_at", "before_due_minutes", "sent_at", "snoozed_until",
    }  # fmt: skip
    assert datetime.fromisoformat(relative["remind_at"]) == DUE - timedelta(minutes=30)
    assert absolute["before_due_minutes"] is None

    moved = DUE + timedelta(days=1)
    response = await client.patch(
        f"{API}/tasks/{task['id']}", json={"due_at": moved.isoformat()}, headers=user.headers
    )
    assert response.status_code == 200
    listing = await client.get(f"{API}/tasks/{task['id']}/reminders", headers=user.headers)
    assert listing.json()["total"] == 2
    by_id = {item["id"]: item for item in listing.json()["items"]}
    assert datetime.fromisoformat(by_id[relative["id"]]["remind_at"]) == moved - timedelta(
        minutes=30
    )
    assert by_id[absolute["id"]]["remind_at"] == absolute["remind_at"]

    # Completing the weekly task moves it a week on, and the relative reminder with it.
    await client.patch(f"{API}/tasks/{task['id']}", json={"status": "done"}, headers=user.headers)
    listing = await client.get(f"{API}/tasks/{task['id']}/reminders", headers=user.headers)
    by_id = {item["id"]: item for item in listing.json()["items"]}
    expected = moved + timedelta(days=7) - timedelta(minutes=30)
    assert datetime.fromisoformat(by_id[relative["id"]]["remind_at"]) == expected


async def test_bad_reminders_are_422_or_404_and_write_nothing(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await quick_user(app)
    stranger = await quick_user(app)
    undated = await make_task(client, user)
    dated = await make_task(client, user, due_at=DUE.isoformat())
    url = f"{API}/tasks/{dated['id']}/reminders"
    for body in (
        {},
        {"remind_at": "2027-01-01T00:00:00Z", "before_due_minutes": 5},
        {"before_due_minutes": -1},
        {"before_due_minutes": 40_321},
    ):
        response = await client.post(url, json=body, headers=user.headers)
        assert response.status_code == 422, body
    response = await client.post(
        f"{API}/tasks/{undated['id']}/reminders", json={"before_due_minutes": 5},
        headers=user.headers,
    )  # fmt: skip
    assert response.status_code == 422
    assert "no due_at" in response.text
    response = await client.post(url, json={"before_due_minutes": 5}, headers=stranger.headers)
    assert response.status_code == 404
    for minutes in range(10):
        await _add(client, user, dated["id"], before_due_minutes=minutes)
    response = await client.post(url, json={"before_due_minutes": 60}, headers=user.headers)
    assert response.status_code == 422
    assert "At most 10" in response.text
    listing = await client.get(url, headers=user.headers)
    assert listing.json()["total"] == 10

    # Another user's reminder is not theirs to see, delete or snooze.
    mine = listing.json()["items"][0]["id"]
    assert (await client.get(url, headers=stranger.headers)).status_code == 404
    response = await client.delete(f"{API}/reminders/{mine}", headers=stranger.headers)
    assert response.status_code == 404
    response = await client.post(
        f"{API}/reminders/{mine}/snooze", json={"minutes": 10}, headers=stranger.headers
    )
    assert response.status_code == 404
    response = await client.post(
        f"{API}/reminders/{mine}/snooze", json={"minutes": 4}, headers=user.headers
    )
    assert response.status_code == 422
    response = await client.delete(f"{API}/reminders/{mine}", headers=user.headers)
    assert response.status_code == 204
    assert (await client.get(url, headers=user.headers)).json()["total"] == 9


async def test_a_due_reminder_fires_once_late_ones_say_so_done_tasks_stay_quiet(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await quick_user(app)
    task = await make_task(client, user, due_at=DUE.isoformat())
    done = await make_task(client, user, due_at=DUE.isoformat())
    on_time = await _add(client, user, task["id"], remind_at="2027-02-28T18:00:00Z")
    missed = await _add(client, user, task["id"], remind_at="2027-02-27T18:00:00Z")
    await _add(client, user, done["id"], remind_at="2027-02-28T18:00:00Z")
    await client.patch(f"{API}/tasks/{done['id']}", json={"status": "done"}, headers=user.headers)

    await _fire(app)
    assert await _reminder_notifications(app, user.id) == []  # nothing due yet

    with time_machine.travel(datetime(2027, 2, 28, 18, 0, 20, tzinfo=UTC), tick=False):
        await _fire(app)
        await _fire(app)  # a second scan finds nothing left
    fired = await _reminder_notifications(app, user.id)
    assert len(fired) == 2
    by_reminder = {row.data["reminder_id"]: row for row in fired}
    assert by_reminder[on_time["id"]].data["late"] is False
    assert by_reminder[missed["id"]].data["late"] is True  # a day late: the system was down
    assert {row.task_id for row in fired} == {task["id"]}

    # Snoozed: it fires again, once, when the snooze ends.
    response = await client.post(
        f"{API}/reminders/{on_time['id']}/snooze", json={"minutes": 10}, headers=user.headers
    )
    assert response.status_code == 200
    snoozed = response.json()
    assert snoozed["sent_at"] is None
    until = datetime.fromisoformat(snoozed["snoozed_until"])
    with time_machine.travel(until + timedelta(seconds=5), tick=False):
        await _fire(app)
        await _fire(app)
    assert len(await _reminder_notifications(app, user.id)) == 3


async def test_a_trashed_tasks_reminder_stays_quiet_until_it_is_restored(
    app: FastAPI, client: AsyncClient
) -> None:
    """In the trash, a task rings nothing; restored after its time, it fires then, late."""
    user = await quick_user(app)
    task = await make_task(client, user, due_at=DUE.isoformat())
    reminder = await _add(client, user, task["id"], remind_at="2027-02-28T18:00:00Z")
    deleted = await client.delete(f"{API}/tasks/{task['id']}", headers=user.headers)
    assert deleted.status_code == 204

    with time_machine.travel(datetime(2027, 2, 28, 18, 0, 20, tzinfo=UTC), tick=False):
        await _fire(app)
    assert await _reminder_notifications(app, user.id) == []

    restored = await client.post(f"{API}/trash/task/{task['id']}/restore", headers=user.headers)
    assert restored.status_code == 200
    with time_machine.travel(datetime(2027, 3, 1, 9, 0, tzinfo=UTC), tick=False):
        await _fire(app)
        await _fire(app)
    fired = await _reminder_notifications(app, user.id)
    assert [row.data["reminder_id"] for row in fired] == [reminder["id"]]
    assert fired[0].data["late"] is True


async def test_concurrent_scans_fire_each_reminder_exactly_once(
    app: FastAPI, client: AsyncClient
) -> None:
    """Four scans at once over 60 due reminders (PostgreSQL: SKIP LOCKED and the conditional
    claim; SQLite: one writer): 60 notifications, not one more."""
    users = [await quick_user(app) for _ in range(3)]
    for user in users:
        for index in range(4):
            task = await make_task(client, user, f"T{index}", due_at=DUE.isoformat())
            for minutes in range(5):
                await _add(client, user, task["id"], before_due_minutes=minutes)
    with time_machine.travel(DUE + timedelta(seconds=1), tick=True):
        await asyncio.gather(*(_fire(app) for _ in range(4)))
    database: Database = app.state.database
    async with database.sessionmaker() as session:
        count = await session.scalar(
            select(func.count()).select_from(Notification).where(Notification.type == "reminder")
        )
        ids = await session.scalars(
            select(Notification.data).where(Notification.type == "reminder")
        )
        reminder_ids = [data["reminder_id"] for data in ids]
    assert count == 60
    assert len(set(reminder_ids)) == 60


# One batch: the due scan, the claim, the tasks, who may still be told, one INSERT of all the
# notifications (tasks/reminders.py:fire_due, notifications/service.py:notify_each).
BATCH_STATEMENTS = 5


async def test_a_batch_costs_the_same_statements_for_2_or_30_and_tells_members_only(
    app: FastAPI, client: AsyncClient
) -> None:
    owner = await quick_user(app)
    member = await quick_user(app)
    leaver = await quick_user(app)
    project = await make_project(client, owner, "Reminded")
    for user in (member, leaver):
        await add_member(client, project["id"], owner, user, "viewer")
    tasks = [
        await make_task(client, owner, f"T{n}", project_id=project["id"], due_at=DUE.isoformat())
        for n in range(10)
    ]
    early = DUE - timedelta(hours=1)
    for user in (owner, member):
        await _add(client, user, tasks[0]["id"], remind_at=early.isoformat())
    for task in tasks:
        for user in (owner, member, leaver):
            await _add(client, user, task["id"], before_due_minutes=0)
    # The leaver leaves: their reminders are claimed but tell no one (no leak).
    removed = await client.delete(
        f"{API}/projects/{project['id']}/members/{leaver.id}", headers=owner.headers
    )
    assert removed.status_code == 204

    counts = []
    for now, expected in ((early, 2), (DUE, 30)):
        with count_statements(app) as statements:
            async with app.state.uow.begin() as session:
                assert await fire_due(session, now, limit=50) == expected
        counts.append(len(statements))
    assert counts == [BATCH_STATEMENTS, BATCH_STATEMENTS], counts

    database: Database = app.state.database
    async with database.sessionmaker() as session:
        rows = list(
            await session.execute(
                select(Notification.user_id, Notification.task_id, Notification.data).where(
                    Notification.type == "reminder"
                )
            )
        )
    assert Counter(user_id for user_id, _, _ in rows) == {owner.id: 11, member.id: 11}
    assert {data["task_title"] for _, _, data in rows} == {f"T{n}" for n in range(10)}
    assert all(data["title"] == data["task_title"] for _, _, data in rows)
