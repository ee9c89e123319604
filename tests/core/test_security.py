"""What docs/security.md promises of hashing: the same cost whether or not the account exists,
Argon2id's parameters, and refresh tokens stored as digests only."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select

from taskflow.auth.models import RefreshToken
from taskflow.core import security
from taskflow.db import Database
from tests.factories import login, make_user


async def test_an_unknown_user_costs_one_verification_as_a_wrong_password_does(
    app: FastAPI, client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make_user(app, username="grace")
    verified: list[str] = []
    hasher = security.password_hash
    real_verify, real_verify_and_update = hasher.verify, hasher.verify_and_update

    def verify(password: str, hashed: Any) -> Any:
        verified.append("dummy" if hashed is security._DUMMY_HASH else "stored")
        return real_verify(password, hashed)

    def verify_and_update(password: str, hashed: Any) -> Any:
        verified.append("stored")
        return real_verify_and_update(password, hashed)

    monkeypatch.setattr(hasher, "verify", verify)
    monkeypatch.setattr(hasher, "verify_and_update", verify_and_update)
    wrong = await login(client, "grace", "not the password at all")
    unknown = await login(client, "nobody-here", "not the password at all")
    assert (wrong.status_code, unknown.status_code) == (401, 401)
    assert wrong.json() == unknown.json()
    assert verified == ["stored", "dummy"]  # one Argon2 verification each


async def test_passwords_are_argon2id_with_owasp_parameters_four_at_a_time() -> None:
    hashed = await security.hash_password("correct horse battery staple")
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert security._hashing_limiter.total_tokens == 4


async def test_refresh_tokens_are_stored_as_their_sha256_only(
    app: FastAPI, client: AsyncClient
) -> None:
    await make_user(app, username="grace")
    refresh_token = (await login(client, "grace")).json()["refresh_token"]
    database: Database = app.state.database
    async with database.sessionmaker() as session:
        stored = (await session.scalars(select(RefreshToken.token_hash))).all()
    assert hashlib.sha256(refresh_token.encode()).hexdigest() in stored
    assert refresh_token not in stored
    assert all(len(digest) == 64 and int(digest, 16) >= 0 for digest in stored)
