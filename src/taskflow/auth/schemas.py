"""What the auth API takes and gives."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict

from taskflow.core.validation import RequestBody, Text
from taskflow.users.schemas import Email, NewPassword, UserPublic

# Opaque tokens are 43 URL-safe characters; anything far longer is not one of ours.
OpaqueToken = Annotated[str, Strict(), Field(min_length=1, max_length=256), Text()]


class TokenPublic(BaseModel):
    """A fresh token pair, as OAuth 2.0 names its fields."""

    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105  (the OAuth 2.0 token type)
    expires_in: int = Field(description="Seconds until the access token expires")


class RefreshRequest(RequestBody):
    """The refresh token; the web app sends none and relies on the `taskflow_refresh` cookie."""

    refresh_token: OpaqueToken | None = None


class SessionPublic(BaseModel):
    """One login (refresh-token family): where and when it was used."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    created_at: datetime
    last_used_at: datetime
    user_agent: str
    ip: str
    current: bool
    signed_in_with: str | None = Field(
        description="The OpenID Connect provider this session signed in with; null for a password"
    )


class SessionPage(BaseModel):
    items: list[SessionPublic]
    total: int
    limit: int
    offset: int


class VerifyConfirm(RequestBody):
    token: OpaqueToken


class PasswordResetRequest(RequestBody):
    email: Email


class PasswordResetConfirm(RequestBody):
    token: OpaqueToken
    new_password: NewPassword


__all__ = [
    "PasswordResetConfirm",
    "PasswordResetRequest",
    "RefreshRequest",
    "SessionPage",
    "SessionPublic",
    "TokenPublic",
    "UserPublic",
    "VerifyConfirm",
]


class OidcProviderPublic(BaseModel):
    name: str


class ProvidersPublic(BaseModel):
    """How one signs in here, and where this server's emails go (for the sign-in page and the
    "verify your email" banner; public, as the sign-in page has no token yet)."""

    password: Literal[True]
    oidc: OidcProviderPublic | None
    email_delivery: Literal["smtp", "log"] = Field(
        description="`log`: no SMTP server is configured; emails, links included, are written "
        "to the server's log instead of being sent"
    )
