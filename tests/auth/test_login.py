"""POST /auth/token: credentials, inactive accounts, rehashing, the per-account+IP limit."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from pwdlib.hashers.bcrypt import BcryptHasher
from sqlalchemy import select, update

from taskflow.core.security import decode_access_token
from taskflow.db import Database
from taskflow.users.models import User
from tests.conftest import TEST_SECRET
from tests.factories import DEFAULT_PASSWORD, bearer, login, make_user

WRONG = {"detail": "Incorrect username or password"}


async def test_login_with_username_returns_a_token_pair(app: FastAPI, client: AsyncClient) -> None:
    created = await make_user(app, username="Grace")
    response = await login(client, "Grace")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 15 * 60
    assert len(body["refresh_token"]) >= 43  # 256 random bits, URL-safe
    assert response.headers["cache-control"] == "no-store"
    claims = decode_access_token(TEST_SECRET, body["access_token"])
    assert claims is not None
    assert claims.user_id == created.id
    me = await client.get("/api/v1/users/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200
    assert me.json()["username"] == "Grace"


@pytest.mark.parametrize("identifier", ["grace", "GRACE", "grace@example.com", "Grace@EXAMPLE.com"])
async def test_login_accepts_username_or_email_in_any_case(
    app: FastAPI, client: AsyncClient, identifier: str
) -> None:
    await make_user(app, username="Grace", email="grace@example.com")
    response = await login(client, identifier)
    assert response.status_code == 200


async def test_wrong_password_and_unknown_user_get_the_same_401(
    app: FastAPI, client: AsyncClient
) -> None:
    await make_user(app, username="grace")
    wrong_password = await login(client, "grace", "not the password")
    unknown_user = await login(client, "nobody", "not the password")
    unknown_email = await login(client, "nobody@example.com", DEFAULT_PASSWORD)
    for response in (wrong_password, unknown_user, unknown_email):
        assert response.status_code == 401
        assert response.json() == WRONG
        assert response.headers["www-authenticate"] == "Bearer"


async def test_login_without_password_is_422(client: AsyncClient) -> None:
    response = await client.post("/api/v1/auth/token", data={"username": "grace"})
    assert response.status_code == 422


async def test_inactive_account_with_right_password_is_403(
    app: FastAPI, client: AsyncClient
) -> None:
    created = await make_user(app, username="grace")
    database: Database = app.state.database
    async with database.sessionmaker() as session, session.begin():
        await session.execute(update(User).where(User.id == created.id).values(is_active=False))
    response = await login(client, "grace")
    assert response.status_code == 403
    assert response.json() == {"detail": "This account is disabled"}
    # ...and the wrong password still says only "wrong credentials".
    wrong = await login(client, "grace", "not the password")
    assert wrong.status_code == 401
    assert wrong.json() == WRONG


async def test_bcrypt_hash_from_an_older_install_verifies_and_is_rehashed_to_argon2(
    app: FastAPI, client: AsyncClient
) -> None:
    created = await make_user(app, username="legacy")
    database: Database = app.state.database
    async with database.sessionmaker() as session, session.begin():
        await session.execute(
            update(User)
            .where(User.id == created.id)
            .values(hashed_password=BcryptHasher().hash(DEFAULT_PASSWORD))
        )
    response = await login(client, "legacy")
    assert response.status_code == 200
    async with database.sessionmaker() as session:
        stored = (
            await session.execute(select(User.hashed_password).where(User.id == created.id))
        ).scalar_one()
    assert stored.startswith("$argon2id$")
    assert (await login(client, "legacy")).status_code == 200


@pytest.mark.parametrize("settings_overrides", [{"login_max_attempts": 3}])
async def test_failed_logins_past_the_limit_get_429_even_with_the_right_password(
    app: FastAPI, client: AsyncClient
) -> None:
    await make_user(app, username="grace")
    for _ in range(3):
        response = await login(client, "grace", "wrong password")
        assert response.status_code == 401
    blocked = await login(client, "grace", "wrong password")
    assert blocked.status_code == 429
    retry_after = int(blocked.headers["retry-after"])
    assert 1 <= retry_after <= 15 * 60
    assert blocked.json() == {"detail": "Too many failed logins; try again later"}
    right = await login(client, "grace")
    assert right.status_code == 429
    # The email names the same account: the same counter.
    by_email = await login(client, "grace@example.com")
    assert by_email.status_code == 429


@pytest.mark.parametrize("settings_overrides", [{"login_max_attempts": 3}])
async def test_successful_login_clears_earlier_failures(app: FastAPI, client: AsyncClient) -> None:
    await make_user(app, username="grace")
    for _ in range(2):
        assert (await login(client, "grace", "wrong password")).status_code == 401
    assert (await login(client, "grace")).status_code == 200
    for _ in range(2):
        assert (await login(client, "grace", "wrong password")).status_code == 401
    assert (await login(client, "grace")).status_code == 200


@pytest.mark.parametrize("settings_overrides", [{"login_max_attempts": 2}])
async def test_login_limit_is_per_account(app: FastAPI, client: AsyncClient) -> None:
    await make_user(app, username="grace")
    await make_user(app, username="alan")
    for _ in range(2):
        assert (await login(client, "grace", "wrong password")).status_code == 401
    assert (await login(client, "grace")).status_code == 429
    assert (await login(client, "alan")).status_code == 200


async def test_login_records_the_session_user_agent_and_ip(
    app: FastAPI, client: AsyncClient
) -> None:
    await make_user(app, username="grace")
    response = await login(client, "grace", headers={"User-Agent": "TaskFlow-Test/1.0"})
    sessions = await client.get(
        "/api/v1/auth/sessions", headers=bearer(response.json()["access_token"])
    )
    [current] = [item for item in sessions.json()["items"] if item["current"]]
    assert current["user_agent"] == "TaskFlow-Test/1.0"
    assert current["ip"] == "127.0.0.1"


async def test_absurdly_long_password_is_a_plain_401(app: FastAPI, client: AsyncClient) -> None:
    await make_user(app, username="grace")
    response = await login(client, "grace", "x" * 100_000)
    assert response.status_code == 401
    assert response.json() == WRONG
