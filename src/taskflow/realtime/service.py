"""Queries the real-time layer needs."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.projects.permissions import member_project_ids


async def project_ids_for(session: AsyncSession, user_id: int) -> set[int]:
    """The projects whose events `user_id` may receive."""
    return set((await session.scalars(member_project_ids(user_id))).all())
