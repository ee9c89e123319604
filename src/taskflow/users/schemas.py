"""What the users API takes and gives: `UserCreate` in, `UserPublic` out (never a hash)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    Strict,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from taskflow.core.clock import MAX_TIMEZONE_LENGTH, zone
from taskflow.core.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, password_problem
from taskflow.core.validation import JsonBool, NotNull, RequestBody, Text

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{3,32}$")
MAX_FULL_NAME = 200
MAX_EMAIL = 254


def _check_password(value: str) -> str:
    problem = password_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _email(value: str) -> str:
    # Syntax, not deliverability (the verification link finds that out): `.test` addresses are
    # well-formed too. Refused still, although the schema's `format: email` cannot say so: a
    # domain without a dot, and the other special-use names (.local, .localhost, .invalid...).
    try:
        checked = validate_email(value, check_deliverability=False, test_environment=True)
    except EmailNotValidError as error:
        raise PydanticCustomError(
            "value_error", "value is not a valid email address: {reason}", {"reason": str(error)}
        ) from None
    return checked.normalized.lower()


class _Declared:
    """What the schema states about a value whose validator enforces it with its own words."""

    def __init__(self, keywords: dict[str, object]) -> None:
        self.keywords = keywords

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema.update(self.keywords)
        return json_schema


# At most 254 characters: the longest address SMTP can carry (RFC 5321), as email-validator checks.
Email = Annotated[
    str,
    Strict(),
    Field(max_length=MAX_EMAIL),
    Text(),
    AfterValidator(_email),
    _Declared({"format": "email"}),
]
Username = Annotated[
    str,
    Strict(),
    Field(
        min_length=3,
        max_length=32,
        pattern=USERNAME_PATTERN.pattern,
        description="3-32 letters, digits, '_', '.' or '-'",
    ),
]
# 8-128 characters as sent (the policy's own message says so), not a common password.
NewPassword = Annotated[
    str,
    Strict(),
    Text(),
    AfterValidator(_check_password),
    _Declared({"minLength": MIN_PASSWORD_LENGTH, "maxLength": MAX_PASSWORD_LENGTH}),
]
# A password being checked, not set: any string within the stored limit.
GivenPassword = Annotated[str, Strict(), Field(min_length=1, max_length=4 * 128), Text()]


def _timezone(value: str) -> str:
    try:
        zone(value)
    except ValueError:
        raise PydanticCustomError(
            "timezone", "Unknown time zone: an IANA name such as Europe/Berlin is expected"
        ) from None
    return value


Timezone = Annotated[
    str,
    Strict(),
    Field(
        min_length=1,
        max_length=MAX_TIMEZONE_LENGTH,
        pattern=r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*$",
        description="An IANA time zone name, e.g. `Europe/Berlin` (an unknown one is 422)",
        examples=["UTC", "Europe/Berlin", "America/New_York"],
    ),
    AfterValidator(_timezone),
]
FullName = Annotated[str, Strict(), Field(max_length=MAX_FULL_NAME), Text(strip=True)]


class UserCreate(RequestBody):
    email: Email
    username: Username
    password: NewPassword
    full_name: FullName = ""

    @model_validator(mode="after")
    def _password_is_not_the_account(self) -> UserCreate:
        problem = password_problem(
            self.password, (self.username, self.email, self.email.partition("@")[0])
        )
        if problem:
            raise ValueError(problem)
        return self


class UserPublic(BaseModel):
    """A user as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    username: str
    full_name: str
    is_active: bool
    is_verified: bool
    is_superuser: bool
    two_factor_enabled: bool
    timezone: str
    created_at: datetime


class UserUpdate(RequestBody):
    """The caller's own profile; changing the email needs `current_password` and re-verification."""

    email: Email | None = None
    username: Username | None = None
    full_name: FullName | None = None
    timezone: Annotated[Timezone | None, NotNull()] = None
    current_password: GivenPassword | None = None


class UserAdminUpdate(RequestBody):
    """What a superuser may change on any account."""

    email: Email | None = None
    username: Username | None = None
    full_name: FullName | None = None
    is_active: JsonBool | None = None
    is_superuser: JsonBool | None = None
    is_verified: JsonBool | None = None


class PasswordChange(RequestBody):
    current_password: GivenPassword
    new_password: NewPassword


class AccountDelete(RequestBody):
    password: GivenPassword


class UserPage(BaseModel):
    items: list[UserPublic]
    total: int
    limit: int
    offset: int
