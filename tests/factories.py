"""Builders for test data: users with live sessions, straight through the services."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from fastapi import FastAPI

from taskflow.auth.service import IssuedTokens, start_session
from taskflow.db import Database
from taskflow.users.models import User
from taskflow.users.service import create_user

_counter = itertools.count(1)
DEFAULT_PASSWORD = "correct horse battery staple"


@dataclass
class UserWithTokens:
    user: User
    tokens: IssuedTokens
    password: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens.access_token}"}

    @property
    def id(self) -> int:
        return self.user.id


async def make_user(
    app: FastAPI,
    *,
    username: str | None = None,
    email: str | None = None,
    password: str = DEFAULT_PASSWORD,
    full_name: str = "",
    is_superuser: bool = False,
    is_verified: bool = True,
) -> UserWithTokens:
    """A user, committed, with a logged-in session."""
    number = next(_counter)
    username = username or f"user{number}"
    email = email or f"{username}@example.com"
    database: Database = app.state.database
    async with database.sessionmaker() as session, session.begin():
        user = await create_user(
            session,
            email=email,
            username=username,
            password=password,
            full_name=full_name,
            is_superuser=is_superuser,
            is_verified=is_verified,
        )
        tokens = await start_session(session, app.state.settings, user)
    return UserWithTokens(user=user, tokens=tokens, password=password)
