"""Authentication rules and queries: logins, sessions, refresh rotation, one-time tokens."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.auth.emails import password_reset_email, verification_email
from taskflow.auth.models import AuthSession, OneTimeToken, RefreshToken
from taskflow.config import Settings
from taskflow.core.email import enqueue_email
from taskflow.core.errors import (
    BadRequest,
    Forbidden,
    NotFound,
    TooManyRequests,
    Unauthorized,
    Unprocessable,
)
from taskflow.core.passwords import password_problem
from taskflow.core.ratelimit import RateLimiter
from taskflow.core.security import (
    create_access_token,
    new_opaque_token,
    token_digest,
    verify_password,
)
from taskflow.core.unit_of_work import commit_regardless
from taskflow.db import utcnow
from taskflow.db.reads import is_autocommit_read, read_rows
from taskflow.users import service as users_service
from taskflow.users.models import User
from taskflow.users.schemas import UserCreate, UserUpdate

# Security events (ASVS V16): who, from where, what happened. Never a password or a token.
logger = logging.getLogger("taskflow.security")

LOGIN_WINDOW_SECONDS = 15 * 60
HOUR_SECONDS = 60 * 60
VERIFY_TOKEN_LIFETIME = timedelta(hours=48)
RESET_TOKEN_LIFETIME = timedelta(hours=1)
VERIFY = "verify"
RESET = "reset"
# Longer than any password we accept: not worth a hash (verified against the dummy instead).
MAX_PASSWORD_INPUT = 1024

WRONG_CREDENTIALS = "Incorrect username or password"
INVALID_REFRESH = "Invalid or expired refresh token"
INVALID_ONE_TIME = "Invalid or expired token"
WRONG_PASSWORD = "Incorrect password"  # noqa: S105  (a message, not a password)


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


# --- requests --------------------------------------------------------------------------------


# Built once: every authenticated request runs it, and a prebuilt statement skips both the
# construction and SQLAlchemy's cache-key computation (memoized on the object). Only the
# user's columns are read; the session is only checked (docs/benchmarks.md).
_AUTHENTICATED = select(*User.__table__.columns).where(
    User.id == bindparam("user_id"),
    User.is_active.is_(True),
    select(AuthSession.id)
    .where(
        AuthSession.id == bindparam("session_id"),
        AuthSession.user_id == User.id,
        AuthSession.revoked_at.is_(None),
        AuthSession.expires_at > bindparam("now"),
    )
    .exists(),
)
_AUTHENTICATED_USER = select(User).from_statement(_AUTHENTICATED)


async def load_authenticated(session: AsyncSession, user_id: int, session_id: int) -> User | None:
    """The active user an access token names if its session is live, in one query; else None.

    In a read-only request (`db.is_autocommit_read`) the user is a snapshot of the row, not
    an object of the session: nothing in a GET changes it, and building it from the row is
    what lets the query skip SQLAlchemy's execution layer (`db.read_rows`). A request that
    may write gets the user as an object of its session, to change and save.
    """
    params = {"user_id": user_id, "session_id": session_id, "now": utcnow()}
    if is_autocommit_read(session):
        rows = await read_rows(session, _AUTHENTICATED, params)
        return User(**rows[0]) if rows else None
    result = await session.execute(_AUTHENTICATED_USER, params)
    return result.scalars().first()


# --- registration and login ------------------------------------------------------------------


async def register(
    session: AsyncSession,
    settings: Settings,
    limiter: RateLimiter,
    data: UserCreate,
    client: ClientInfo,
) -> User:
    """A new account (limited per client IP), and the email that verifies its address."""
    decision = await limiter.hit(
        f"register:{client.ip}", settings.register_max_per_hour, HOUR_SECONDS
    )
    if not decision.allowed:
        raise TooManyRequests(decision.retry_after, "Too many registrations; try again later")
    user = await users_service.create_user(
        session,
        email=data.email,
        username=data.username,
        password=data.password,
        full_name=data.full_name,
    )
    token = await _new_one_time_token(session, user.id, VERIFY, VERIFY_TOKEN_LIFETIME)
    enqueue_email(session, verification_email(settings, user, token))
    return user


async def login(
    session: AsyncSession,
    settings: Settings,
    limiter: RateLimiter,
    *,
    identifier: str,
    password: str,
    client: ClientInfo,
) -> IssuedTokens:
    """Check a username-or-email and password; start a session.

    Every failure gets the same answer in the same time (unknown users are verified against a
    dummy hash). Failures are counted per account and client IP; past the limit even the right
    password is refused until the window has passed.
    """
    user = await users_service.find_by_login(session, identifier)
    subject = str(user.id) if user is not None else "unknown:" + identifier.strip().lower()
    limit_key = f"login:{subject}:{client.ip}"
    decision = await limiter.hit(limit_key, settings.login_max_attempts, LOGIN_WINDOW_SECONDS)
    if not decision.allowed:
        logger.warning(
            "login refused: too many failures (user %s, ip %s)",
            _id(user),
            client.ip,
            extra={"event": "login.limited", "target_user_id": _id(user), "ip": client.ip},
        )
        raise TooManyRequests(decision.retry_after, "Too many failed logins; try again later")
    stored_hash = user.hashed_password if user is not None else None
    if len(password) > MAX_PASSWORD_INPUT:
        stored_hash = None
    matches, new_hash = await verify_password(password, stored_hash)
    if user is None or not matches:
        logger.info(
            "login failed (user %s, ip %s)",
            _id(user),
            client.ip,
            extra={"event": "login.failed", "target_user_id": _id(user), "ip": client.ip},
        )
        raise Unauthorized(WRONG_CREDENTIALS)
    await limiter.reset(limit_key)
    if not user.is_active:
        logger.info(
            "login refused: account disabled (user %s, ip %s)",
            user.id,
            client.ip,
            extra={"event": "login.inactive", "target_user_id": user.id, "ip": client.ip},
        )
        raise Forbidden("This account is disabled")
    if new_hash is not None:  # an older hash (bcrypt, weaker parameters): upgrade it now
        user.hashed_password = new_hash
    return await start_session(session, settings, user, user_agent=client.user_agent, ip=client.ip)


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


# --- refresh and sessions --------------------------------------------------------------------


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


def _id(user: User | None) -> int | None:
    return user.id if user is not None else None


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
    await users_service.revoke_all_sessions(session, user.id)


async def list_sessions(
    session: AsyncSession, settings: Settings, user: User, *, limit: int, offset: int
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


async def end_session(session: AsyncSession, user: User, session_id: int) -> None:
    """End one of the user's sessions (another user's is not found)."""
    owner = (
        await session.execute(select(AuthSession.user_id).where(AuthSession.id == session_id))
    ).scalar_one_or_none()
    if owner != user.id:
        raise NotFound("Session not found")
    await _revoke_session(session, session_id)


async def _revoke_session(session: AsyncSession, session_id: int) -> None:
    await session.execute(
        update(AuthSession)
        .where(AuthSession.id == session_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow()),
        execution_options={"synchronize_session": False},
    )


# --- email verification and password reset --------------------------------------------------


async def request_verification(
    session: AsyncSession, settings: Settings, limiter: RateLimiter, user: User
) -> None:
    """Email a fresh verification link (nothing to do when already verified)."""
    if user.is_verified:
        return
    decision = await limiter.hit(
        f"verify:{user.id}", settings.password_reset_max_per_hour, HOUR_SECONDS
    )
    if not decision.allowed:
        raise TooManyRequests(decision.retry_after, "Too many emails requested; try again later")
    token = await _new_one_time_token(session, user.id, VERIFY, VERIFY_TOKEN_LIFETIME)
    enqueue_email(session, verification_email(settings, user, token))


async def confirm_verification(session: AsyncSession, token: str) -> User:
    user = await _consume_one_time_token(session, token, VERIFY)
    user.is_verified = True
    return user


async def request_password_reset(
    session: AsyncSession,
    settings: Settings,
    limiter: RateLimiter,
    email: str,
    client: ClientInfo,
) -> None:
    """Email a reset link if the account exists; the answer never says whether it does.

    Limited per client IP (429) and, silently, per account, so nobody can flood a mailbox.
    """
    limit = settings.password_reset_max_per_hour
    decision = await limiter.hit(f"reset:ip:{client.ip}", limit, HOUR_SECONDS)
    if not decision.allowed:
        raise TooManyRequests(decision.retry_after, "Too many reset requests; try again later")
    user = await users_service.find_by_email(session, email)
    if user is None or not user.is_active:
        return
    if not (await limiter.hit(f"reset:user:{user.id}", limit, HOUR_SECONDS)).allowed:
        return
    token = await _new_one_time_token(session, user.id, RESET, RESET_TOKEN_LIFETIME)
    enqueue_email(session, password_reset_email(settings, user, token))


async def confirm_password_reset(
    session: AsyncSession,
    limiter: RateLimiter,
    token: str,
    new_password: str,
    client: ClientInfo,
) -> None:
    """Set the new password; every session ends. Receiving the email proved the address.

    The failed logins that led here (from this client) are forgotten: the owner proved
    themselves, and must not wait out the lockout with their new password in hand.
    """
    user = await _consume_one_time_token(session, token, RESET)
    _check_policy(user, new_password)
    await users_service.set_password(session, user, new_password)
    user.is_verified = True
    await limiter.reset(f"login:{user.id}:{client.ip}")
    logger.info(
        "password reset; every session ended (user %s)",
        user.id,
        extra={"event": "password.reset", "target_user_id": user.id},
    )


async def _new_one_time_token(
    session: AsyncSession, user_id: int, purpose: str, lifetime: timedelta
) -> str:
    token = new_opaque_token()
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
    return token


async def _consume_one_time_token(session: AsyncSession, token: str, purpose: str) -> User:
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


# --- the signed-in user's credentials --------------------------------------------------------


async def check_current_password(
    settings: Settings, limiter: RateLimiter, user: User, password: str, client: ClientInfo
) -> None:
    """Re-authentication for sensitive changes; wrong guesses count as failed logins."""
    limit_key = f"login:{user.id}:{client.ip}"
    decision = await limiter.hit(limit_key, settings.login_max_attempts, LOGIN_WINDOW_SECONDS)
    if not decision.allowed:
        raise TooManyRequests(decision.retry_after, "Too many failed attempts; try again later")
    stored_hash = user.hashed_password if len(password) <= MAX_PASSWORD_INPUT else None
    matches, new_hash = await verify_password(password, stored_hash)
    if not matches:
        logger.info(
            "re-authentication failed (user %s, ip %s)",
            user.id,
            client.ip,
            extra={"event": "reauth.failed", "target_user_id": user.id, "ip": client.ip},
        )
        raise BadRequest(WRONG_PASSWORD)
    await limiter.reset(limit_key)
    if new_hash is not None:
        user.hashed_password = new_hash


async def change_password(
    session: AsyncSession,
    settings: Settings,
    limiter: RateLimiter,
    user: User,
    *,
    current_password: str,
    new_password: str,
    client: ClientInfo,
) -> IssuedTokens:
    """A new password: every earlier session ends, and this client gets a fresh one."""
    await check_current_password(settings, limiter, user, current_password, client)
    _check_policy(user, new_password)
    await users_service.set_password(session, user, new_password)
    logger.info(
        "password changed; every session ended (user %s)",
        user.id,
        extra={"event": "password.changed", "target_user_id": user.id, "ip": client.ip},
    )
    return await start_session(session, settings, user, user_agent=client.user_agent, ip=client.ip)


async def update_profile(
    session: AsyncSession,
    settings: Settings,
    limiter: RateLimiter,
    user: User,
    data: UserUpdate,
    client: ClientInfo,
) -> User:
    """Change one's own email, username or name; a new email needs the current password."""
    changes = data.model_dump(exclude_unset=True, exclude={"current_password"})
    if data.email is not None and data.email.lower() != user.email:
        if data.current_password is None:
            raise BadRequest("current_password is required to change the email address")
        await check_current_password(settings, limiter, user, data.current_password, client)
    return await users_service.update_user(session, user, changes)


async def delete_account(
    session: AsyncSession,
    settings: Settings,
    limiter: RateLimiter,
    user: User,
    *,
    password: str,
    client: ClientInfo,
) -> None:
    await check_current_password(settings, limiter, user, password, client)
    await users_service.delete_user(session, user)


def _check_policy(user: User, new_password: str) -> None:
    """The account-specific part of the policy (length and common passwords are schema rules)."""
    problem = password_problem(
        new_password, (user.username, user.email, user.email.partition("@")[0])
    )
    if problem:
        raise Unprocessable(problem)
