"""Authentication rules and queries: sessions, refresh rotation, one-time tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.auth.models import AuthSession, RefreshToken
from taskflow.config import Settings
from taskflow.core.security import create_access_token, new_opaque_token, token_digest
from taskflow.db import utcnow
from taskflow.users.models import User


async def load_authenticated(
    session: AsyncSession, user_id: int, session_id: int
) -> tuple[User, AuthSession] | None:
    """The active user and live session an access token names, in one query; else None."""
    row = (
        await session.execute(
            select(User, AuthSession)
            .join(AuthSession, AuthSession.user_id == User.id)
            .where(
                User.id == user_id,
                AuthSession.id == session_id,
                AuthSession.revoked_at.is_(None),
                AuthSession.expires_at > utcnow(),
                User.is_active.is_(True),
            )
        )
    ).first()
    if row is None:
        return None
    return row[0], row[1]


@dataclass(frozen=True, slots=True)
class IssuedTokens:
    """What a login or refresh hands out."""

    access_token: str
    refresh_token: str
    expires_in: int
    session_id: int


async def start_session(
    session: AsyncSession,
    settings: Settings,
    user: User,
    *,
    user_agent: str = "",
    ip: str = "",
) -> IssuedTokens:
    """A new login: a session (refresh-token family), its first refresh token, an access token."""
    now = utcnow()
    auth_session = AuthSession(
        user_id=user.id,
        created_at=now,
        last_used_at=now,
        expires_at=now + timedelta(days=settings.refresh_token_expire_days),
        user_agent=user_agent[:500],
        ip=ip[:64],
    )
    session.add(auth_session)
    await session.flush()
    return await _issue(session, settings, user.id, auth_session.id)


async def _issue(
    session: AsyncSession, settings: Settings, user_id: int, session_id: int
) -> IssuedTokens:
    refresh_token = new_opaque_token()
    session.add(RefreshToken(session_id=session_id, token_hash=token_digest(refresh_token)))
    await session.flush()
    access_token, expires_in = create_access_token(
        settings.signing_key(),
        user_id=user_id,
        session_id=session_id,
        lifetime=timedelta(minutes=settings.access_token_expire_minutes),
    )
    return IssuedTokens(access_token, refresh_token, expires_in, session_id)
