"""Personal API tokens (SPEC §8): shown once, hashed, scoped, expiring, revocable, refused
for credential management, and live on the WebSocket until revoked."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select, update

from taskflow.auth.api_token_models import ApiToken
from taskflow.db import Database
from tests.factories import bearer
from tests.factories_domain import quick_user
from tests.realtime.sockets import close_code, open_socket, still_open

TOKENS = "/api/v1/auth/api-tokens"


async def _create(
    client: AsyncClient, headers: dict[str, str], **body: object
) -> dict[str, object]:
    response = await client.post(
        TOKENS, json={"name": "script", "scopes": ["read", "write"], **body}, headers=headers
    )
    assert response.status_code == 201, response.text
    created: dict[str, object] = response.json()
    return created


async def test_a_token_is_shown_once_and_stored_only_as_its_sha256(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await quick_user(app)
    created = await _create(client, user.headers, scopes=["read"])
    token = created["token"]
    assert isinstance(token, str)
    assert token.startswith("tf_")
    assert len(token) >= 3 + 27
    assert created["scopes"] == ["read"]
    assert created["last_used_at"] is None

    listed = (await client.get(TOKENS, headers=user.headers)).json()
    assert listed["total"] == 1
    assert "token" not in listed["items"][0]
    database: Database = app.state.database
    async with database.sessionmaker() as session:
        stored = (await session.execute(select(ApiToken.token_hash))).scalar_one()
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored


async def test_a_token_authenticates_and_its_last_use_is_recorded(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await quick_user(app)
    token = str((await _create(client, user.headers))["token"])
    me = await client.get("/api/v1/users/me", headers=bearer(token))
    assert me.status_code == 200
    assert me.json()["id"] == user.id
    await app.state.jobs.drain()
    listed = (await client.get(TOKENS, headers=user.headers)).json()
    assert listed["items"][0]["last_used_at"] is not None


async def test_last_used_at_is_written_at_most_once_a_minute(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await quick_user(app)
    token = str((await _create(client, user.headers))["token"])
    await client.get("/api/v1/users/me", headers=bearer(token))
    await app.state.jobs.drain()
    first = (await client.get(TOKENS, headers=user.headers)).json()["items"][0]["last_used_at"]
    for _ in range(3):
        assert (await client.get("/api/v1/users/me", headers=bearer(token))).status_code == 200
    await app.state.jobs.drain()
    again = (await client.get(TOKENS, headers=user.headers)).json()["items"][0]["last_used_at"]
    assert again == first


async def test_a_read_token_gets_403_on_any_write_and_a_write_token_writes(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await quick_user(app)
    reader = str((await _create(client, user.headers, scopes=["read"]))["token"])
    writer = str((await _create(client, user.headers, scopes=["write"]))["token"])
    assert (await client.get("/api/v1/tasks", headers=bearer(reader))).status_code == 200
    refused = await client.post("/api/v1/tasks", json={"title": "x"}, headers=bearer(reader))
    assert refused.status_code == 403
    assert "read scope" in refused.json()["detail"]
    assert (await client.get("/api/v1/tasks", headers=user.headers)).json()["total"] == 0
    made = await client.post("/api/v1/tasks", json={"title": "x"}, headers=bearer(writer))
    assert made.status_code == 201


async def test_no_token_may_manage_tokens_sessions_password_or_delete_the_account(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await quick_user(app)
    token = bearer(str((await _create(client, user.headers))["token"]))
    attempts = [
        ("GET", TOKENS, None),
        ("POST", TOKENS, {"name": "more", "scopes": ["read"]}),
        ("GET", "/api/v1/auth/sessions", None),
        ("POST", "/api/v1/auth/logout-all", None),
        (
            "POST",
            "/api/v1/users/me/password",
            {"current_password": user.password, "new_password": "another long passphrase"},
        ),
        ("DELETE", "/api/v1/users/me", {"password": user.password}),
        ("POST", "/api/v1/users/me/calendar-token", None),
    ]
    for method, path, body in attempts:
        response = await client.request(method, path, json=body, headers=token)
        assert response.status_code == 403, (method, path, response.text)
    assert (await client.get("/api/v1/users/me", headers=user.headers)).status_code == 200
    assert (await client.get(TOKENS, headers=user.headers)).json()["total"] == 1


async def test_revoking_expiry_and_deactivation_stop_a_token_at_once(
    app: FastAPI, client: AsyncClient
) -> None:
    admin = await quick_user(app, is_superuser=True)
    user = await quick_user(app)
    revoked = await _create(client, user.headers)
    expiring = await _create(client, user.headers)
    kept = await _create(client, user.headers)
    gone = await client.delete(f"{TOKENS}/{revoked['id']}", headers=user.headers)
    assert gone.status_code == 204
    assert (
        await client.get("/api/v1/users/me", headers=bearer(str(revoked["token"])))
    ).status_code == 401
    # another user's token is not found
    other = await quick_user(app)
    assert (await client.delete(f"{TOKENS}/{kept['id']}", headers=other.headers)).status_code == 404

    database: Database = app.state.database
    async with database.sessionmaker() as session, session.begin():
        await session.execute(
            update(ApiToken)
            .where(ApiToken.id == expiring["id"])
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert (
        await client.get("/api/v1/users/me", headers=bearer(str(expiring["token"])))
    ).status_code == 401
    assert (
        await client.get("/api/v1/users/me", headers=bearer(str(kept["token"])))
    ).status_code == 200

    off = await client.patch(
        f"/api/v1/users/{user.id}", json={"is_active": False}, headers=admin.headers
    )
    assert off.status_code == 200
    assert (
        await client.get("/api/v1/users/me", headers=bearer(str(kept["token"])))
    ).status_code == 401


async def test_bad_token_requests_are_422_and_write_nothing(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await quick_user(app)
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    for body in (
        {"name": "x", "scopes": ["admin"]},
        {"name": "x", "scopes": []},
        {"name": "", "scopes": ["read"]},
        {"name": "x", "scopes": ["read"], "expires_at": past},
        {"name": "x", "scopes": ["read"], "expires_at": "tomorrow"},
        {"name": "x", "scopes": "read"},
    ):
        response = await client.post(TOKENS, json=body, headers=user.headers)
        assert response.status_code == 422, body
    assert (await client.get(TOKENS, headers=user.headers)).json()["total"] == 0
    assert (
        await client.get("/api/v1/users/me", headers=bearer("tf_not-a-token"))
    ).status_code == 401


async def test_a_socket_opened_with_a_token_closes_when_the_token_is_revoked(
    app: FastAPI, client: AsyncClient, ws_url: str
) -> None:
    user = await quick_user(app)
    revoked = await _create(client, user.headers, scopes=["read"])
    kept = await _create(client, user.headers, scopes=["read"])
    ending = await open_socket(ws_url, str(revoked["token"]))
    staying = await open_socket(ws_url, str(kept["token"]))
    assert (
        await client.delete(f"{TOKENS}/{revoked['id']}", headers=user.headers)
    ).status_code == 204
    assert await close_code(ending, within=1.0) == 4401
    assert await still_open(staying)
    await staying.close()


async def test_a_socket_opened_with_a_token_closes_when_its_user_is_deactivated(
    app: FastAPI, client: AsyncClient, ws_url: str
) -> None:
    admin = await quick_user(app, is_superuser=True)
    user = await quick_user(app)
    token = await _create(client, user.headers, scopes=["read"])
    socket = await open_socket(ws_url, str(token["token"]))
    off = await client.patch(
        f"/api/v1/users/{user.id}", json={"is_active": False}, headers=admin.headers
    )
    assert off.status_code == 200
    assert await close_code(socket, within=1.0) == 4401
