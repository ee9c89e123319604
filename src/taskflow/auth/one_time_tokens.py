"""One-time email tokens (verify an address, reset a password): issue, spend, expire.

The `one_time_tokens` table is written here and nowhere else: other domains expire a user's
links through `expire_one_time_tokens`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.auth.models import OneTimeToken
from taskflow.core.errors import BadRequest
from taskflow.core.security import new_opaque_token, token_digest
from taskflow.db import utcnow
from taskflow.users.models import User

VERIFY = "verify"
RESET = "reset"
VERIFY_TOKEN_LIFETIME = timedelta(hours=48)
RESET_TOKEN_LIFETIME = timedelta(hours=1)
INVALID_ONE_TIME = "Invalid or expired token"


async def issue_one_time_token(
    session: AsyncSession, user_id: int, purpose: str, lifetime: timedelta
) -> str:
    """A new token for the user (stored as its digest): the token itself, for the email."""
    token = new_opaque_token()
    await store_one_time_token(session, user_id, purpose, lifetime, token)
    return token


async def store_one_time_token(
    session: AsyncSession, user_id: int, purpose: str, lifetime: timedelta, token: str
) -> None:
    """Store `token` (its digest) for the user, valid for `lifetime` from now."""
    now = utcnow()
    session.add(
        OneTimeToken(
            user_id=user_id,
            purpose=purpose,
            token_hash=token_digest(token),
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    await session.flush()


async def find_one_time_token(session: AsyncSession, token: str) -> OneTimeToken | None:
    """The stored token `token` is, spent or not (None when it was never issued)."""
    result = await session.execute(
        select(OneTimeToken).where(OneTimeToken.token_hash == token_digest(token))
    )
    return result.scalar_one_or_none()


async def consume_one_time_token(session: AsyncSession, token: str, purpose: str) -> User:
    """Spend a valid verification or reset token (once, even under concurrency): its user."""
    now = utcnow()
    row = (
        await session.execute(
            select(OneTimeToken, User)
            .join(User, User.id == OneTimeToken.user_id)
            .where(OneTimeToken.token_hash == token_digest(token), OneTimeToken.purpose == purpose)
        )
    ).first()
    if row is None:
        raise BadRequest(INVALID_ONE_TIME)
    one_time_token, user = row
    if one_time_token.used_at is not None or one_time_token.expires_at <= now or not user.is_active:
        raise BadRequest(INVALID_ONE_TIME)
    spent = cast(
        "CursorResult[Any]",
        await session.execute(
            update(OneTimeToken)
            .where(OneTimeToken.id == one_time_token.id, OneTimeToken.used_at.is_(None))
            .values(used_at=now),
            execution_options={"synchronize_session": False},
        ),
    )
    if spent.rowcount != 1:
        raise BadRequest(INVALID_ONE_TIME)
    return user


async def expire_one_time_tokens(
    session: AsyncSession, user_id: int, *, purpose: str | None = None
) -> None:
    """Every outstanding token of the user (of one purpose, if given) stops working."""
    statement = (
        update(OneTimeToken)
        .where(OneTimeToken.user_id == user_id, OneTimeToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if purpose is not None:
        statement = statement.where(OneTimeToken.purpose == purpose)
    await session.execute(statement, execution_options={"synchronize_session": False})
