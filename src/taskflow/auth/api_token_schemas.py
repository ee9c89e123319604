"""What the API-token routes take and give."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, field_validator

from taskflow.core.pagination import Page
from taskflow.core.validation import RequestBody, Text, UtcDateTime

Scope = Literal["read", "write"]


class ApiTokenCreate(RequestBody):
    name: Annotated[
        str, Strict(), Field(min_length=1, max_length=100), Text(not_blank=True, strip=True)
    ]
    scopes: Annotated[
        list[Scope],
        Field(
            min_length=1,
            max_length=2,
            description="`read`: GET only; `write`: every other method too (reading included)",
        ),
    ]
    expires_at: UtcDateTime | None = Field(
        default=None, description="When the token stops working; never when absent or null"
    )

    @field_validator("expires_at")
    @classmethod
    def _in_the_future(cls, value: datetime | None) -> datetime | None:
        if value is not None and value <= datetime.now(UTC):
            raise ValueError("expires_at must be in the future")
        return value


class ApiTokenPublic(BaseModel):
    """A token as listed: never its secret."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    scopes: list[Scope]
    created_at: datetime
    last_used_at: datetime | None = Field(
        description="Kept to the minute: a token in constant use is written once a minute"
    )
    expires_at: datetime | None

    @field_validator("scopes", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        return value.split() if isinstance(value, str) else value


class ApiTokenCreated(ApiTokenPublic):
    """The new token, with its secret: shown in this reply only."""

    token: str = Field(description="`tf_...`: send as `Authorization: Bearer tf_...`")


ApiTokenPage = Page[ApiTokenPublic]
