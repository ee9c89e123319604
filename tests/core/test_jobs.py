"""Job queues: in-process retries and backoff; SAQ on Redis through a real worker loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from saq import Job

from taskflow.config import Settings
from taskflow.core.events import InProcessEventBus
from taskflow.core.jobs import registry
from taskflow.core.jobs.queue import (
    MAX_RETRY_DELAY_SECONDS,
    STOP_GRACE_SECONDS,
    InProcessJobQueue,
    RedisJobQueue,
    create_job_queue,
    retry_delay,
)
from taskflow.core.jobs.registry import JobContext, job
from taskflow.core.worker import _saq_function, build_worker
from taskflow.db import Database

calls: list[tuple[str, dict[str, object]]] = []
failures_left: dict[str, int] = {}


@job("test.record", retries=3, retry_delay=0.01, secret_arguments=frozenset({"secret"}))
async def record(context: JobContext, **kwargs: object) -> None:
    name = str(kwargs["name"])
    if failures_left.get(name, 0) > 0:
        failures_left[name] -= 1
        raise ConnectionError("flaky dependency")
    assert isinstance(context.database, Database)
    calls.append((name, kwargs))


started = asyncio.Event()


@job("test.swallows_cancel", retries=5, retry_delay=30.0)
async def swallows_cancel(context: JobContext) -> None:
    """Like a client library that turns a cancellation into its own error (asyncio.wait_for
    in Python 3.11 does, when the call it waits on fails at the same moment)."""
    started.set()
    try:
        await asyncio.sleep(3600)
    except asyncio.CancelledError:
        raise ConnectionError("connect call failed") from None


@job("test.ignores_cancel", retries=1, retry_delay=1.0)
async def ignores_cancel(context: JobContext) -> None:
    """Like a client whose cancellation was swallowed mid-conversation (aiosmtplib waiting for
    the server's reply to DATA): it goes on waiting, here until cancelled a second time."""
    started.set()
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.sleep(3600)
    await asyncio.sleep(3600)


@pytest.fixture(autouse=True)
def _reset() -> None:
    started.clear()
    calls.clear()
    failures_left.clear()


@pytest.fixture
async def database(settings: Settings) -> AsyncIterator[Database]:
    db = Database(settings)
    yield db
    await db.dispose()


async def test_without_redis_jobs_run_in_process(settings: Settings, database: Database) -> None:
    queue = create_job_queue(settings, database, InProcessEventBus())
    assert isinstance(queue, InProcessJobQueue)
    await queue.enqueue("test.record", name="a", value=1)
    await queue.drain()
    assert calls == [("a", {"name": "a", "value": 1})]


async def test_in_process_job_retries_until_it_succeeds(
    settings: Settings, database: Database
) -> None:
    queue = InProcessJobQueue(settings, database, InProcessEventBus(), run_periodic=False)
    failures_left["b"] = 2
    await queue.enqueue("test.record", name="b")
    await queue.drain()
    assert [name for name, _ in calls] == ["b"]


async def test_in_process_job_that_gives_up_is_logged_without_secrets(
    settings: Settings, database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    queue = InProcessJobQueue(settings, database, InProcessEventBus(), run_periodic=False)
    failures_left["c"] = 10
    with caplog.at_level(logging.ERROR):
        await queue.enqueue("test.record", name="c", secret="reset-token-123")
        await queue.drain()
    assert calls == []
    gave_up = [r for r in caplog.records if "gave up" in r.getMessage()]
    assert len(gave_up) == 1
    assert gave_up[0].job_arguments == {"name": "c", "secret": "<redacted>"}  # type: ignore[attr-defined]
    assert "reset-token-123" not in caplog.text


async def test_stop_ends_a_job_whose_library_swallowed_the_cancellation(
    settings: Settings, database: Database
) -> None:
    """Before: the job took the swallowed cancellation for a failure and slept 15-30 s before
    its retry, and stop() waited for it (app shutdowns timed out)."""
    queue = InProcessJobQueue(settings, database, InProcessEventBus(), run_periodic=False)
    await queue.enqueue("test.swallows_cancel")
    await asyncio.wait_for(started.wait(), 5)
    await asyncio.wait_for(queue.stop(), 2)


async def test_stop_is_bounded_for_a_job_that_ignores_its_cancellation(
    settings: Settings, database: Database
) -> None:
    """Seen in CI: an email job went on waiting after stop() cancelled it, and the app's
    shutdown (5 s in the tests) timed out. stop() cancels again, and gives up after its
    grace period: a job still running at shutdown is lost, as documented."""
    queue = InProcessJobQueue(settings, database, InProcessEventBus(), run_periodic=False)
    await queue.enqueue("test.ignores_cancel")
    await asyncio.wait_for(started.wait(), 5)
    await asyncio.wait_for(queue.stop(), 2 * STOP_GRACE_SECONDS)


async def test_same_key_twice_is_one_job(settings: Settings, database: Database) -> None:
    queue = InProcessJobQueue(settings, database, InProcessEventBus(), run_periodic=False)
    await queue.enqueue("test.record", key="once", name="d")
    await queue.enqueue("test.record", key="once", name="d")
    await queue.drain()
    assert len(calls) == 1


async def test_unknown_job_is_refused(settings: Settings, database: Database) -> None:
    queue = InProcessJobQueue(settings, database, InProcessEventBus(), run_periodic=False)
    with pytest.raises(LookupError):
        await queue.enqueue("no.such.job")


async def test_redis_queue_runs_jobs_in_a_worker_with_retries(
    settings: Settings, redis_url: str, tmp_path: Path
) -> None:
    redis_settings = settings.model_copy(update={"redis_url": redis_url})
    queue = RedisJobQueue(redis_url)
    await queue.start()
    worker = build_worker(redis_settings, concurrency=2)
    worker.SIGNALS = []  # the test loop owns signals
    running = asyncio.create_task(worker.start())
    try:
        failures_left["e"] = 1
        await queue.enqueue("test.record", name="e")
        await queue.enqueue("test.record", name="f")
        async with asyncio.timeout(20):
            while sorted(name for name, _ in calls) != ["e", "f"]:
                await asyncio.sleep(0.05)
    finally:
        await worker.stop()
        running.cancel()
        await queue.stop()
    assert sorted(name for name, _ in calls) == ["e", "f"]


def test_every_registered_job_has_a_sane_policy() -> None:
    for spec in registry.registered_jobs().values():
        assert spec.retries >= 1
        assert spec.timeout > 0


def test_email_retries_span_about_an_hour() -> None:
    spec = registry.get_job("email.send")
    nominal = [min(spec.retry_delay * 2**attempt, MAX_RETRY_DELAY_SECONDS) for attempt in range(18)]
    assert spec.retries == 18
    assert nominal[0] == 2.0  # a passing glitch is retried at once
    assert sum(nominal) == 3510.0  # 58.5 minutes (docs/realtime.md, docs/reliability.md)
    rng_state = random.getstate()
    try:
        for seed in range(200):
            random.seed(seed)
            delays = [retry_delay(spec, attempt) for attempt in range(spec.retries)]
            assert 0.8 * 3510 <= sum(delays) <= 1.2 * 3510
            assert max(delays) <= 1.2 * MAX_RETRY_DELAY_SECONDS
    finally:
        random.setstate(rng_state)


async def test_saq_worker_retries_on_the_in_process_schedule() -> None:
    spec = registry.get_job("test.record")
    failures_left["saq"] = 1
    saq_job = Job(function="test.record", attempts=3, retry_backoff=True)
    run = _saq_function(spec)
    with pytest.raises(ConnectionError):
        await run({"taskflow": None, "job": saq_job}, name="saq")
    # the third attempt failed: the wait is retry_delay(spec, 2), 0.04 s ± 20 %, not SAQ's 0..x
    assert saq_job.retry_backoff is False
    assert 0.8 * 0.04 <= saq_job.next_retry_delay() <= 1.2 * 0.04


async def test_a_job_redis_refuses_runs_in_process(settings: Settings, database: Database) -> None:
    fallback = InProcessJobQueue(settings, database, InProcessEventBus(), run_periodic=False)
    queue = RedisJobQueue("redis://127.0.0.1:1/0", fallback)  # nothing listens on port 1
    try:
        await queue.enqueue("test.record", name="refused")
        await fallback.drain()
    finally:
        await queue.stop()
    assert [name for name, _ in calls] == ["refused"]
