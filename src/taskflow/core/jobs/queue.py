"""Job queues: enqueue by name; SAQ on Redis, or asyncio tasks inside the app."""

from __future__ import annotations

import asyncio
import logging
import math
import random
import time
from typing import Any, Protocol

from saq import Queue

from taskflow.config import Settings
from taskflow.core import metrics
from taskflow.core.events import EventBus
from taskflow.core.jobs.registry import JobContext, JobSpec, get_job, periodic_jobs, redact
from taskflow.core.unit_of_work import UnitOfWork
from taskflow.db import Database

logger = logging.getLogger(__name__)

QUEUE_NAME = "taskflow"
MAX_RETRY_DELAY_SECONDS = 300.0


class JobQueue(Protocol):
    async def enqueue(
        self,
        job_name: str,
        /,
        *,
        key: str | None = None,
        delay_seconds: float = 0.0,
        **kwargs: Any,
    ) -> None:
        """Queue the job `job_name` with JSON keyword arguments; one `key` is one job;
        `delay_seconds`: not run before then."""

    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    async def drain(self) -> None:
        """Wait for the jobs this process runs itself (none on Redis, but its fallback's)."""


def saq_queue(redis_url: str) -> Queue:
    return Queue.from_url(redis_url, name=QUEUE_NAME)


class RedisJobQueue:
    """Enqueues into SAQ on Redis; `taskflow worker` processes run the jobs.

    When Redis cannot take a job (it is down), the job runs in this process instead, with the
    same retries: an email is delayed or sent from here, never dropped.
    """

    def __init__(self, redis_url: str, fallback: InProcessJobQueue | None = None) -> None:
        self._queue = saq_queue(redis_url)
        self._fallback = fallback

    async def enqueue(
        self,
        job_name: str,
        /,
        *,
        key: str | None = None,
        delay_seconds: float = 0.0,
        **kwargs: Any,
    ) -> None:
        spec = get_job(job_name)
        options: dict[str, Any] = {
            "retries": spec.retries + 1,  # SAQ counts attempts, we count retries
            "retry_delay": spec.retry_delay,
            "retry_backoff": MAX_RETRY_DELAY_SECONDS,
            "timeout": spec.timeout,
            "heartbeat": spec.timeout + 30,  # a killed worker's job is swept and retried
            "ttl": 86_400,
        }
        if key is not None:
            options["key"] = key  # the same key twice is one job
        if delay_seconds > 0:
            # SAQ keeps it in its schedule (in Redis) until then: it survives a restart.
            options["scheduled"] = math.ceil(time.time() + delay_seconds)
        try:
            # kwargs go as one field so an argument can never collide with a SAQ job option
            await self._queue.enqueue(job_name, kwargs=kwargs, **options)
        except Exception as error:
            if self._fallback is None:
                raise
            logger.warning("job %s not queued on Redis (%r): running it here", job_name, error)
            metrics.job_outcomes.labels(job_name, "fallback").inc()
            await self._fallback.enqueue(job_name, key=key, delay_seconds=delay_seconds, **kwargs)

    async def start(self) -> None:
        await self._queue.connect()

    async def drain(self) -> None:
        if self._fallback is not None:
            await self._fallback.drain()

    async def stop(self) -> None:
        if self._fallback is not None:
            await self._fallback.stop()
        try:
            await self._queue.disconnect()
        except Exception as error:  # Redis already gone: nothing left to close cleanly
            logger.warning("job queue disconnect failed: %r", error)


# How long stop() waits for the in-process jobs it cancels, in all; it cancels them again
# this many times within it.
STOP_GRACE_SECONDS = 2.0
_STOP_CANCELLATIONS = 3


