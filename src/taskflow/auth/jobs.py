"""Authentication's jobs: the work of a password-reset request, and the periodic clean-up."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import delete, or_

from taskflow.auth import api_tokens
from taskflow.auth.email_flows import PASSWORD_RESET_JOB, send_password_reset_link
from taskflow.auth.models import AuthSession, OneTimeToken
from taskflow.core.jobs.registry import JobContext, job, periodic
from taskflow.db import utcnow

logger = logging.getLogger(__name__)

# Ended sessions stay listed nowhere but are kept a while for the security log's sake.
ENDED_SESSION_GRACE = timedelta(days=7)


@job(PASSWORD_RESET_JOB, retries=5, retry_delay=2.0, secret_arguments=frozenset({"email", "token"}))
async def send_password_reset(context: JobContext, *, email: str, token: str) -> None:
    """A reset request's work, off the request: look the address up and, for an active
    account, store the token and queue the email with the link (`email.send`, after this
    unit of work commits). Nothing for an unknown or deactivated address."""
    async with context.uow.begin() as session:
        await send_password_reset_link(session, context.settings, email, token)


@job("auth.cleanup", retries=3, retry_delay=30.0, timeout=300)
async def cleanup_tokens(context: JobContext) -> None:
    """Delete sessions (with their refresh tokens) that ended a week ago, and one-time tokens
    that expired or were used. Live sessions and unexpired, unused tokens are untouched."""
    now = utcnow()
    cutoff = now - ENDED_SESSION_GRACE
    async with context.uow.begin() as session:
        sessions = await session.execute(
            delete(AuthSession).where(
                or_(
                    AuthSession.expires_at < cutoff,
                    AuthSession.revoked_at < cutoff,
                )
            )
        )
        tokens = await session.execute(
            delete(OneTimeToken).where(
                or_(OneTimeToken.expires_at < now, OneTimeToken.used_at.is_not(None))
            )
        )
    logger.info(
        "auth clean-up: %d ended sessions, %d spent or expired one-time tokens removed",
        sessions.rowcount,  # type: ignore[attr-defined]
        tokens.rowcount,  # type: ignore[attr-defined]
    )


periodic("auth.cleanup", cron="17 * * * *", every_seconds=3600)


@job(api_tokens.TOUCH_JOB, retries=2, retry_delay=5.0)
async def touch_api_token(context: JobContext, *, token_id: int) -> None:
    """Record an API token's use (at most once a minute per token: auth.api_tokens)."""
    async with context.uow.begin() as session:
        await api_tokens.touch(session, token_id)
