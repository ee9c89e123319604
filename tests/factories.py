"""Builders for test data: users with live sessions, straight through the services."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote

from fastapi import FastAPI
from httpx import AsyncClient, Response

from taskflow.auth.accounts import create_account
from taskflow.auth.sessions import IssuedTokens, start_session
from taskflow.db import Database
from taskflow.users.models import User

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
        user = await create_account(
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


async def login(
    client: AsyncClient,
    username: str,
    password: str = DEFAULT_PASSWORD,
    headers: dict[str, str] | None = None,
) -> Response:
    """POST /auth/token with the OAuth2 password form."""
    return await client.post(
        "/api/v1/auth/token",
        data={"username": username, "password": password},
        headers=headers,
    )


def bearer(access_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token}"}


def link_token(message: EmailMessage, path: str) -> str:
    """The token of the `{PUBLIC_URL}{path}?token=...` link in an email's plain-text part."""
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    text = part.get_content()
    found = re.search(re.escape(path) + r"\?token=([A-Za-z0-9_%-]+)", text)
    assert found is not None, text
    return unquote(found.group(1))
