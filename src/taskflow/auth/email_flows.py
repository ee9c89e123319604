"""Email verification and password reset: send a link, follow it."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.auth import accounts
from taskflow.auth.emails import password_reset_email, verification_email
from taskflow.auth.one_time_tokens import (
    RESET,
    RESET_TOKEN_LIFETIME,
    VERIFY,
    VERIFY_TOKEN_LIFETIME,
    consume_one_time_token,
    find_one_time_token,
    issue_one_time_token,
    store_one_time_token,
)
from taskflow.auth.service import HOUR_SECONDS, check_password_policy
from taskflow.auth.sessions import ClientInfo
from taskflow.config import Settings
from taskflow.core.email import enqueue_email
from taskflow.core.errors import TooManyRequests
from taskflow.core.ratelimit import RateLimiter
from taskflow.core.security import new_opaque_token
from taskflow.core.unit_of_work import defer_job
from taskflow.users import service as users_service
from taskflow.users.models import User

# Security events (ASVS V16): who, from where, what happened. Never a password or a token.
logger = logging.getLogger("taskflow.security")

PASSWORD_RESET_JOB = "auth.password_reset"  # noqa: S105  (a job name, not a password)


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
    token = await issue_one_time_token(session, user.id, VERIFY, VERIFY_TOKEN_LIFETIME)
    enqueue_email(session, verification_email(settings, user, token))


async def confirm_verification(session: AsyncSession, token: str) -> User:
    user = await consume_one_time_token(session, token, VERIFY)
    user.is_verified = True
    return user


async def request_password_reset(
    session: AsyncSession,
    settings: Settings,
    limiter: RateLimiter,
    email: str,
    client: ClientInfo,
) -> None:
    """Queue the email of a reset link; whether the account exists is the job's business.

    The request does the same work whatever the address (the answer is 202 either way, and
    took measurably longer for an account that exists, issue 23.4): two rate-limit checks, a
    new token, one job queued (`auth.password_reset`, `send_password_reset_link`). Limited
    per client IP (429) and, silently, per address, so nobody can flood a mailbox. The
    database is not touched.
    """
    limit = settings.password_reset_max_per_hour
    decision = await limiter.hit(f"reset:ip:{client.ip}", limit, HOUR_SECONDS)
    if not decision.allowed:
        raise TooManyRequests(decision.retry_after, "Too many reset requests; try again later")
    address = email.lower()
    if not (await limiter.hit(f"reset:address:{address}", limit, HOUR_SECONDS)).allowed:
        return
    # Made here, not in the job: a job run twice (at least once, on Redis) sends one link.
    token = new_opaque_token()
    defer_job(session, PASSWORD_RESET_JOB, email=address, token=token)


async def send_password_reset_link(
    session: AsyncSession, settings: Settings, email: str, token: str
) -> None:
    """The job's part of a reset request: if `email` is an active account's, store `token`
    for it (once, however often the job runs) and email the link; else nothing."""
    user = await users_service.find_by_email(session, email)
    if user is None or not user.is_active:
        return
    stored = await find_one_time_token(session, token)
    if stored is None:
        await store_one_time_token(session, user.id, RESET, RESET_TOKEN_LIFETIME, token)
    elif stored.user_id != user.id or stored.used_at is not None:
        return  # spent since an earlier run (or the address moved): nothing to send again
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
    user = await consume_one_time_token(session, token, RESET)
    check_password_policy(user, new_password)
    await accounts.set_password(session, user, new_password)
    user.is_verified = True
    await limiter.reset(f"login:{user.id}:{client.ip}")
    logger.info(
        "password reset; every session ended (user %s)",
        user.id,
        extra={"event": "password.reset", "target_user_id": user.id},
    )
