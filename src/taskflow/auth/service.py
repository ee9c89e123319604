"""Accounts and credentials: register, log in, change the password, the profile, delete.

Sessions live in `auth.sessions`, one-time email tokens in `auth.one_time_tokens`, the
verification and reset flows in `auth.email_flows`.
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.auth import accounts, two_factor
from taskflow.auth.emails import verification_email
from taskflow.auth.one_time_tokens import VERIFY, VERIFY_TOKEN_LIFETIME, issue_one_time_token
from taskflow.auth.sessions import ClientInfo, IssuedTokens, start_session
from taskflow.config import Settings
from taskflow.core.email import enqueue_email
from taskflow.core.errors import BadRequest, Forbidden, TooManyRequests, Unauthorized, Unprocessable
from taskflow.core.passwords import password_problem
from taskflow.core.ratelimit import RateLimiter
from taskflow.core.security import verify_password
from taskflow.users import service as users_service
from taskflow.users.models import User
from taskflow.users.schemas import UserCreate, UserUpdate

# Security events (ASVS V16): who, from where, what happened. Never a password or a token.
logger = logging.getLogger("taskflow.security")

LOGIN_WINDOW_SECONDS = 15 * 60
HOUR_SECONDS = 60 * 60
# Longer than any password we accept: not worth a hash (verified against the dummy instead).
MAX_PASSWORD_INPUT = 1024

WRONG_CREDENTIALS = "Incorrect username or password"
WRONG_PASSWORD = "Incorrect password"  # noqa: S105  (a message, not a password)
OTP_REQUIRED = "Two-factor code required"
OTP_HEADER = "X-TaskFlow-OTP"


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
    user = await accounts.create_account(
        session,
        email=data.email,
        username=data.username,
        password=data.password,
        full_name=data.full_name,
    )
    token = await issue_one_time_token(session, user.id, VERIFY, VERIFY_TOKEN_LIFETIME)
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
    otp: str | None = None,
) -> IssuedTokens:
    """Check a username-or-email and password (and, with 2FA on, the `otp` code); start a
    session.

    Every failure gets the same answer in the same time (unknown users are verified against a
    dummy hash). Failures are counted per account and client IP; past the limit even the right
    password is refused until the window has passed. A missing or wrong second factor counts
    as a failure too: only a complete login resets the count.
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
    if not user.is_active:
        logger.info(
            "login refused: account disabled (user %s, ip %s)",
            user.id,
            client.ip,
            extra={"event": "login.inactive", "target_user_id": user.id, "ip": client.ip},
        )
        raise Forbidden("This account is disabled")
    if user.two_factor_enabled:
        await _check_second_factor(session, settings, user, otp, client)
    await limiter.reset(limit_key)
    if new_hash is not None:  # an older hash (bcrypt, weaker parameters): upgrade it now
        user.hashed_password = new_hash
    return await start_session(session, settings, user, user_agent=client.user_agent, ip=client.ip)


async def _check_second_factor(
    session: AsyncSession, settings: Settings, user: User, otp: str | None, client: ClientInfo
) -> None:
    if not otp or not otp.strip():
        raise Unauthorized(OTP_REQUIRED, headers={OTP_HEADER: "required"})
    if not await two_factor.verify_second_factor(session, settings, user, otp):
        logger.info(
            "login failed: wrong or reused two-factor code (user %s, ip %s)",
            user.id,
            client.ip,
            extra={"event": "login.2fa_failed", "target_user_id": user.id, "ip": client.ip},
        )
        raise Unauthorized(two_factor.INVALID_CODE)


def _id(user: User | None) -> int | None:
    return user.id if user is not None else None


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
    check_password_policy(user, new_password)
    await accounts.set_password(session, user, new_password)
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
    return await accounts.update_account(session, user, changes)


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
    await accounts.delete_account(session, user)


def check_password_policy(user: User, new_password: str) -> None:
    """The account-specific part of the policy (length and common passwords are schema rules)."""
    problem = password_problem(
        new_password, (user.username, user.email, user.email.partition("@")[0])
    )
    if problem:
        raise Unprocessable(problem)
