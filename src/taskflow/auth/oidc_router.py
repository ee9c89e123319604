"""/auth/oidc: sign in with the configured OpenID Connect provider (SPEC §11).

Both routes answer with redirects, as a browser follows them: `login` to the provider,
`callback` to the web app (`/` signed in, or `/login?oidc_error=<code>` saying why not).
"""

from __future__ import annotations

import hmac
import logging
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import RedirectResponse

from taskflow.auth.dependencies import ClientInfoDep, SettingsDep
from taskflow.auth.http import COOKIE_PATH, REFRESH_COOKIE
from taskflow.auth.oidc import InvalidIdToken, OidcClient, ProviderUnavailable
from taskflow.auth.oidc_flow import (
    STATE_COOKIE,
    STATE_COOKIE_PATH,
    STATE_LIFETIME_SECONDS,
    LoginState,
    SignInRefused,
    read_state,
    sign_in,
    sign_state,
)
from taskflow.config import Settings
from taskflow.core.dependencies import GetThatWritesSessionDep
from taskflow.core.errors import NotFound, error_responses
from taskflow.core.validation import NUL_FREE_PATTERN
from taskflow.db import utcnow

logger = logging.getLogger("taskflow.security")

router = APIRouter(prefix="/auth/oidc", tags=["auth"])

CALLBACK_PATH = "/api/v1/auth/oidc/callback"
SIGN_IN_PAGE = "/login"
QueryText = Annotated[str | None, Query(max_length=4096, pattern=NUL_FREE_PATTERN)]
REDIRECT: dict[int | str, dict[str, Any]] = {
    status.HTTP_302_FOUND: {"description": "Redirect (see the route's description)"}
}


def _client(request: Request, settings: Settings) -> OidcClient:
    """The app's OpenID Connect client (discovery and keys cached in it), made on first use."""
    if not settings.oidc_enabled:
        raise NotFound("OpenID Connect sign-in is not configured")
    client: OidcClient | None = getattr(request.app.state, "oidc_client", None)
    if client is None:
        client = OidcClient(settings, redirect_uri=settings.public_url + CALLBACK_PATH)
        request.app.state.oidc_client = client
    return client


def _to_sign_in_page(request: Request, code: str) -> RedirectResponse:
    response = RedirectResponse(
        f"{SIGN_IN_PAGE}?{urlencode({'oidc_error': code})}", status.HTTP_302_FOUND
    )
    _clear_state(request, response)
    return response


def _clear_state(request: Request, response: RedirectResponse) -> None:
    response.delete_cookie(
        STATE_COOKIE,
        path=STATE_COOKIE_PATH,
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="lax",
    )


@router.get(
    "/login",
    response_class=RedirectResponse,
    status_code=status.HTTP_302_FOUND,
    responses={**REDIRECT, **error_responses(404)},
)
async def oidc_login(request: Request, settings: SettingsDep) -> RedirectResponse:
    """Start signing in with the provider: 302 to its authorization endpoint (code flow with
    PKCE, `state` and `nonce`, kept in a signed cookie for ten minutes). When the provider
    cannot be reached: 302 to `/login?oidc_error=unavailable`. 404 when not configured."""
    client = _client(request, settings)
    try:
        login = await client.authorization_request()
    except ProviderUnavailable as error:
        logger.warning("OpenID Connect provider unavailable: %s", error)
        return _to_sign_in_page(request, "unavailable")
    response = RedirectResponse(login.url, status.HTTP_302_FOUND)
    response.headers["Cache-Control"] = "no-store"
    response.set_cookie(
        STATE_COOKIE,
        sign_state(settings, LoginState(login.state, login.nonce, login.code_verifier)),
        max_age=STATE_LIFETIME_SECONDS,
        path=STATE_COOKIE_PATH,
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="lax",  # sent on the provider's redirect back (a cross-site navigation)
    )
    return response


@router.get(
    "/callback",
    response_class=RedirectResponse,
    status_code=status.HTTP_302_FOUND,
    responses={**REDIRECT, **error_responses(404)},
)
async def oidc_callback(
    request: Request,
    session: GetThatWritesSessionDep,
    settings: SettingsDep,
    client_info: ClientInfoDep,
    code: QueryText = None,
    state: QueryText = None,
    error: QueryText = None,
) -> RedirectResponse:
    """Where the provider sends the browser back. Checks `state` against the cookie, trades
    the code (with the PKCE verifier) for tokens, checks the ID token (signature by the
    provider's keys, issuer, audience, expiry, nonce), links or creates the account, starts a
    session, sets the refresh cookie and 302s to `/`. Any failure 302s to
    `/login?oidc_error=<code>`: `state` (missing, expired or not this browser's login),
    `cancelled` (the user declined at the provider), `provider` (the provider reported an
    error), `unavailable` (the provider could not be reached), `token` (the ID token failed
    a check), `email_unverified`, `not_registered` (no account with this email and
    TASKFLOW_OIDC_AUTO_REGISTER off), `disabled` (the account is deactivated)."""
    client = _client(request, settings)
    login = read_state(settings, request.cookies.get(STATE_COOKIE))
    if login is None or state is None or not hmac.compare_digest(login.state, state):
        logger.info("OpenID Connect callback with a missing or wrong state (ip %s)", client_info.ip)
        return _to_sign_in_page(request, "state")
    if error is not None:
        return _to_sign_in_page(request, "cancelled" if error == "access_denied" else "provider")
    if not code:
        return _to_sign_in_page(request, "provider")
    try:
        tokens = await client.exchange_code(code, login.code_verifier)
        id_token = tokens.get("id_token")
        if not isinstance(id_token, str):
            raise InvalidIdToken("the token response has no id_token")
        access_token = tokens.get("access_token")
        identity = await client.validate_id_token(
            id_token,
            nonce=login.nonce,
            access_token=access_token if isinstance(access_token, str) else None,
        )
        issued = await sign_in(session, settings, identity, client_info)
    except ProviderUnavailable as problem:
        logger.warning("OpenID Connect provider unavailable: %s", problem)
        return _to_sign_in_page(request, "unavailable")
    except InvalidIdToken as problem:
        logger.warning("OpenID Connect sign-in refused: %s (ip %s)", problem, client_info.ip)
        return _to_sign_in_page(request, "token")
    except SignInRefused as refused:
        logger.info("OpenID Connect sign-in refused: %s (ip %s)", refused, client_info.ip)
        return _to_sign_in_page(request, refused.code)
    response = RedirectResponse("/", status.HTTP_302_FOUND)
    response.headers["Cache-Control"] = "no-store"
    _clear_state(request, response)
    lifetime = None
    if issued.session_expires_at is not None:
        lifetime = max(0, int((issued.session_expires_at - utcnow()).total_seconds()))
    response.set_cookie(
        REFRESH_COOKIE,
        issued.refresh_token,
        max_age=lifetime,
        path=COOKIE_PATH,
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )
    return response
