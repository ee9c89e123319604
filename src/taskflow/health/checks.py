"""Whether the database and Redis answer, within a short timeout: for /health/ready."""

from __future__ import annotations

import asyncio
import logging

from redis.asyncio import Redis
from sqlalchemy import text

from taskflow.db import Database

logger = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 2.0


async def database_answers(database: Database) -> bool:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS), database.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as error:  # any failure means "not ready"; the reason goes to the log
        logger.warning("readiness: database check failed: %r", error)
        return False
    return True


async def redis_answers(client: Redis) -> bool:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
            # redis-py types ping() as sync-or-async; on the asyncio client it is async
            await client.ping()  # type: ignore[misc]
    except Exception as error:
        logger.warning("readiness: redis check failed: %r", error)
        return False
    return True
