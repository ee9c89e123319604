"""Fixtures: API tests run on SQLite, and on PostgreSQL when TASKFLOW_TEST_DATABASE_URL is set.

Isolation: each SQLite test gets its own database file (a copy of a template built once);
PostgreSQL tests share one schema built once per run and every table is emptied after each
test. Redis tests use TASKFLOW_TEST_REDIS_URL (a database number of its own) and flush it
before each test.

Under pytest-xdist (`make test` runs two processes), each process gets its own PostgreSQL
database (`<name>_gw0`, created and dropped here) and its own Redis database number (the
given number minus the worker's index), so processes never see each other's data.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import shutil
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import uvicorn
from aiosmtpd.controller import Controller
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.engine import make_url

import taskflow.models  # noqa: F401  (every table on Base.metadata)
from taskflow.config import Settings
from taskflow.db import Base, create_engine
from taskflow.main import create_app

# The developer's own TaskFlow settings must not leak into tests.
for _name in list(os.environ):
    if (_name.startswith("TASKFLOW_") and not _name.startswith("TASKFLOW_TEST_")) or _name in {
        "DATABASE_URL",
        "REDIS_URL",
    }:
        del os.environ[_name]

POSTGRES_URL = os.environ.get("TASKFLOW_TEST_DATABASE_URL") or None
_BASE_REDIS_URL = os.environ.get("TASKFLOW_TEST_REDIS_URL") or None
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
_WORKER_INDEX = int(XDIST_WORKER.removeprefix("gw") or 0)


def _worker_redis_url(url: str | None) -> str | None:
    """redis://host:port/N -> redis://host:port/(N - xdist worker index)."""
    if url is None or not XDIST_WORKER:
        return url
    base, _, number = url.rpartition("/")
    if not number.isdigit() or base.endswith("/"):
        return url
    return f"{base}/{int(number) - _WORKER_INDEX}"


REDIS_URL = _worker_redis_url(_BASE_REDIS_URL)
# CI sets this: a skipped PostgreSQL or Redis test is then a failure, not a silent gap.
REQUIRE_SERVICES = os.environ.get("TASKFLOW_TEST_REQUIRE_SERVICES") == "1"

TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"


