"""What the users API takes and gives: `UserCreate` in, `UserPublic` out (never a hash)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    model_validator,
)

from taskflow.core.passwords import password_problem

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{3,32}$")
MAX_FULL_NAME = 200
MAX_EMAIL = 320


def _check_password(value: str) -> str:
    problem = password_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _check_username(value: str) -> str:
    if not USERNAME_PATTERN.fullmatch(value):
        raise ValueError("Username must be 3-32 letters, digits, '_', '.' or '-'")
    return value


def _check_email_length(value: str) -> str:
    if len(value) > MAX_EMAIL:
        raise ValueError(f"Email must be at most {MAX_EMAIL} characters")
    return value.lower()


Email = Annotated[EmailStr, AfterValidator(_check_email_length)]
Username = Annotated[str, AfterValidator(_check_username)]
# 8-128 code points after NFKC, not a common password (checked against a maintained list).
NewPassword = Annotated[str, Field(max_length=4 * 128), AfterValidator(_check_password)]
# A password being checked, not set: any string within the stored limit.
GivenPassword = Annotated[str, Field(min_length=1, max_length=4 * 128)]
FullName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_FULL_NAME)]


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

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
    created_at: datetime


class UserUpdate(BaseModel):
    """The caller's own profile; changing the email needs `current_password` and re-verification."""

    model_config = ConfigDict(extra="forbid")

    email: Email | None = None
    username: Username | None = None
    full_name: FullName | None = None
    current_password: GivenPassword | None = None


class UserAdminUpdate(BaseModel):
    """What a superuser may change on any account."""

    model_config = ConfigDict(extra="forbid")

    email: Email | None = None
    username: Username | None = None
    full_name: FullName | None = None
    is_active: bool | None = None
    is_superuser: bool | None = None
    is_verified: bool | None = None


class PasswordChange(BaseModel):
    current_password: GivenPassword
    new_password: NewPassword


class AccountDelete(BaseModel):
    password: GivenPassword


class UserPage(BaseModel):
    items: list[UserPublic]
    total: int
    limit: int
    offset: int
