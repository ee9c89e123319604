"""Two-factor authentication: TOTP (RFC 6238: 30 s steps, 6 digits, ±1 step) with pyotp,
and ten single-use recovery codes.

The secret is stored encrypted (Fernet, key derived from TASKFLOW_SECRET_KEY). A code is
accepted only for a step later than the last one accepted for the user: one conditional
UPDATE, so a code works once even when two app processes see it at the same moment.
Recovery codes are random (50 bits), stored as SHA-256 and spent the same way.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
from typing import Any, cast

import pyotp
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import CursorResult, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.auth import clock
from taskflow.auth.factor_models import RecoveryCode, TotpCredential
from taskflow.auth.sessions import ClientInfo, revoke_all_sessions
from taskflow.config import Settings
from taskflow.core.errors import BadRequest, Conflict, TooManyRequests
from taskflow.core.ratelimit import RateLimiter
from taskflow.db import utcnow
from taskflow.users.models import User

logger = logging.getLogger("taskflow.security")

STEP_SECONDS = 30
DIGITS = 6
VALID_WINDOW = 1  # steps either side of now: clocks drift, people type slowly
RECOVERY_CODE_COUNT = 10
ISSUER = "TaskFlow"
INVALID_CODE = "Invalid two-factor code"
# The login limiter's window (auth.service, which imports this module): code guesses count
# as failed logins of the account from that IP.
LOGIN_WINDOW_SECONDS = 15 * 60
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper


def _fernet(settings: Settings) -> Fernet:
    digest = hashlib.sha256(b"taskflow-totp-secret:" + settings.signing_key().encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _encrypt(settings: Settings, secret: str) -> str:
    return _fernet(settings).encrypt(secret.encode()).decode()


def _decrypt(settings: Settings, stored: str) -> str | None:
    try:
        return _fernet(settings).decrypt(stored.encode()).decode()
    except InvalidToken:  # TASKFLOW_SECRET_KEY changed: the secret cannot be read any more
        return None


def current_step() -> int:
    return int(clock.now()) // STEP_SECONDS


def code_for_step(secret: str, step: int) -> str:
    """The TOTP code of a step (tests compute codes with it too)."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).generate_otp(step)


def _matching_step(secret: str, code: str) -> int | None:
    """The step within ±1 of now whose code this is, or None."""
    if len(code) != DIGITS or not code.isdigit():
        return None
    now = current_step()
    matched = None
    for step in range(now - VALID_WINDOW, now + VALID_WINDOW + 1):
        if hmac.compare_digest(code_for_step(secret, step), code):
            matched = step
    return matched


def _normalize(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _recovery_digest(code: str) -> str:
    return hashlib.sha256(_normalize(code).encode()).hexdigest()


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


# --- setting up, enabling, disabling ---------------------------------------------------------


async def setup(session: AsyncSession, settings: Settings, user: User) -> tuple[str, str]:
    """A new secret for the user (not active until confirmed with a code): (secret, otpauth URI).

    Setting up again before enabling replaces the pending secret.
    """
    if user.two_factor_enabled:
        raise Conflict("Two-factor authentication is already on; turn it off first")
    secret = pyotp.random_base32()  # 160 bits, as RFC 4226 recommends
    await session.execute(delete(TotpCredential).where(TotpCredential.user_id == user.id))
    session.add(TotpCredential(user_id=user.id, secret=_encrypt(settings, secret)))
    await session.flush()
    uri = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=user.email, issuer_name=ISSUER
    )
    return secret, uri


