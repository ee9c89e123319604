"""Administration from the command line."""

from __future__ import annotations

from taskflow.config import Settings
from taskflow.core.errors import Conflict
from taskflow.db import Database
from taskflow.users.service import create_user


async def create_superuser_from_cli(
    settings: Settings, email: str, username: str, password: str
) -> int:
    """Create a verified superuser; ValueError explains any refusal."""
    database = Database(settings)
    try:
        async with database.sessionmaker() as session, session.begin():
            try:
                user = await create_user(
                    session,
                    email=email,
                    username=username,
                    password=password,
                    is_superuser=True,
                    is_verified=True,
                )
            except Conflict as error:
                raise ValueError(error.detail) from None
            return user.id
    finally:
        await database.dispose()
