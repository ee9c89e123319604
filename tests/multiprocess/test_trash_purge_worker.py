"""The trash's retention job in a real `taskflow worker` process (PostgreSQL + Redis): what
was trashed before the cutoff goes for good, in batches; what is recent or live stays."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update

from taskflow.config import Settings
from taskflow.core.jobs.queue import RedisJobQueue
from taskflow.db import create_engine, utcnow
from taskflow.tasks.models import Task
from tests.conftest import TEST_SECRET
from tests.servers import ServerProcess, run_server, run_worker

API = "/api/v1"
PASSWORD = "a long and unusual passphrase"


@pytest.fixture
def server(postgres_url: str, redis_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    settings = {
        "TASKFLOW_DATABASE_URL": postgres_url,
        "TASKFLOW_REDIS_URL": redis_url,
        "TASKFLOW_TRASH_RETENTION_DAYS": "7",
    }
    with run_server(tmp_path / "app", settings) as app, run_worker(tmp_path / "worker", settings):
        yield app


async def test_the_worker_purges_what_is_past_retention_only(
    server: ServerProcess, postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    async with httpx.AsyncClient(timeout=10, base_url=f"{server.url}{API}") as http:
        registered = await http.post(
            "/auth/register",
            json={"email": "p@example.com", "username": "purger", "password": PASSWORD},
        )
        assert registered.status_code == 201, registered.text
        token = await http.post("/auth/token", data={"username": "purger", "password": PASSWORD})
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        ids = {}
        for title in ("old", "recent", "live"):
            created = await http.post("/tasks", json={"title": title}, headers=headers)
            ids[title] = created.json()["id"]
        child = {"title": "old child", "parent_id": ids["old"]}
        assert (await http.post("/tasks", json=child, headers=headers)).status_code == 201
        for title in ("old", "recent"):
            assert (await http.delete(f"/tasks/{ids[title]}", headers=headers)).status_code == 204

        settings = Settings(
            _env_file=None,
            env="test",
            data_dir=tmp_path,
            database_url=postgres_url,
            secret_key=TEST_SECRET,
        )
        engine = create_engine(settings, postgres_url)
        try:
            async with engine.begin() as connection:
                await connection.execute(
                    update(Task)
                    .where(Task.trashed_with == ids["old"])
                    .values(deleted_at=utcnow() - timedelta(days=8))
                )
            queue = RedisJobQueue(redis_url)
            await queue.start()
            try:
                await queue.enqueue("trash.purge")
            finally:
                await queue.stop()
            async with asyncio.timeout(30):
                while True:
                    async with engine.connect() as connection:
                        titles = set((await connection.scalars(select(Task.title))).all())
                    if "old" not in titles:
                        break
                    await asyncio.sleep(0.2)
        finally:
            await engine.dispose()
        assert titles == {"recent", "live"}
        trash = (await http.get("/trash", headers=headers)).json()
        assert [item["title"] for item in trash["items"]] == ["recent"]
