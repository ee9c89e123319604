"""/auth: register, log in, refresh, log out, sessions, email verification, password reset."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response, status
from fastapi.security import OAuth2PasswordRequestForm

from taskflow.auth import email_flows, service, sessions
from taskflow.auth.dependencies import (
    ClientInfoDep,
    CurrentPrincipal,
    CurrentUser,
    RateLimiterDep,
    SettingsDep,
)
from taskflow.auth.http import clear_refresh_cookie, refresh_token_from, token_response
from taskflow.auth.schemas import (
    OidcProviderPublic,
    PasswordResetConfirm,
    PasswordResetRequest,
    ProvidersPublic,
    RefreshRequest,
    SessionPage,
    SessionPublic,
    TokenPublic,
    VerifyConfirm,
)
from taskflow.core.dependencies import ReadSessionDep, SessionDep
from taskflow.core.errors import Unauthorized, error_responses
from taskflow.core.pagination import PaginationDep
from taskflow.core.validation import PathId
from taskflow.users.schemas import UserCreate, UserPublic

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post(
    "/register",
    response_model=UserPublic,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(409, 429),
)
async def register(
    data: UserCreate,
    session: SessionDep,
    settings: SettingsDep,
    limiter: RateLimiterDep,
    client: ClientInfoDep,
) -> UserPublic:
    """Create an account and email a link that verifies its address.

    409 names the taken field (email or username); 429 after too many sign-ups from one IP.
    """
    user = await service.register(session, settings, limiter, data, client)
    return UserPublic.model_validate(user)


@router.post("/token", response_model=TokenPublic, responses=error_responses(401, 403, 429))
async def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    limiter: RateLimiterDep,
    client: ClientInfoDep,
    otp: Annotated[
        str | None,
        Form(
            max_length=64,
            description="With two-factor authentication on: a current code from the "
            "authenticator app, or an unused recovery code",
        ),
    ] = None,
) -> TokenPublic:
    """Log in with a username or email (any case) and password: a new session's token pair.

    With two-factor authentication on, `otp` is needed too: without it the answer is 401
    `Two-factor code required` with the header `X-TaskFlow-OTP: required`; a wrong or already
    used code is 401 `Invalid two-factor code` and counts as a failed login.
    With `X-Requested-With: taskflow` the refresh token is also set as an HttpOnly cookie.
    """
    tokens = await service.login(
        session,
        settings,
        limiter,
        identifier=form.username,
        password=form.password,
        client=client,
        otp=otp,
    )
    return token_response(request, response, tokens)


@router.post("/refresh", response_model=TokenPublic, responses=error_responses(401))
async def refresh(
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    client: ClientInfoDep,
    body: RefreshRequest | None = None,
) -> TokenPublic:
    """Trade a refresh token (body, or the cookie for the web app) for a new pair.

    The token is spent; presenting it again ends its whole session.
    """
    token = refresh_token_from(request, body.refresh_token if body else None)
    if token is None:
        raise Unauthorized("Refresh token missing")
    tokens = await sessions.refresh(session, settings, token, client)
    return token_response(request, response, tokens)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(
    request: Request, response: Response, session: SessionDep, body: RefreshRequest | None = None
) -> None:
    """End the session the refresh token (body, or the web app's cookie) belongs to."""
    token = refresh_token_from(request, body.refresh_token if body else None)
    if token is not None:
        await sessions.logout(session, token)
    clear_refresh_cookie(request, response)


@router.post("/logout-all", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(401))
async def logout_all(
    request: Request, response: Response, session: SessionDep, user: CurrentUser
) -> None:
    """End every session of the caller, this one included."""
    await sessions.logout_all(session, user)
    clear_refresh_cookie(request, response)


@router.get("/sessions", response_model=SessionPage, responses=error_responses(401))
async def list_sessions(
    session: ReadSessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    page: PaginationDep,
) -> SessionPage:
    """The caller's active sessions, most recently used first; `current` marks this one."""
    live, total = await sessions.list_sessions(
        session, settings, principal.user, limit=page.limit, offset=page.offset
    )
    items = [
        SessionPublic(
            id=item.id,
            created_at=item.created_at,
            last_used_at=item.last_used_at,
            user_agent=item.user_agent,
            ip=item.ip,
            current=item.id == principal.session_id,
            signed_in_with=item.signed_in_with or None,
        )
        for item in live
    ]
    return SessionPage(items=items, total=total, limit=page.limit, offset=page.offset)


@router.delete(
    "/sessions/{session_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 404),
)
async def end_session(
    session_id: PathId,
    session: SessionDep,
    user: CurrentUser,
) -> None:
    """End one of the caller's sessions: its refresh and access tokens stop working."""
    await sessions.end_session(session, user, session_id)


@router.post(
    "/verify/request",
    status_code=status.HTTP_202_ACCEPTED,
    responses=error_responses(401, 429),
)
async def request_verification(
    session: SessionDep,
    settings: SettingsDep,
    limiter: RateLimiterDep,
    user: CurrentUser,
) -> None:
    """Email the caller a new link that verifies their address (valid 48 hours, once).

    Nothing is sent when the address is already verified; 429 after too many requests.
    """
    await email_flows.request_verification(session, settings, limiter, user)


@router.post("/verify/confirm", response_model=UserPublic, responses=error_responses(400))
async def confirm_verification(data: VerifyConfirm, session: SessionDep) -> UserPublic:
    """Mark the address verified with the token from the email."""
    user = await email_flows.confirm_verification(session, data.token)
    return UserPublic.model_validate(user)


@router.post(
    "/password-reset/request", status_code=status.HTTP_202_ACCEPTED, responses=error_responses(429)
)
async def request_password_reset(
    data: PasswordResetRequest,
    session: SessionDep,
    settings: SettingsDep,
    limiter: RateLimiterDep,
    client: ClientInfoDep,
) -> None:
    """Email a reset link (valid 1 hour, once) if an active account has this address.

    The answer is 202 either way, after the same work either way: the account is looked up
    and the email sent by a job afterwards, so neither the answer nor its timing tells
    whether the account exists.
    """
    await email_flows.request_password_reset(session, settings, limiter, data.email, client)


@router.post(
    "/password-reset/confirm",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(400),
)
async def confirm_password_reset(
    data: PasswordResetConfirm, session: SessionDep, limiter: RateLimiterDep, client: ClientInfoDep
) -> None:
    """Set a new password with the token from the email; every session ends."""
    await email_flows.confirm_password_reset(
        session, limiter, data.token, data.new_password, client
    )


@router.get("/providers", response_model=ProvidersPublic)
async def sign_in_providers(settings: SettingsDep) -> ProvidersPublic:
    """How to sign in (a password, and the OpenID Connect provider's name when one is
    configured: the "Sign in with <name>" button goes to `/auth/oidc/login`), and whether
    emails are sent (`smtp`) or, without TASKFLOW_SMTP_HOST, written to the server's log."""
    return ProvidersPublic(
        password=True,
        oidc=OidcProviderPublic(name=settings.oidc_name) if settings.oidc_enabled else None,
        email_delivery="smtp" if settings.smtp_host else "log",
    )
