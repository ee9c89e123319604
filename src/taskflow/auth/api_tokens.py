"""Personal API tokens: create (shown once), list, revoke, and the check a request makes.

A token is `tf_` and 43 URL-safe characters (256 random bits), stored only as its SHA-256.
It stands for its user on every route a bearer token reaches, the WebSocket included, with
two limits: a token without the `write` scope may only read (GET/HEAD), and no token may
manage credentials (the `/auth` routes: API tokens, sessions, 2FA; the password; deleting
the account; the calendar feed's secret URL). Those answer 403 (docs/integrations.md).

`last_used_at` is kept without a write per request: a request that finds it older than
LAST_USED_GRANULARITY queues one conditional UPDATE after its unit of work (a job), so a
token in constant use costs one write a minute, not one per call.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.auth.api_token_models import ApiToken
from taskflow.core.errors import NotFound
from taskflow.core.events import announce_sessions_ended
from taskflow.core.security import token_digest
from taskflow.core.unit_of_work import defer_job
from taskflow.db import utcnow
from taskflow.db.reads import Reader
from taskflow.users.models import User

TOKEN_PREFIX = "tf_"  # noqa: S105  (a prefix, not a secret)
SCOPES = ("read", "write")
LAST_USED_GRANULARITY = timedelta(minutes=1)
TOUCH_JOB = "auth.api_token_touch"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

API_PREFIX = "/api/v1"
# Credential management: never through an API token (SPEC §8). Any method on these prefixes
# (every /auth route: tokens, sessions, logout, verification, 2FA), or the (method, path)
# pairs after them.
_FORBIDDEN_PREFIXES = (
    f"{API_PREFIX}/auth/",
    f"{API_PREFIX}/users/me/password",
    f"{API_PREFIX}/users/me/calendar-token",
)
_FORBIDDEN_EXACT = frozenset({("DELETE", f"{API_PREFIX}/users/me")})


@dataclass(frozen=True, slots=True)
class ApiTokenGrant:
    """What an authenticated API token allows."""

    token_id: int
    scopes: frozenset[str]
    expires_at: datetime | None
    created_at: datetime

    @property
    def socket_session_id(self) -> int:
        """The key a WebSocket opened with this token is known by in the hub: the negative
        token id, so that it never meets a login session's id."""
        return -self.token_id


def is_api_token(token: str) -> bool:
    return token.startswith(TOKEN_PREFIX)


def token_id_of_socket_session(session_id: int) -> int | None:
    """The API token id a WebSocket's session key stands for (see ApiTokenGrant)."""
    return -session_id if session_id < 0 else None


def forbidden_reason(grant: ApiTokenGrant, method: str, path: str) -> str | None:
    """Why this request may not be made with this token, or None when it may."""
    if path.startswith(_FORBIDDEN_PREFIXES) or (method, path.rstrip("/")) in _FORBIDDEN_EXACT:
        return "API tokens cannot manage credentials or the account; sign in instead"
    if method not in READ_METHODS and "write" not in grant.scopes:
        return "This API token has the read scope only"
    return None


def _live(now: datetime) -> tuple[object, ...]:
    return (
        User.is_active.is_(True),
        or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now),
    )


async def authenticate(session: AsyncSession, token: str) -> tuple[User, ApiTokenGrant] | None:
    """The active user and grant of a live token, in one query; None for anything else.

    Queues the throttled `last_used_at` update (a job after this unit of work)."""
    now = utcnow()
    row = (
        await session.execute(
            select(User, ApiToken.id, ApiToken.scopes, ApiToken.last_used_at)
            .add_columns(ApiToken.expires_at, ApiToken.created_at)
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(ApiToken.token_hash == token_digest(token), *_live(now))  # type: ignore[arg-type]
        )
    ).first()
    if row is None:
        return None
    user, token_id, scopes, last_used_at, expires_at, created_at = row
    if last_used_at is None or last_used_at <= now - LAST_USED_GRANULARITY:
        defer_job(session, TOUCH_JOB, key=f"{TOUCH_JOB}:{token_id}", token_id=token_id)
    grant = ApiTokenGrant(token_id, frozenset(scopes.split()), expires_at, created_at)
    return user, grant


async def is_live(session: AsyncSession, user_id: int, token_id: int) -> bool:
    """Whether the token still exists, is unexpired, and its user is active (WebSockets)."""
    found = await session.scalar(
        select(ApiToken.id)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.id == token_id, ApiToken.user_id == user_id, *_live(utcnow()))  # type: ignore[arg-type]
    )
    return found is not None


async def touch(session: AsyncSession, token_id: int) -> None:
    """Record a use, unless one was recorded within LAST_USED_GRANULARITY (concurrent
    requests queue the job more than once; the condition keeps it one write)."""
    now = utcnow()
    await session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token_id,
            or_(
                ApiToken.last_used_at.is_(None),
                ApiToken.last_used_at <= now - LAST_USED_GRANULARITY,
            ),
        )
        .values(last_used_at=now),
        execution_options={"synchronize_session": False},
    )


async def create(
    session: AsyncSession,
    user: User,
    *,
    name: str,
    scopes: Sequence[str],
    expires_at: datetime | None,
) -> tuple[ApiToken, str]:
    """A new token for `user`: the row and the secret, which is never seen again."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    api_token = ApiToken(
        user_id=user.id,
        name=name,
        scopes=" ".join(sorted(set(scopes))),
        token_hash=token_digest(secret),
        created_at=utcnow(),
        expires_at=expires_at,
    )
    session.add(api_token)
    await session.flush()
    return api_token, secret


async def list_tokens(
    session: Reader, user: User, *, limit: int, offset: int
) -> tuple[Sequence[ApiToken], int]:
    """The user's tokens (expired ones included, marked by `expires_at`), newest first."""
    total = (
        await session.execute(
            select(func.count()).select_from(ApiToken).where(ApiToken.user_id == user.id)
        )
    ).scalar_one()
    tokens = (
        (
            await session.execute(
                select(ApiToken)
                .where(ApiToken.user_id == user.id)
                .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
                .limit(limit)
                .offset(offset)
            )
        )
        .scalars()
        .all()
    )
    return tokens, total


async def revoke(session: AsyncSession, user: User, token_id: int) -> None:
    """Delete one of the user's tokens: requests and open WebSockets with it stop at once."""
    deleted = await session.execute(
        delete(ApiToken)
        .where(ApiToken.id == token_id, ApiToken.user_id == user.id)
        .returning(ApiToken.id)
    )
    if deleted.scalar_one_or_none() is None:
        raise NotFound("API token not found")
    announce_sessions_ended(session, session_id=-token_id)
