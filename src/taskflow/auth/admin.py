"""Administration from the command line."""

from __future__ import annotations

from pydantic import ValidationError

from taskflow.auth.accounts import create_account
from taskflow.config import Settings
from taskflow.core.errors import Conflict
from taskflow.core.runtime import running
from taskflow.users.schemas import UserCreate


def validate_new_user(email: str, username: str, password: str) -> UserCreate:
    """The same rules as registration; ValueError names the first broken one."""
    try:
        return UserCreate(email=email, username=username, password=password)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "password"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise ValueError(f"{field}: {message}") from None


async def create_superuser_from_cli(
    settings: Settings, email: str, username: str, password: str
) -> int:
    """Create a verified superuser; ValueError explains any refusal."""
    data = validate_new_user(email, username, password)
    async with running(settings) as runtime, runtime.uow.begin() as session:
        try:
            user = await create_account(
                session,
                email=data.email,
                username=data.username,
                password=data.password,
                full_name=data.full_name,
                is_superuser=True,
                is_verified=True,
            )
        except Conflict as error:
            raise ValueError(error.detail) from None
        return user.id
