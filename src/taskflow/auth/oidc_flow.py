"""Single sign-on with the configured OpenID Connect provider: the login's short-lived state,
and what a valid identity signs in to.

The `state`, `nonce` and PKCE verifier of a login in progress travel in a signed (HS256 with
the app's key), HttpOnly cookie that lives ten minutes and names its purpose; any app
process can finish the login. The callback accepts the provider's answer only with the
cookie's `state`, and the ID token only with its `nonce`.

Linking: the provider's account (`iss` + `sub`) is remembered once linked. A first sign-in
needs an email the provider says is verified; it links to the account with that email, or
creates one (verified) when TASKFLOW_OIDC_AUTO_REGISTER is on. A local account that was
never verified is taken over by the sign-in: its password is replaced with a random one and
its sessions end, since whoever registered it had not proven they own the address
(docs/security.md).
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from dataclasses import dataclass

import jwt
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.auth import accounts
from taskflow.auth.factor_models import OidcIdentity
from taskflow.auth.oidc import Identity
from taskflow.auth.sessions import ClientInfo, IssuedTokens, start_session
from taskflow.config import Settings
from taskflow.db import utcnow
from taskflow.users import service as users_service
from taskflow.users.models import User

logger = logging.getLogger("taskflow.security")

STATE_COOKIE = "taskflow_oidc"
STATE_COOKIE_PATH = "/api/v1/auth/oidc"
STATE_LIFETIME_SECONDS = 600
_STATE_TYPE = "oidc_login"
_ALGORITHM = "HS256"
_USERNAME_CHARACTERS = re.compile(r"[^A-Za-z0-9_.-]")


class SignInRefused(Exception):
    """The sign-in cannot go on; `code` is what the sign-in page is told (`?oidc_error=`)."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code


@dataclass(frozen=True, slots=True)
class LoginState:
    state: str
    nonce: str
    code_verifier: str


def sign_state(settings: Settings, login: LoginState) -> str:
    now = int(time.time())
    claims = {
        "type": _STATE_TYPE,
        "state": login.state,
        "nonce": login.nonce,
        "verifier": login.code_verifier,
        "iat": now,
        "exp": now + STATE_LIFETIME_SECONDS,
    }
    return jwt.encode(claims, _state_key(settings), algorithm=_ALGORITHM)


def read_state(settings: Settings, cookie: str | None) -> LoginState | None:
    """The login in progress the cookie carries, if it is ours, intact and not expired."""
    if not cookie or len(cookie) > 4096:
        return None
    try:
        claims = jwt.decode(
            cookie,
            _state_key(settings),
            algorithms=[_ALGORITHM],
            options={"require": ["exp", "iat", "type", "state", "nonce", "verifier"]},
        )
    except jwt.PyJWTError:
        return None
    fields = (claims.get("type"), claims.get("state"), claims.get("nonce"), claims.get("verifier"))
    if fields[0] != _STATE_TYPE or not all(isinstance(value, str) for value in fields[1:]):
        return None
    return LoginState(
        state=claims["state"], nonce=claims["nonce"], code_verifier=claims["verifier"]
    )


def _state_key(settings: Settings) -> str:
    # A key of its own (derived), so that no access token could ever pass for a state cookie.
    return "oidc-state:" + settings.signing_key()


async def sign_in(
    session: AsyncSession, settings: Settings, identity: Identity, client: ClientInfo
) -> IssuedTokens:
    """The account this identity signs in to (linked, found by email or created) and a new
    session marked with the provider's name."""
    user = await _account_for(session, settings, identity)
    if not user.is_active:
        raise SignInRefused("disabled", f"account {user.id} is disabled")
    logger.info(
        "signed in with OpenID Connect (user %s, ip %s)",
        user.id,
        client.ip,
        extra={"event": "login.oidc", "target_user_id": user.id, "ip": client.ip},
    )
    return await start_session(
        session,
        settings,
        user,
        user_agent=client.user_agent,
        ip=client.ip,
        signed_in_with=settings.oidc_name,
    )


async def _account_for(session: AsyncSession, settings: Settings, identity: Identity) -> User:
    linked = (
        await session.execute(
            select(OidcIdentity).where(
                OidcIdentity.issuer == identity.issuer, OidcIdentity.subject == identity.subject
            )
        )
    ).scalar_one_or_none()
    if linked is not None:
        linked.last_login_at = utcnow()
        return await users_service.get_user(session, linked.user_id)
    if identity.email is None or not identity.email_verified:
        raise SignInRefused("email_unverified", f"no verified email for sub {identity.subject!r}")
    email = identity.email.strip().lower()
    user = await users_service.find_by_email(session, email)
    if user is None:
        if not settings.oidc_auto_register:
            raise SignInRefused("not_registered", "no account with this email; auto-register off")
        user = await _create(session, identity, email)
    elif not user.is_verified:
        await _take_over_unverified(session, user)
    session.add(OidcIdentity(user_id=user.id, issuer=identity.issuer, subject=identity.subject))
    await session.flush()
    return user


async def _create(session: AsyncSession, identity: Identity, email: str) -> User:
    """A verified account; its password is random (unknown to anyone) until reset."""
    username = await _free_username(session, identity, email)
    return await accounts.create_account(
        session,
        email=email,
        username=username,
        password=secrets.token_urlsafe(32),
        full_name=identity.name[:200],
        is_verified=True,
    )


async def _take_over_unverified(session: AsyncSession, user: User) -> None:
    await accounts.set_password(session, user, secrets.token_urlsafe(32))  # sessions end too
    await accounts.update_account(session, user, {"is_verified": True})
    logger.warning(
        "unverified account %s taken over by an OpenID Connect sign-in with its email",
        user.id,
        extra={"event": "oidc.unverified_taken_over", "target_user_id": user.id},
    )


async def _free_username(session: AsyncSession, identity: Identity, email: str) -> str:
    """The provider's preferred username (or the email's local part), made valid and free."""
    wanted = identity.preferred_username or email.partition("@")[0]
    base = _USERNAME_CHARACTERS.sub("", wanted)[:28] or "user"
    if len(base) < 3:
        base = (base + "user")[:28]
    candidate = base
    for _ in range(20):
        if await users_service.find_by_login(session, candidate) is None:
            return candidate
        candidate = f"{base}-{secrets.randbelow(10_000):04d}"[:32]
    return f"user-{secrets.token_hex(8)}"
