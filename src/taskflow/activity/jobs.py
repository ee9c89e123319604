"""Periodic clean-up of the activity log past its retention."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import delete

from taskflow.activity.models import Activity
from taskflow.core.jobs.registry import JobContext, job, periodic
from taskflow.db import utcnow

logger = logging.getLogger(__name__)


@job("activity.cleanup", retries=3, retry_delay=30.0, timeout=600)
async def cleanup_activity(context: JobContext) -> None:
    """Delete activity older than TASKFLOW_ACTIVITY_RETENTION_DAYS."""
    cutoff = utcnow() - timedelta(days=context.settings.activity_retention_days)
    async with context.uow.begin() as session:
        result = await session.execute(delete(Activity).where(Activity.created_at < cutoff))
    logger.info("activity clean-up: %d entries older than %s removed", result.rowcount, cutoff)  # type: ignore[attr-defined]


periodic("activity.cleanup", cron="37 3 * * *", every_seconds=86_400)
