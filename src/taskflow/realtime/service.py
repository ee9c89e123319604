"""Queries the real-time layer needs: is a socket's session live, and what may it hear."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.auth.sessions import load_authenticated
from taskflow.core.unit_of_work import UnitOfWork
from taskflow.projects.permissions import CALLER_PROJECT_IDS


async def project_ids_for(session: AsyncSession, user_id: int) -> set[int]:
    """The projects whose events `user_id` may receive."""
    return set((await session.scalars(CALLER_PROJECT_IDS, {"user_id": user_id})).all())


async def session_is_live(uow: UnitOfWork, user_id: int, session_id: int) -> bool:
    """Whether the user is active and the session unrevoked and unexpired."""
    async with uow.begin(read_only=True) as session:
        return await load_authenticated(session, user_id, session_id) is not None


async def live_projects(uow: UnitOfWork, user_id: int, session_id: int) -> set[int] | None:
    """The projects the user of a live session may hear; None when the session has ended."""
    async with uow.begin(read_only=True) as session:
        if await load_authenticated(session, user_id, session_id) is None:
            return None
        return await project_ids_for(session, user_id)