async def enable(
    session: AsyncSession,
    settings: Settings,
    limiter: RateLimiter,
    user: User,
    code: str,
    *,
    client: ClientInfo,
    current_session_id: int | None,
) -> list[str]:
    """Turn 2FA on with a code from the app: ten fresh recovery codes (shown only now); every
    other session ends."""
    if user.two_factor_enabled:
        raise Conflict("Two-factor authentication is already on")
    pending = await session.execute(
        select(TotpCredential.id).where(TotpCredential.user_id == user.id)
    )
    if pending.scalar_one_or_none() is None:
        raise Conflict("Set up two-factor authentication first (POST /auth/2fa/setup)")
    await _limit(settings, limiter, user, client)
    if not await _spend_totp(session, settings, user.id, code):
        raise BadRequest(INVALID_CODE)
    user.two_factor_enabled = True
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    await session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    session.add_all(RecoveryCode(user_id=user.id, code_hash=_recovery_digest(c)) for c in codes)
    await revoke_all_sessions(session, user.id, except_session_id=current_session_id)
    await limiter.reset(_limit_key(user, client))
    logger.info(
        "two-factor authentication enabled; other sessions ended (user %s)",
        user.id,
        extra={"event": "2fa.enabled", "target_user_id": user.id, "ip": client.ip},
    )
    return codes


async def disable(
    session: AsyncSession,
    settings: Settings,
    limiter: RateLimiter,
    user: User,
    *,
    code: str,
    client: ClientInfo,
    current_session_id: int | None,
) -> None:
    """Turn 2FA off with a current or recovery code (the caller has checked the password
    with `service.check_current_password`); every other session ends."""
    if not user.two_factor_enabled:
        raise Conflict("Two-factor authentication is not on")
    await _limit(settings, limiter, user, client)
    if not await verify_second_factor(session, settings, user, code):
        raise BadRequest(INVALID_CODE)
    await remove(session, user)
    await revoke_all_sessions(session, user.id, except_session_id=current_session_id)
    await limiter.reset(_limit_key(user, client))
    logger.info(
        "two-factor authentication disabled; other sessions ended (user %s)",
        user.id,
        extra={"event": "2fa.disabled", "target_user_id": user.id, "ip": client.ip},
    )


async def remove(session: AsyncSession, user: User) -> None:
    """Forget the user's secret and recovery codes."""
    user.two_factor_enabled = False
    await session.execute(delete(TotpCredential).where(TotpCredential.user_id == user.id))
    await session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def _limit_key(user: User, client: ClientInfo) -> str:
    return f"login:{user.id}:{client.ip}"  # the login limiter's key: guesses count as logins


async def _limit(settings: Settings, limiter: RateLimiter, user: User, client: ClientInfo) -> None:
    decision = await limiter.hit(
        _limit_key(user, client), settings.login_max_attempts, LOGIN_WINDOW_SECONDS
    )
    if not decision.allowed:
        raise TooManyRequests(decision.retry_after, "Too many failed attempts; try again later")


# --- checking a code -------------------------------------------------------------------------


async def verify_second_factor(
    session: AsyncSession, settings: Settings, user: User, code: str
) -> bool:
    """A current TOTP code not used before, or an unused recovery code; spends it."""
    if await _spend_totp(session, settings, user.id, code):
        return True
    return await _spend_recovery_code(session, user.id, code)


async def _spend_totp(session: AsyncSession, settings: Settings, user_id: int, code: str) -> bool:
    stored = (
        await session.execute(
            select(TotpCredential.secret).where(TotpCredential.user_id == user_id)
        )
    ).scalar_one_or_none()
    secret = _decrypt(settings, stored) if stored is not None else None
    if secret is None:
        return False
    step = _matching_step(secret, "".join(code.split()))
    if step is None:
        return False
    spent = cast(
        "CursorResult[Any]",
        await session.execute(
            update(TotpCredential)
            .where(
                TotpCredential.user_id == user_id,
                or_(
                    TotpCredential.last_used_step.is_(None),
                    TotpCredential.last_used_step < step,
                ),
            )
            .values(last_used_step=step),
            execution_options={"synchronize_session": False},
        ),
    )
    return spent.rowcount == 1


async def _spend_recovery_code(session: AsyncSession, user_id: int, code: str) -> bool:
    if len(code) > 64:
        return False
    spent = cast(
        "CursorResult[Any]",
        await session.execute(
            update(RecoveryCode)
            .where(
                RecoveryCode.user_id == user_id,
                RecoveryCode.code_hash == _recovery_digest(code),
                RecoveryCode.used_at.is_(None),
            )
            .values(used_at=utcnow()),
            execution_options={"synchronize_session": False},
        ),
    )
    return spent.rowcount == 1
