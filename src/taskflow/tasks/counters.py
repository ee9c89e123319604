"""Counters on tasks that other domains keep in step: atomic increments, exact under
concurrency (the attachments service calls these; tasks own the column)."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.tasks.models import Task


async def add_attachments(session: AsyncSession, task_id: int, delta: int) -> None:
    await session.execute(
        update(Task)
        .where(Task.id == task_id)
        .values(attachment_count=Task.attachment_count + delta)
        .execution_options(synchronize_session=False)
    )
