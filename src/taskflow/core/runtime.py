"""What one process runs with: settings, database, Redis, event bus, job queue and the unit of
work over them. The app's lifespan, the job worker and the CLI build it the same way, so a
service behaves alike whoever calls it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from redis.asyncio import Redis

from taskflow.config import Settings
from taskflow.core import clock
from taskflow.core.events import EventBus, create_event_bus
from taskflow.core.jobs.queue import JobQueue, RedisJobQueue, create_job_queue
from taskflow.core.redis import create_redis
from taskflow.core.unit_of_work import UnitOfWork
from taskflow.db import Database

logger = logging.getLogger(__name__)

# How long a CLI command waits, before it exits, for the jobs it started in-process (no
# Redis): an email it queued is sent rather than lost.
CLI_DRAIN_SECONDS = 30.0


@dataclass(slots=True)
class Runtime:
    settings: Settings
    database: Database
    redis: Redis | None
    events: EventBus
    jobs: JobQueue
    uow: UnitOfWork

    async def start(self, *, listen: bool = True) -> None:
        """`listen`: hear the events other processes publish (only the app's hub needs to)."""
        if listen:
            await self.events.start()
        await self.jobs.start()

    async def stop(self) -> None:
        await self.jobs.stop()
        await self.events.stop()
        if self.redis is not None:
            await self.redis.aclose()
        await self.database.dispose()


def build_runtime(settings: Settings, *, worker: bool = False) -> Runtime:
    """The runtime of an app process, or (`worker`) of `taskflow worker`: its jobs are run by
    SAQ, and what they queue goes to Redis (in this process only if Redis refuses it)."""
    clock.use_clock_file(settings.test_clock_file)
    database = Database(settings)
    redis = create_redis(settings.redis_url) if settings.redis_url else None
    events = create_event_bus(redis)
    jobs = (
        RedisJobQueue(settings.redis_url)
        if worker and settings.redis_url
        else create_job_queue(settings, database, events)
    )
    return Runtime(settings, database, redis, events, jobs, UnitOfWork(database, events, jobs))


@asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[Runtime]:
    """A runtime for one CLI command: started, then drained of its in-process jobs and stopped."""
    runtime = build_runtime(settings)
    await runtime.start(listen=False)
    try:
        yield runtime
        try:
            await asyncio.wait_for(runtime.jobs.drain(), CLI_DRAIN_SECONDS)
        except TimeoutError:
            logger.warning("jobs still running after %ss are abandoned", CLI_DRAIN_SECONDS)
    finally:
        await runtime.stop()
