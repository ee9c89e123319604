"""The reminder scan: every minute in the worker (SAQ cron), every 15 s in-process without
Redis. Each run fires what is due, batch by batch, each batch its own transaction
(tasks/reminders.py decides, in the database, who fires what)."""

from __future__ import annotations

import logging

from taskflow.core import clock
from taskflow.core.jobs.registry import JobContext, job, periodic
from taskflow.tasks.reminders import fire_due

logger = logging.getLogger(__name__)


@job("reminders.fire", retries=3, retry_delay=5.0, timeout=300)
async def fire_reminders(context: JobContext) -> None:
    """Fire every due reminder."""
    fired = 0
    batch = context.settings.reminder_batch_size
    while True:
        async with context.uow.begin() as session:
            claimed = await fire_due(session, clock.now(), limit=batch)
        fired += claimed
        # Fewer than a batch can mean another worker holds the rest (SKIP LOCKED): stop only
        # when nothing was left to claim.
        if claimed == 0:
            break
    if fired:
        logger.info("reminders fired: %d", fired)


periodic("reminders.fire", cron="* * * * *", every_seconds=15)
