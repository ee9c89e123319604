"""How tokens travel over HTTP: the token response, and the web app's refresh cookie."""

from __future__ import annotations

from fastapi import Request, Response

from taskflow.auth.schemas import TokenPublic
from taskflow.auth.sessions import IssuedTokens
from taskflow.db import utcnow

REFRESH_COOKIE = "taskflow_refresh"
COOKIE_PATH = "/api/v1/auth"
# The web app marks its requests with this header. A cross-site form cannot set it (and a
# cross-site fetch would need CORS approval), so honouring the cookie only with it blocks CSRF.
WEB_APP_HEADER = "x-requested-with"
WEB_APP_HEADER_VALUE = "taskflow"


def from_web_app(request: Request) -> bool:
    return request.headers.get(WEB_APP_HEADER, "").strip().lower() == WEB_APP_HEADER_VALUE


def refresh_token_from(request: Request, body_token: str | None) -> str | None:
    """The refresh token in the body, else the cookie, which only the web app may use."""
    if body_token:
        return body_token
    if from_web_app(request):
        return request.cookies.get(REFRESH_COOKIE) or None
    return None


def token_response(request: Request, response: Response, tokens: IssuedTokens) -> TokenPublic:
    """The token pair, never cached; for the web app also the HttpOnly refresh cookie."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    if from_web_app(request):
        lifetime = None
        if tokens.session_expires_at is not None:
            lifetime = max(0, int((tokens.session_expires_at - utcnow()).total_seconds()))
        response.set_cookie(
            REFRESH_COOKIE,
            tokens.refresh_token,
            max_age=lifetime,
            path=COOKIE_PATH,
            secure=request.url.scheme == "https",
            httponly=True,
            samesite="strict",
        )
    return TokenPublic(
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        expires_in=tokens.expires_in,
    )


def clear_refresh_cookie(request: Request, response: Response) -> None:
    if from_web_app(request):
        response.delete_cookie(
            REFRESH_COOKIE,
            path=COOKIE_PATH,
            secure=request.url.scheme == "https",
            httponly=True,
            samesite="strict",
        )
