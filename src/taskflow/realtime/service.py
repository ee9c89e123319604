"""Queries the real-time layer needs: is a socket's session live, and what may it hear."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.auth import api_tokens
from taskflow.auth.sessions import load_authenticated
from taskflow.core.security import AccessClaims
from taskflow.core.unit_of_work import UnitOfWork
from taskflow.projects.permissions import CALLER_PROJECT_IDS


async def project_ids_for(session: AsyncSession, user_id: int) -> set[int]:
    """The projects whose events `user_id` may receive."""
    return set((await session.scalars(CALLER_PROJECT_IDS, {"user_id": user_id})).all())


async def session_is_live(uow: UnitOfWork, claims: AccessClaims) -> bool:
    """Whether the token's user is active and its session unrevoked, unexpired and not newer
    than the token."""
    async with uow.begin(read_only=True) as session:
        return await _authenticated(session, claims)


async def live_projects(uow: UnitOfWork, claims: AccessClaims) -> set[int] | None:
    """The projects the token's user may hear; None when its session has ended."""
    async with uow.begin(read_only=True) as session:
        if not await _authenticated(session, claims):
            return None
        return await project_ids_for(session, claims.user_id)


# A socket opened with a non-expiring API token is re-checked like any other, never expired.
NEVER = datetime.max.replace(tzinfo=UTC)


async def api_token_claims(uow: UnitOfWork, token: str) -> AccessClaims | None:
    """A personal API token as the claims a socket keeps: its user, `session_id` the token's
    negative id (how the hub tells its sockets apart), and its expiry."""
    async with uow.begin(read_only=True) as session:
        found = await api_tokens.authenticate(session, token)
    if found is None:
        return None
    user, grant = found
    return AccessClaims(
        user_id=user.id,
        session_id=grant.socket_session_id,
        expires_at=grant.expires_at or NEVER,
        issued_at=grant.created_at,
    )


async def _authenticated(session: AsyncSession, claims: AccessClaims) -> bool:
    token_id = api_tokens.token_id_of_socket_session(claims.session_id)
    if token_id is not None:
        return await api_tokens.is_live(session, claims.user_id, token_id)
    user = await load_authenticated(
        session, claims.user_id, claims.session_id, issued_at=claims.issued_at
    )
    return user is not None
