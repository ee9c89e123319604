"""The attack matrix for access tokens: every forged, broken or dead token is 401, never 500."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import delete, update

from taskflow.db import Database
from taskflow.users.models import User
from tests.conftest import TEST_SECRET
from tests.factories import UserWithTokens, bearer, login, make_user

ME = "/api/v1/users/me"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(user: UserWithTokens, **changes: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": str(user.id),
        "sid": str(user.tokens.session_id),
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=5)).timestamp()),
        "jti": uuid.uuid4().hex,
        "type": "access",
    }
    for name, value in changes.items():
        if value is None:
            claims.pop(name, None)
        else:
            claims[name] = value
    return claims


def _hand_signed(
    header: dict[str, Any], claims: dict[str, Any], key: str, digest: str = "sha256"
) -> str:
    signing_input = (
        _b64(json.dumps(header).encode()) + "." + _b64(json.dumps(claims).encode())
    ).encode()
    signature = hmac.new(key.encode(), signing_input, getattr(hashlib, digest)).digest()
    return signing_input.decode() + "." + _b64(signature)


def _alg_none(user: UserWithTokens) -> str:
    header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{header}.{_b64(json.dumps(_claims(user)).encode())}."


def _hs512(user: UserWithTokens) -> str:
    # Signed correctly with the right secret, but HS512 is not the pinned algorithm.
    return _hand_signed({"alg": "HS512", "typ": "JWT"}, _claims(user), TEST_SECRET, "sha512")


def _rs256_header_hmac_signature(user: UserWithTokens) -> str:
    # Algorithm confusion: claims RS256, signed with the HMAC secret.
    return _hand_signed({"alg": "RS256", "typ": "JWT"}, _claims(user), TEST_SECRET)


def _wrong_key(user: UserWithTokens) -> str:
    return jwt.encode(_claims(user), "another-secret-key-that-is-long-enough-xx", algorithm="HS256")


def _tampered(user: UserWithTokens) -> str:
    header, _, signature = user.tokens.access_token.split(".")
    forged = _b64(json.dumps(_claims(user, sub=str(user.id + 1000))).encode())
    return f"{header}.{forged}.{signature}"


def _garbage(_: UserWithTokens) -> str:
    return "this-is-not-a-token"


def _truncated(user: UserWithTokens) -> str:
    return user.tokens.access_token[:-12]


def _expired(user: UserWithTokens) -> str:
    past = datetime.now(UTC) - timedelta(minutes=1)
    claims = _claims(user, exp=int(past.timestamp()), iat=int(past.timestamp()) - 60)
    return jwt.encode(claims, TEST_SECRET, algorithm="HS256")


def _without(claim: str) -> Callable[[UserWithTokens], str]:
    def build(user: UserWithTokens) -> str:
        return jwt.encode(_claims(user, **{claim: None}), TEST_SECRET, algorithm="HS256")

    return build


def _with(**changes: Any) -> Callable[[UserWithTokens], str]:
    def build(user: UserWithTokens) -> str:
        return jwt.encode(_claims(user, **changes), TEST_SECRET, algorithm="HS256")

    return build


def _refresh_token_as_access_token(user: UserWithTokens) -> str:
    return user.tokens.refresh_token


FORGERIES: dict[str, Callable[[UserWithTokens], str]] = {
    "alg_none": _alg_none,
    "hs512": _hs512,
    "rs256_header": _rs256_header_hmac_signature,
    "wrong_key": _wrong_key,
    "tampered_payload": _tampered,
    "garbage": _garbage,
    "truncated": _truncated,
    "expired": _expired,
    "missing_sub": _without("sub"),
    "missing_exp": _without("exp"),
    "missing_type": _without("type"),
    "missing_sid": _without("sid"),
    "missing_jti": _without("jti"),
    "type_refresh": _with(type="refresh"),
    "sub_not_a_number": _with(sub="admin"),
    "sub_huge": _with(sub="9" * 40),
    "sub_as_integer": _with(sub=1),
    "sid_of_nobody": _with(sid="987654"),
    "refresh_token_as_access_token": _refresh_token_as_access_token,
}


@pytest.mark.parametrize("forgery", list(FORGERIES))
async def test_forged_or_broken_access_token_is_401(
    app: FastAPI, client: AsyncClient, forgery: str
) -> None:
    user = await make_user(app)
    assert (await client.get(ME, headers=user.headers)).status_code == 200
    response = await client.get(ME, headers=bearer(FORGERIES[forgery](user)))
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json() == {"detail": "Invalid or expired token"}


@pytest.mark.parametrize(
    "authorization", ["", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc"]
)
async def test_missing_or_non_bearer_authorization_is_401(
    client: AsyncClient, authorization: str
) -> None:
    response = await client.get(ME, headers={"Authorization": authorization})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


async def test_token_of_a_deleted_user_is_401(app: FastAPI, client: AsyncClient) -> None:
    user = await make_user(app)
    database: Database = app.state.database
    async with database.sessionmaker() as session, session.begin():
        await session.execute(delete(User).where(User.id == user.id))
    response = await client.get(ME, headers=user.headers)
    assert response.status_code == 401


async def test_token_of_a_deactivated_user_is_401(app: FastAPI, client: AsyncClient) -> None:
    user = await make_user(app)
    database: Database = app.state.database
    async with database.sessionmaker() as session, session.begin():
        await session.execute(update(User).where(User.id == user.id).values(is_active=False))
    response = await client.get(ME, headers=user.headers)
    assert response.status_code == 401


async def test_tokens_issued_before_logout_all_are_401(app: FastAPI, client: AsyncClient) -> None:
    user = await make_user(app)
    other_login = (await login(client, user.user.username)).json()
    response = await client.post("/api/v1/auth/logout-all", headers=user.headers)
    assert response.status_code == 204
    for access_token in (user.tokens.access_token, other_login["access_token"]):
        assert (await client.get(ME, headers=bearer(access_token))).status_code == 401
    refreshed = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": other_login["refresh_token"]}
    )
    assert refreshed.status_code == 401


async def test_tokens_issued_before_a_password_change_are_401(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await make_user(app)
    other_login = (await login(client, user.user.username)).json()
    changed = await client.post(
        "/api/v1/users/me/password",
        json={"current_password": user.password, "new_password": "a brand new passphrase"},
        headers=user.headers,
    )
    assert changed.status_code == 200
    for access_token in (user.tokens.access_token, other_login["access_token"]):
        assert (await client.get(ME, headers=bearer(access_token))).status_code == 401
    fresh = changed.json()["access_token"]
    assert (await client.get(ME, headers=bearer(fresh))).status_code == 200
