"""A token never outlives the account and session it was issued for (issue 23.1).

SQLite reused the highest rowid after a delete, so a deleted account's access token named
the next account registered (same user id, same session id) and logged in as it. Ids are now
never reused (AUTOINCREMENT, tests/migrations/test_ids_never_reused.py), and the token
check refuses a token issued before its session or its user existed (`iat` counts whole
seconds, so "before" means by more than that second): a reused id would be caught all the
same once a second has passed.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import jwt
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select, update

from taskflow.auth.models import AuthSession
from taskflow.db import Database
from taskflow.users.models import User
from tests.conftest import TEST_SECRET
from tests.factories import DEFAULT_PASSWORD, UserWithTokens, bearer, login, make_user

API = "/api/v1"
ME = f"{API}/users/me"


async def _register_and_log_in(client: AsyncClient, name: str) -> dict[str, str]:
    registered = await client.post(
        f"{API}/auth/register",
        json={"email": f"{name}@example.com", "username": name, "password": DEFAULT_PASSWORD},
    )
    assert registered.status_code == 201
    tokens = await login(client, name)
    assert tokens.status_code == 200
    body: dict[str, str] = tokens.json()
    return body


async def test_a_deleted_accounts_token_does_not_log_in_as_the_next_account(
    client: AsyncClient,
) -> None:
    x = await _register_and_log_in(client, "xavier")
    x_me = await client.get(ME, headers=bearer(x["access_token"]))
    assert x_me.status_code == 200
    deleted = await client.request(
        "DELETE",
        ME,
        json={"password": DEFAULT_PASSWORD},
        headers=bearer(x["access_token"]),
    )
    assert deleted.status_code == 204
    y = await _register_and_log_in(client, "yvonne")
    y_me = await client.get(ME, headers=bearer(y["access_token"]))
    assert y_me.status_code == 200
    assert y_me.json()["id"] != x_me.json()["id"]  # the id was not handed out again

    response = await client.get(ME, headers=bearer(x["access_token"]))
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid or expired token"}


def _token_issued_at(user: UserWithTokens, issued_at: datetime) -> str:
    claims = {
        "sub": str(user.id),
        "sid": str(user.tokens.session_id),
        "iat": int(issued_at.timestamp()),
        "exp": int((datetime.now(UTC) + timedelta(minutes=5)).timestamp()),
        "jti": uuid.uuid4().hex,
        "type": "access",
    }
    return jwt.encode(claims, TEST_SECRET, algorithm="HS256")


async def _created_at(app: FastAPI, user: UserWithTokens) -> tuple[datetime, datetime]:
    """(the user's created_at, the session's created_at)."""
    database: Database = app.state.database
    async with database.sessionmaker() as session:
        user_created = (
            await session.execute(select(User.created_at).where(User.id == user.id))
        ).scalar_one()
        session_created = (
            await session.execute(
                select(AuthSession.created_at).where(AuthSession.id == user.tokens.session_id)
            )
        ).scalar_one()
    return user_created, session_created


async def test_a_token_issued_before_its_session_existed_is_401(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await make_user(app)
    _, session_created = await _created_at(app, user)
    earlier = _token_issued_at(user, session_created - timedelta(seconds=2))
    response = await client.get(ME, headers=bearer(earlier))
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid or expired token"}


async def test_a_token_of_its_sessions_own_second_is_accepted(
    app: FastAPI, client: AsyncClient
) -> None:
    """`iat` is whole seconds rounded down: 12:00:00 covers a session created at 12:00:00.9."""
    user = await make_user(app)
    _, session_created = await _created_at(app, user)
    same_second = _token_issued_at(user, session_created.replace(microsecond=0))
    assert (await client.get(ME, headers=bearer(same_second))).status_code == 200
    assert (await client.get(ME, headers=user.headers)).status_code == 200


async def test_a_token_issued_before_its_user_existed_is_401(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await make_user(app)
    assert (await client.get(ME, headers=user.headers)).status_code == 200
    database: Database = app.state.database
    async with database.sessionmaker() as session, session.begin():
        await session.execute(
            update(User)
            .where(User.id == user.id)
            .values(created_at=datetime.now(UTC) + timedelta(minutes=1))
        )
    assert (await client.get(ME, headers=user.headers)).status_code == 401
