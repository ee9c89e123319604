"""Queries the real-time layer needs."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.projects.permissions import CALLER_PROJECT_IDS


async def project_ids_for(session: AsyncSession, user_id: int) -> set[int]:
    """The projects whose events `user_id` may receive."""
    return set((await session.scalars(CALLER_PROJECT_IDS, {"user_id": user_id})).all())