class InProcessJobQueue:
    """No Redis: jobs run as asyncio tasks in this process, with the same retry policy.

    Jobs still queued when the process stops are lost; that is the documented price of
    running without Redis (a one-process install), and why production configures Redis.
    """

    def __init__(
        self, settings: Settings, database: Database, events: EventBus, *, run_periodic: bool = True
    ) -> None:
        self.context = JobContext(settings, UnitOfWork(database, events, self))
        self._tasks: set[asyncio.Task[None]] = set()
        self._keys: set[str] = set()
        self._run_periodic = run_periodic

    async def enqueue(
        self,
        job_name: str,
        /,
        *,
        key: str | None = None,
        delay_seconds: float = 0.0,
        **kwargs: Any,
    ) -> None:
        spec = get_job(job_name)
        if key is not None:
            if key in self._keys:
                return
            self._keys.add(key)
        run = self._run(spec, kwargs, key)
        if delay_seconds > 0:
            # Named apart from "job:" so that drain() does not wait out the delay.
            self._spawn(self._later(delay_seconds, run), f"delayed:{job_name}")
        else:
            self._spawn(run, f"job:{job_name}")

    async def start(self) -> None:
        if self._run_periodic:
            for periodic_job in periodic_jobs().values():
                self._spawn(self._every(periodic_job.name, periodic_job.every_seconds), "periodic")

    async def stop(self) -> None:
        """Cancel every job and wait for them, within STOP_GRACE_SECONDS: a client library can
        swallow a cancellation and go on waiting (aiosmtplib mid-DATA, seen in CI), so each
        job still running after a while is cancelled again, and one that outlives the grace
        period is abandoned (lost, as any job still queued at shutdown)."""
        pending = set(self._tasks)
        for _ in range(_STOP_CANCELLATIONS):
            if not pending:
                return
            for task in pending:
                task.cancel()
            # asyncio.wait raises nothing for the tasks' own endings, but a cancellation of
            # stop() itself still reaches its caller.
            _, pending = await asyncio.wait(
                pending, timeout=STOP_GRACE_SECONDS / _STOP_CANCELLATIONS
            )
        if pending:
            names = sorted(task.get_name() for task in pending)
            logger.warning("jobs abandoned at shutdown, still running: %s", ", ".join(names))

    async def drain(self) -> None:
        """Wait until every job enqueued so far has finished (tests, graceful shutdown)."""
        while pending := [t for t in self._tasks if t.get_name().startswith("job:")]:
            await asyncio.wait(pending)

    def _spawn(self, coroutine: Any, name: str) -> None:
        task: asyncio.Task[None] = asyncio.create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _later(self, delay_seconds: float, run: Any) -> None:
        try:
            await asyncio.sleep(delay_seconds)
        except asyncio.CancelledError:
            run.close()
            raise
        await run

    async def _every(self, name: str, seconds: int) -> None:
        spec = get_job(name)
        while True:
            await asyncio.sleep(seconds)
            await self._run(spec, {}, None)

    async def _run(self, spec: JobSpec, kwargs: dict[str, Any], key: str | None) -> None:
        try:
            for attempt in range(spec.retries + 1):
                try:
                    async with asyncio.timeout(spec.timeout):
                        await spec.function(self.context, **kwargs)
                except asyncio.CancelledError:
                    raise
                except Exception as error:
                    if _cancelling():
                        # The cancellation (stop()) was swallowed by the job's library: in
                        # Python 3.11, asyncio.wait_for drops it when the awaited call fails at
                        # the same moment. Retrying would keep stop() waiting for the backoff.
                        raise asyncio.CancelledError from error
                    if attempt == spec.retries:
                        give_up(spec, kwargs, error)
                        return
                    delay = retry_delay(spec, attempt)
                    logger.warning(
                        "job %s failed (attempt %d), retrying in %.1fs: %r",
                        spec.name,
                        attempt + 1,
                        delay,
                        error,
                    )
                    metrics.job_outcomes.labels(spec.name, "retried").inc()
                    await asyncio.sleep(delay)
                else:
                    metrics.job_outcomes.labels(spec.name, "succeeded").inc()
                    return
        finally:
            if key is not None:
                self._keys.discard(key)


def create_job_queue(settings: Settings, database: Database, events: EventBus) -> JobQueue:
    """SAQ on Redis when configured (run by `taskflow worker`), else inside this process."""
    if settings.redis_url:
        # Periodic jobs belong to the workers then; the fallback only runs what Redis refused.
        fallback = InProcessJobQueue(settings, database, events, run_periodic=False)
        return RedisJobQueue(settings.redis_url, fallback)
    return InProcessJobQueue(settings, database, events)


def _cancelling() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


def retry_delay(spec: JobSpec, attempt: int) -> float:
    """The wait after failed attempt `attempt` (0-based): exponential, capped, ±20 % jitter.

    The jitter spreads retries of many jobs apart without changing how long a job keeps
    trying in all: a job's schedule (docs/realtime.md) holds within ±20 %. Both runners use
    it: in-process below, and SAQ through the worker (core/jobs/worker.py).
    """
    base = min(spec.retry_delay * (2**attempt), MAX_RETRY_DELAY_SECONDS)
    return float(base * random.uniform(0.8, 1.2))  # noqa: S311  (jitter, not crypto)


def give_up(spec: JobSpec, kwargs: dict[str, Any], error: BaseException) -> None:
    metrics.job_outcomes.labels(spec.name, "failed").inc()
    logger.error(
        "job %s gave up after %d attempts: %r",
        spec.name,
        spec.retries + 1,
        error,
        extra={"job": spec.name, "job_arguments": redact(spec, kwargs)},
    )
