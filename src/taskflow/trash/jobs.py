"""The retention job: what has been in the trash longer than TASKFLOW_TRASH_RETENTION_DAYS
goes for good, in batches, each its own short transaction, so writers never wait long."""

from __future__ import annotations

import logging
from datetime import timedelta

from taskflow.core.jobs.registry import JobContext, job, periodic
from taskflow.db import utcnow
from taskflow.projects.trash import purge_projects_trashed_before
from taskflow.tasks.trash import purge_trashed_before

logger = logging.getLogger(__name__)

# Rows per transaction: a batch of tasks holds its locks for a few milliseconds.
TASK_BATCH = 500
# A project's deletion cascades to all its content: fewer per transaction.
PROJECT_BATCH = 5


@job("trash.purge", retries=3, retry_delay=60.0, timeout=3600)
async def purge_trash(context: JobContext) -> None:
    """Delete what was trashed before the retention's cutoff, batch by batch."""
    cutoff = utcnow() - timedelta(days=context.settings.trash_retention_days)
    removed = 0
    while True:
        async with context.uow.begin() as session:
            count = await purge_trashed_before(session, cutoff, batch=TASK_BATCH)
        removed += count
        if count == 0:
            break
    while True:
        async with context.uow.begin() as session:
            count = await purge_projects_trashed_before(session, cutoff, batch=PROJECT_BATCH)
        removed += count
        if count == 0:
            break
    logger.info("trash purge: %d items trashed before %s removed", removed, cutoff)


periodic("trash.purge", cron="17 * * * *", every_seconds=3600)
