"""`CurrentUser` and friends: who is calling, checked once per request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from taskflow.auth import api_tokens
from taskflow.auth.api_tokens import ApiTokenGrant
from taskflow.auth.sessions import ClientInfo, load_authenticated
from taskflow.config import Settings
from taskflow.core.dependencies import SessionDep
from taskflow.core.errors import Forbidden, Unauthorized
from taskflow.core.logging import user_id_var
from taskflow.core.ratelimit import RateLimiter
from taskflow.core.security import decode_access_token
from taskflow.users.models import User

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated user and the id of the session (login) their access token is of;
    for a personal API token, no session but the token's grant."""

    user: User
    session_id: int | None
    api_token: ApiTokenGrant | None = None


async def current_principal(
    request: Request, session: SessionDep, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> Principal:
    if not token:
        raise Unauthorized()
    if api_tokens.is_api_token(token):
        return await _api_token_principal(request, session, token)
    claims = decode_access_token(request.app.state.settings.signing_key(), token)
    if claims is None:
        raise Unauthorized("Invalid or expired token")
    user = await load_authenticated(
        session, claims.user_id, claims.session_id, issued_at=claims.issued_at
    )
    if user is None:
        raise Unauthorized("Invalid or expired token")
    user_id_var.set(str(user.id))
    return Principal(user=user, session_id=claims.session_id)


async def _api_token_principal(request: Request, session: SessionDep, token: str) -> Principal:
    found = await api_tokens.authenticate(session, token)
    if found is None:
        raise Unauthorized("Invalid or expired token")
    user, grant = found
    user_id_var.set(str(user.id))
    reason = api_tokens.forbidden_reason(grant, request.method, request.url.path)
    if reason is not None:
        raise Forbidden(reason)
    return Principal(user=user, session_id=None, api_token=grant)


async def current_user(principal: Annotated[Principal, Depends(current_principal)]) -> User:
    return principal.user


async def current_superuser(user: Annotated[User, Depends(current_user)]) -> User:
    if not user.is_superuser:
        raise Forbidden("Superuser only")
    return user


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
CurrentUser = Annotated[User, Depends(current_user)]
CurrentSuperuser = Annotated[User, Depends(current_superuser)]


# The small dependencies below are `async def` although they await nothing: FastAPI would run
# a plain `def` in its thread pool, a thread hop per request.
async def client_info(request: Request) -> ClientInfo:
    """The caller's IP (X-Forwarded-For is already applied for TASKFLOW_TRUSTED_PROXIES by the
    proxy-headers middleware, and only for them) and User-Agent."""
    host = request.client.host if request.client is not None else ""
    return ClientInfo(ip=host or "unknown", user_agent=request.headers.get("user-agent", "")[:500])


async def rate_limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.rate_limiter
    return limiter


async def app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


ClientInfoDep = Annotated[ClientInfo, Depends(client_info)]
RateLimiterDep = Annotated[RateLimiter, Depends(rate_limiter)]
SettingsDep = Annotated[Settings, Depends(app_settings)]