def _skip_or_fail(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (TASKFLOW_TEST_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


@pytest.fixture(
    scope="session",
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend a test runs on."""
    if request.param == "postgresql" and POSTGRES_URL is None:
        _skip_or_fail("TASKFLOW_TEST_DATABASE_URL is not set")
    return str(request.param)


@pytest.fixture(scope="session")
async def postgres_schema() -> AsyncIterator[str | None]:
    """Builds the schema once per run on the throwaway PostgreSQL database (one per worker)."""
    if POSTGRES_URL is None:
        yield None
        return
    url = POSTGRES_URL
    if XDIST_WORKER:
        url = await _create_worker_database(POSTGRES_URL, XDIST_WORKER)
    engine = create_engine(_settings(Path("/tmp"), url), url)
    async with engine.begin() as connection:
        await connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        await connection.run_sync(Base.metadata.drop_all)
        await connection.run_sync(Base.metadata.create_all)
    await engine.dispose()
    yield url
    if XDIST_WORKER:
        await _drop_database(POSTGRES_URL, url)


async def _create_worker_database(base_url: str, worker: str) -> str:
    parsed = make_url(base_url)
    name = f"{parsed.database}_{worker}"
    admin = await asyncpg.connect(parsed.set(drivername="postgresql").render_as_string(False))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return parsed.set(database=name).render_as_string(False)


async def _drop_database(base_url: str, url: str) -> None:
    name = make_url(url).database
    admin = await asyncpg.connect(
        make_url(base_url).set(drivername="postgresql").render_as_string(False)
    )
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(scope="session")
async def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file with the schema, built once; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    url = f"sqlite:///{path}"
    engine = create_engine(_settings(path.parent, url), url)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
        await connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    await engine.dispose()
    return path


@pytest.fixture
async def database_url(
    backend: str, tmp_path: Path, sqlite_template: Path, postgres_schema: str | None
) -> AsyncIterator[str]:
    if backend == "sqlite":
        shutil.copyfile(sqlite_template, tmp_path / "test.db")
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    assert postgres_schema is not None
    yield postgres_schema
    await empty_postgres(postgres_schema)


@pytest.fixture
async def postgres_url(postgres_schema: str | None) -> AsyncIterator[str]:
    """The test PostgreSQL database alone (tests that only make sense there: several processes)."""
    if postgres_schema is None:
        _skip_or_fail("TASKFLOW_TEST_DATABASE_URL is not set")
    assert postgres_schema is not None
    yield postgres_schema
    await empty_postgres(postgres_schema)


async def empty_postgres(url: str) -> None:
    """Delete every row. DELETE beats TRUNCATE on tables this small (TRUNCATE rewrites files)."""
    engine = create_engine(_settings(Path("/tmp"), url), url)
    async with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            await connection.execute(table.delete())
    await engine.dispose()


def _settings(data_dir: Path, database_url: str, **overrides: object) -> Settings:
    values: dict[str, Any] = {
        "env": "test",
        "data_dir": data_dir,
        "database_url": database_url,
        "secret_key": TEST_SECRET,
        **overrides,
    }
    return Settings(_env_file=None, **values)


@pytest.fixture
def settings_overrides() -> dict[str, object]:
    """Override in a test module (or parametrize) to change settings for the app under test."""
    return {}


@pytest.fixture
def settings(database_url: str, tmp_path: Path, settings_overrides: dict[str, object]) -> Settings:
    return _settings(tmp_path, database_url, **settings_overrides)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with LifespanManager(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[AsyncClient]:
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as http:
        yield http


@pytest.fixture
async def redis_url() -> str:
    """A clean Redis database for the test."""
    if REDIS_URL is None:
        _skip_or_fail("TASKFLOW_TEST_REDIS_URL is not set")
    assert REDIS_URL is not None
    client = Redis.from_url(REDIS_URL)
    await client.flushdb()
    await client.aclose()
    return REDIS_URL


@dataclass
class SmtpServer:
    """A real SMTP server in this process; `messages` holds what it received, parsed."""

    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    _controller: Controller | None = None

    def start(self) -> None:
        """Listen (again) on `port`."""
        self._controller = Controller(_Collector(self), hostname=self.host, port=self.port)
        self._controller.start()

    def stop(self) -> None:
        """Stop listening: connections to `port` are refused until `start()`."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def settings(self) -> dict[str, object]:
        """Settings overrides that send the app's mail here."""
        return {"smtp_host": self.host, "smtp_port": self.port, "smtp_tls": "none"}

    async def wait_for(self, count: int = 1, within_seconds: float = 5.0) -> list[EmailMessage]:
        """The first `count` messages, once that many have arrived."""
        async with asyncio.timeout(within_seconds):
            # The server runs in its own thread and loop: polling is the simple bridge.
            while len(self.messages) < count:
                await asyncio.sleep(0.01)
        return self.messages[:count]


class _Collector:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.server.messages.append(message)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """An in-process SMTP server; pass `smtp_server.settings` into `settings_overrides`."""
    server = SmtpServer(host="127.0.0.1", port=_free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def ws_url(app: FastAPI) -> AsyncIterator[str]:
    """`ws://127.0.0.1:<port>/api/v1/ws` served by uvicorn in this process.

    The app's lifespan already ran (the `app` fixture), so uvicorn must not run it again.
    """
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_config=None)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    async with asyncio.timeout(10):
        while not server.started:
            await asyncio.sleep(0.01)
    yield f"ws://127.0.0.1:{port}/api/v1/ws"
    server.should_exit = True
    await task


@pytest.fixture(scope="session", autouse=True)
async def _end_leftover_tasks() -> AsyncIterator[None]:
    """End every task still pending when the session's loop is about to close.

    asyncio's loop close cancels each leftover task once and waits for all of them. One kind
    can outlive a single cancel: SQLAlchemy's graceful close of an aiosqlite connection
    the garbage collector found (`_terminate_graceful_close`), whose `aiosqlite.close()`
    awaits its thread's stop again in a `finally` (aiosqlite 0.22); when that thread is
    already gone the wait never ends, and `make test` on SQLite hung at the very end
    (seen 2026-12-02 on a fresh clone). Cancelling again interrupts that second wait."""
    yield
    current = asyncio.current_task()
    for _ in range(20):
        left = [task for task in asyncio.all_tasks() if task is not current and not task.done()]
        if not left:
            return
        for task in left:
            task.cancel()
        await asyncio.wait(left, timeout=0.5)
