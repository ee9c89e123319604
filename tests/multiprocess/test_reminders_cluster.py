"""Reminders fire exactly once across real processes (PostgreSQL + Redis): two app processes
take the reminders, two `taskflow worker`s fire them, and one worker is killed (SIGKILL) in
the middle of a batch it has claimed but not committed. Every one of the 200 reminders gives
exactly one notification and one WebSocket event, and an email; the ones missed by ten
minutes say `late: true`.

Time is moved with the test clock file (TASKFLOW_TEST_CLOCK_FILE, docs/configuration.md) that
every process reads, never by sleeping; the workers are woken by queuing the scan job, as the
cron does once a minute. The kill is made to land mid-batch deterministically: the test holds
a row lock on the task of the 70th reminder, so the worker firing that batch (20 per
transaction) stops inside it, with 60 reminders committed, 20 claimed and 120 untouched.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from websockets.asyncio.client import ClientConnection, connect

import taskflow.jobs  # noqa: F401  (registers reminders.fire for the queue below)
from taskflow.core import clock
from taskflow.core.jobs.queue import RedisJobQueue
from tests.conftest import SmtpServer
from tests.servers import ServerProcess, run_server, run_worker

API = "/api/v1"
PASSWORD = "a long and unusual passphrase"
ON_TIME = 150
LATE = 50
BATCH = 20
LOCKED_POSITION = 69  # the 70th to fire: in the 4th batch, after 3 committed ones


async def _eventually(check: Callable[[], Awaitable[bool]], within: float, what: str) -> None:
    async with asyncio.timeout(within):
        while not await check():
            await asyncio.sleep(0.1)
    assert await check(), what


async def _wake_workers(redis_url: str, times: int = 1) -> None:
    """What the once-a-minute cron does: queue the scan."""
    queue = RedisJobQueue(redis_url)
    await queue.start()
    try:
        for _ in range(times):
            await queue.enqueue("reminders.fire")
    finally:
        await queue.stop()


async def _sign_up(http: httpx.AsyncClient, server: ServerProcess) -> str:
    response = await http.post(
        f"{server.url}{API}/auth/register",
        json={"email": "reminded@example.com", "username": "reminded", "password": PASSWORD},
    )
    assert response.status_code == 201, response.text
    tokens = await http.post(
        f"{server.url}{API}/auth/token", data={"username": "reminded", "password": PASSWORD}
    )
    assert tokens.status_code == 200, tokens.text
    token: str = tokens.json()["access_token"]
    return token


async def _reminder_events(websocket: ClientConnection, seen: list[int]) -> None:
    while True:
        message = json.loads(await websocket.recv())
        if message["type"] == "notification.created" and message["data"]["type"] == "reminder":
            seen.append(message["data"]["data"]["reminder_id"])


async def test_200_reminders_fire_exactly_once_with_a_worker_killed_mid_batch(
    postgres_url: str, redis_url: str, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    clock_file = tmp_path / "clock"
    settings = {
        "TASKFLOW_DATABASE_URL": postgres_url,
        "TASKFLOW_REDIS_URL": redis_url,
        "TASKFLOW_SMTP_HOST": smtp_server.host,
        "TASKFLOW_SMTP_PORT": str(smtp_server.port),
        "TASKFLOW_SMTP_TLS": "none",
        "TASKFLOW_TEST_CLOCK_FILE": str(clock_file),
        "TASKFLOW_REMINDER_BATCH_SIZE": str(BATCH),
        # The stopped worker waits on the lock as long as the test holds it.
        "TASKFLOW_DB_STATEMENT_TIMEOUT_MS": "600000",
    }
    # The minute they are due: tomorrow, so the real clock never reaches them by itself.
    due = (datetime.now(UTC) + timedelta(days=1)).replace(second=0, microsecond=0)
    database = await asyncpg.connect(postgres_url.replace("+asyncpg", ""))
    # Its own connection: pg_stat_activity is read once per transaction.
    locker = await asyncpg.connect(postgres_url.replace("+asyncpg", ""))
    try:
        with (
            run_server(tmp_path / "a", settings, live_timeout=240) as a,
            run_server(tmp_path / "b", settings, live_timeout=240) as b,
        ):
            async with httpx.AsyncClient(timeout=30) as http:
                token = await _sign_up(http, a)
                headers = {"Authorization": f"Bearer {token}"}
                project = await http.post(
                    f"{b.url}{API}/projects", json={"name": "Reminders"}, headers=headers
                )
                assert project.status_code == 201, project.text
                # Fifty missed by ten minutes (they fire first: oldest first), then 150
                # within the same minute, 200 ms apart; each on its own task.
                times = [due - timedelta(minutes=10) + timedelta(seconds=i) for i in range(LATE)]
                times += [due + timedelta(milliseconds=200 * i) for i in range(ON_TIME)]
                limit = asyncio.Semaphore(8)

                async def create(position: int, at: datetime) -> tuple[int, int]:
                    server = (a, b)[position % 2]
                    async with limit:
                        task = await http.post(
                            f"{server.url}{API}/tasks",
                            json={"title": f"R{position:03d}", "project_id": project.json()["id"]},
                            headers=headers,
                        )
                        assert task.status_code == 201, task.text
                        reminder = await http.post(
                            f"{server.url}{API}/tasks/{task.json()['id']}/reminders",
                            json={"remind_at": at.isoformat()},
                            headers=headers,
                        )
                        assert reminder.status_code == 201, reminder.text
                        return task.json()["id"], reminder.json()["id"]

                made = await asyncio.gather(*(create(i, at) for i, at in enumerate(times)))
            reminder_ids = [reminder_id for _, reminder_id in made]
            late_ids = set(reminder_ids[:LATE])
            locked_task = made[LOCKED_POSITION][0]

            websocket = await connect(f"{a.ws_url}")
            await websocket.send(json.dumps({"type": "auth", "token": token}))
            assert json.loads(await asyncio.wait_for(websocket.recv(), 5)) == {"type": "ready"}
            events: list[int] = []
            listening = asyncio.create_task(_reminder_events(websocket, events))

            async def fired() -> int:
                count: int = await database.fetchval(
                    "SELECT count(*) FROM notifications WHERE type = 'reminder'"
                )
                return count

            # The clock moves to 40 s into the minute and stays there (this machine may take
            # longer than a minute to fire them all): everything is due, only the missed late.
            clock.set_clock_file(clock_file, due + timedelta(seconds=40), frozen=True)
            lock = locker.transaction()
            await lock.start()
            await locker.execute("SELECT id FROM tasks WHERE id = $1 FOR UPDATE", locked_task)
            with run_worker(tmp_path / "w1", settings) as first:
                await _wake_workers(redis_url)

                async def stuck() -> bool:
                    waiting: int = await database.fetchval(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND datname = current_database() AND query LIKE 'INSERT INTO notif%'"
                    )
                    return waiting == 1

                await _eventually(stuck, 60, "the first worker stops on the locked task")
                before_the_kill = await fired()
                assert 0 < before_the_kill < LATE + ON_TIME
                with run_worker(tmp_path / "w2", settings):
                    # The second worker fires all the rest but the claimed batch (locked).
                    await _wake_workers(redis_url)

                    async def all_but_one_batch() -> bool:
                        return await fired() == LATE + ON_TIME - BATCH

                    await _eventually(all_but_one_batch, 60, "the second worker fires the rest")

                    async def mailed_all_but_one_batch() -> bool:
                        return len(_reminder_subjects(smtp_server)) == LATE + ON_TIME - BATCH

                    await _eventually(mailed_all_but_one_batch, 60, "their emails go out")
                    first.kill()  # SIGKILL, inside its transaction
                    first.wait()
                    await lock.rollback()  # the dead worker's batch rolls back

                    async def unclaimed() -> bool:
                        left: int = await database.fetchval(
                            "SELECT count(*) FROM reminders WHERE sent_at IS NULL"
                        )
                        return left == BATCH

                    await _eventually(unclaimed, 30, "the killed worker's claim is undone")
                    with run_worker(tmp_path / "w1-again", settings):
                        await _wake_workers(redis_url, times=2)

                        async def everything() -> bool:
                            return await fired() == LATE + ON_TIME

                        await _eventually(everything, 60, "the rest fire after the restart")

                        async def mailed() -> bool:
                            return len(_reminder_subjects(smtp_server)) == LATE + ON_TIME

                        await _eventually(mailed, 60, "every reminder is emailed")
                        await _wake_workers(redis_url, times=2)  # nothing left to fire
                        await asyncio.sleep(2)
            listening.cancel()
            await websocket.close()
    finally:
        await locker.close()
        await database.close()

    rows = await _notifications(postgres_url)
    assert sorted(Counter(row["reminder_id"] for row in rows).values()) == [1] * len(reminder_ids)
    assert {row["reminder_id"] for row in rows} == set(reminder_ids)
    assert {row["reminder_id"] for row in rows if row["late"]} == late_ids
    assert sorted(events) == sorted(reminder_ids)  # one event each, none twice
    # Every reminder is emailed, naming its task. Emails are at least once, not exactly once:
    # SAQ's sweep can run an email job a second time on an overloaded machine (docs/time.md).
    assert _reminder_subjects(smtp_server) == {
        f"Reminder: “R{position:03d}”" for position in range(LATE + ON_TIME)
    }
    assert {message["To"] for message in smtp_server.messages} == {"reminded@example.com"}


def _reminder_subjects(smtp_server: SmtpServer) -> set[str]:
    """The reminder emails received (the account's verification email aside), once each."""
    subjects = (str(message["Subject"]) for message in smtp_server.messages)
    return {subject for subject in subjects if subject.startswith("Reminder: ")}


async def _notifications(postgres_url: str) -> list[dict[str, Any]]:
    database = await asyncpg.connect(postgres_url.replace("+asyncpg", ""))
    try:
        rows = await database.fetch("SELECT data FROM notifications WHERE type = 'reminder'")
    finally:
        await database.close()
    return [json.loads(row["data"]) for row in rows]
