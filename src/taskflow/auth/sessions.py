"""Sessions (refresh-token families): start, check, rotate, list and end them.

The `auth_sessions` and `refresh_tokens` tables are written here and nowhere else: other
domains end a user's sessions through `revoke_all_sessions`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.auth.models import AuthSession, RefreshToken
from taskflow.config import Settings
from taskflow.core.errors import NotFound, Unauthorized
from taskflow.core.events import announce_sessions_ended
from taskflow.core.security import create_access_token, new_opaque_token, token_digest
from taskflow.core.unit_of_work import commit_regardless
from taskflow.db import utcnow
from taskflow.db.driver import is_autocommit_read, read_rows
from taskflow.db.reads import Reader
from taskflow.users.models import User

# Security events (ASVS V16): who, from where, what happened. Never a password or a token.
logger = logging.getLogger("taskflow.security")

INVALID_REFRESH = "Invalid or expired refresh token"
# A JWT's `iat` is whole seconds, rounded down: a token issued at 12:00:00.9 says 12:00:00.
IAT_GRANULARITY = timedelta(seconds=1)


@dataclass(frozen=True, slots=True)
class ClientInfo:
    """Who is on the other end: the client IP (proxy-aware) and its User-Agent."""

    ip: str
    user_agent: str


@dataclass(frozen=True, slots=True)
class IssuedTokens:
    """What a login or refresh hands out."""

    access_token: str
    refresh_token: str
    expires_in: int
    session_id: int
    # The session's absolute end: the refresh cookie lives until then.
    session_expires_at: datetime | None = None


# --- the check every authenticated request makes ---------------------------------------------


# Built once: every authenticated request runs it, and a prebuilt statement skips both the
# construction and SQLAlchemy's cache-key computation (memoized on the object). Only the
# user's columns are read; the session is only checked (docs/benchmarks.md).
#
# `issued_before` is the token's `iat` plus its granularity: a token is never older than its
# session or its user. Ids are never reused (AUTOINCREMENT on SQLite, sequences on
# PostgreSQL); were one reused all the same, a token minted for the id's earlier holder would
# still be refused here (docs/security.md).
_AUTHENTICATED = select(*User.__table__.columns).where(
    User.id == bindparam("user_id"),
    User.is_active.is_(True),
    User.created_at < bindparam("issued_before"),
    select(AuthSession.id)
    .where(
        AuthSession.id == bindparam("session_id"),
        AuthSession.user_id == User.id,
        AuthSession.revoked_at.is_(None),
        AuthSession.expires_at > bindparam("now"),
        AuthSession.created_at < bindparam("issued_before"),
    )
    .exists(),
)
_AUTHENTICATED_USER = select(User).from_statement(_AUTHENTICATED)


async def load_authenticated(
    session: AsyncSession, user_id: int, session_id: int, *, issued_at: datetime | None = None
) -> User | None:
    """The active user an access token names if its session is live, in one query; else None.

    `issued_at` is the token's `iat`: a token issued before its session or its user existed
    is refused. Without it the token is taken as issued now.

    The one place where a request's user takes one of two shapes. In a read-only request
    (`db.is_autocommit_read`) the user is a snapshot of the row, not an object of the
    session: nothing in a GET changes it, and building it from the row is what lets the
    query skip SQLAlchemy's execution layer (`db.read_rows`). A request that may write gets
    the user as an object of its session, to change and save.
    """
    now = utcnow()
    params = {
        "user_id": user_id,
        "session_id": session_id,
        "now": now,
        "issued_before": (now if issued_at is None else issued_at) + IAT_GRANULARITY,
    }
    if is_autocommit_read(session):
        rows = await read_rows(session, _AUTHENTICATED, params)
        return User(**rows[0]) if rows else None
    result = await session.execute(_AUTHENTICATED_USER, params)
    return result.scalars().first()


# --- starting and rotating -------------------------------------------------------------------


async def start_session(
    session: AsyncSession,
    settings: Settings,
    user: User,
    *,
    user_agent: str = "",
    ip: str = "",
    signed_in_with: str = "",
) -> IssuedTokens:
    """A new login: a session (refresh-token family), its first refresh token, an access token.

    `signed_in_with` names the OpenID Connect provider for a single sign-on ("" for a password).
    """
    now = utcnow()
    auth_session = AuthSession(
        user_id=user.id,
        created_at=now,
        last_used_at=now,
        expires_at=now + timedelta(days=settings.refresh_token_expire_days),
        user_agent=user_agent[:500],
        ip=ip[:64],
        signed_in_with=signed_in_with[:100],
    )
    session.add(auth_session)
    await session.flush()
    return await _issue(session, settings, user.id, auth_session)


async def _issue(
    session: AsyncSession, settings: Settings, user_id: int, auth_session: AuthSession
) -> IssuedTokens:
    refresh_token = new_opaque_token()
    session.add(RefreshToken(session_id=auth_session.id, token_hash=token_digest(refresh_token)))
    await session.flush()
    access_token, expires_in = create_access_token(
        settings.signing_key(),
        user_id=user_id,
        session_id=auth_session.id,
        lifetime=timedelta(minutes=settings.access_token_expire_minutes),
    )
    return IssuedTokens(
        access_token, refresh_token, expires_in, auth_session.id, auth_session.expires_at
    )


async def refresh(
    session: AsyncSession, settings: Settings, token: str, client: ClientInfo
) -> IssuedTokens:
    """Rotate a refresh token: spend it, hand out the next one of its family.

    Spending is one conditional UPDATE (`used_at IS NULL`), so of two simultaneous refreshes
    exactly one wins. A token presented after it was spent is taken as stolen (RFC 9700 §4.14):
    its whole family is revoked, the newest token included, and that revocation is committed
    even though the request is refused.
    """
    now = utcnow()
    row = (
        await session.execute(
            select(RefreshToken, AuthSession, User)
            .join(AuthSession, AuthSession.id == RefreshToken.session_id)
            .join(User, User.id == AuthSession.user_id)
            .where(RefreshToken.token_hash == token_digest(token))
        )
    ).first()
    if row is None:
        raise Unauthorized(INVALID_REFRESH)
    refresh_token, auth_session, user = row
    idle_limit = now - timedelta(days=settings.refresh_token_idle_days)
    if (
        auth_session.revoked_at is not None
        or auth_session.expires_at <= now
        or auth_session.last_used_at <= idle_limit
        or not user.is_active
    ):
        raise Unauthorized(INVALID_REFRESH)
    if refresh_token.used_at is not None:
        _revoke_stolen(session, auth_session, client)
        raise Unauthorized(INVALID_REFRESH)
    spent = cast(
        "CursorResult[Any]",
        await session.execute(
            update(RefreshToken)
            .where(RefreshToken.id == refresh_token.id, RefreshToken.used_at.is_(None))
            .values(used_at=now),
            execution_options={"synchronize_session": False},
        ),
    )
    if spent.rowcount != 1:  # spent a moment ago by a concurrent request: reuse all the same
        _revoke_stolen(session, auth_session, client)
        raise Unauthorized(INVALID_REFRESH)
    auth_session.last_used_at = now
    auth_session.ip = client.ip[:64]
    return await _issue(session, settings, user.id, auth_session)


def _revoke_stolen(session: AsyncSession, auth_session: AuthSession, client: ClientInfo) -> None:
    """Revoke the family of a refresh token presented again: saved although the request that
    presented it is refused (the unit of work's `commit_regardless`)."""
    _log_reuse(auth_session, client)
    session_id = auth_session.id

    async def revoke(independent: AsyncSession) -> None:
        await _revoke_session(independent, session_id)

    commit_regardless(session, revoke)


def _log_reuse(auth_session: AuthSession, client: ClientInfo) -> None:
    logger.warning(
        "spent refresh token presented again: session %s of user %s revoked (ip %s)",
        auth_session.id,
        auth_session.user_id,
        client.ip,
        extra={
            "event": "refresh.reuse",
            "target_user_id": auth_session.user_id,
            "session_id": auth_session.id,
            "ip": client.ip,
        },
    )


# --- listing and ending ----------------------------------------------------------------------


async def list_sessions(
    session: Reader, settings: Settings, user: User, *, limit: int, offset: int
) -> tuple[Sequence[AuthSession], int]:
    """The user's live sessions, most recently used first."""
    now = utcnow()
    live = (
        AuthSession.user_id == user.id,
        AuthSession.revoked_at.is_(None),
        AuthSession.expires_at > now,
        AuthSession.last_used_at > now - timedelta(days=settings.refresh_token_idle_days),
    )
    total = (
        await session.execute(select(func.count()).select_from(AuthSession).where(*live))
    ).scalar_one()
    sessions = (
        (
            await session.execute(
                select(AuthSession)
                .where(*live)
                .order_by(AuthSession.last_used_at.desc(), AuthSession.id.desc())
                .limit(limit)
                .offset(offset)
            )
        )
        .scalars()
        .all()
    )
    return sessions, total


async def logout(session: AsyncSession, token: str) -> None:
    """End the session the refresh token belongs to (any token of the family will do)."""
    session_id = (
        await session.execute(
            select(RefreshToken.session_id).where(RefreshToken.token_hash == token_digest(token))
        )
    ).scalar_one_or_none()
    if session_id is not None:
        await _revoke_session(session, session_id)


async def logout_all(session: AsyncSession, user: User) -> None:
    """End every session of the user, the caller's own included."""
    await revoke_all_sessions(session, user.id)


async def end_session(session: AsyncSession, user: User, session_id: int) -> None:
    """End one of the user's sessions (another user's is not found)."""
    owner = (
        await session.execute(select(AuthSession.user_id).where(AuthSession.id == session_id))
    ).scalar_one_or_none()
    if owner != user.id:
        raise NotFound("Session not found")
    await _revoke_session(session, session_id)


async def revoke_all_sessions(
    session: AsyncSession, user_id: int, *, except_session_id: int | None = None
) -> None:
    """End the user's sessions: their refresh tokens and access tokens stop working at once."""
    statement = (
        update(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    if except_session_id is not None:
        statement = statement.where(AuthSession.id != except_session_id)
    await session.execute(statement, execution_options={"synchronize_session": False})
    announce_sessions_ended(session, user_id=user_id)


async def _revoke_session(session: AsyncSession, session_id: int) -> None:
    await session.execute(
        update(AuthSession)
        .where(AuthSession.id == session_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    announce_sessions_ended(session, session_id=session_id)
