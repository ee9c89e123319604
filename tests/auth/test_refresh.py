"""POST /auth/refresh and /auth/logout: rotation, reuse detection, expiry, the web app cookie."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import select, update

from taskflow.auth.models import AuthSession
from taskflow.db import Database, utcnow
from taskflow.users.models import User
from tests.factories import bearer, make_user

REFRESH = "/api/v1/auth/refresh"
LOGOUT = "/api/v1/auth/logout"
ME = "/api/v1/users/me"
WEB_APP = {"X-Requested-With": "taskflow"}
INVALID = {"detail": "Invalid or expired refresh token"}


async def _refresh(client: AsyncClient, token: str) -> tuple[int, dict[str, object]]:
    response = await client.post(REFRESH, json={"refresh_token": token})
    return response.status_code, response.json()


async def test_refresh_rotates_the_pair_and_spends_the_old_token(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await make_user(app)
    response = await client.post(REFRESH, json={"refresh_token": user.tokens.refresh_token})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["refresh_token"] != user.tokens.refresh_token
    assert (await client.get(ME, headers=bearer(body["access_token"]))).status_code == 200
    # The session (sid) is the same one: it is still one entry in the sessions list.
    sessions = await client.get("/api/v1/auth/sessions", headers=bearer(body["access_token"]))
    assert sessions.json()["total"] == 1
    assert sessions.json()["items"][0]["id"] == user.tokens.session_id


async def test_reused_refresh_token_revokes_the_whole_family(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await make_user(app)
    status, first = await _refresh(client, user.tokens.refresh_token)
    assert status == 200
    status, second = await _refresh(client, str(first["refresh_token"]))
    assert status == 200
    # The spent first token comes back: stolen. Everything of this login dies.
    status, body = await _refresh(client, user.tokens.refresh_token)
    assert status == 401
    assert body == INVALID
    status, body = await _refresh(client, str(second["refresh_token"]))
    assert status == 401
    assert (await client.get(ME, headers=bearer(str(second["access_token"])))).status_code == 401


async def test_reuse_revokes_only_that_family(app: FastAPI, client: AsyncClient) -> None:
    user = await make_user(app)
    other = await client.post(
        "/api/v1/auth/token", data={"username": user.user.username, "password": user.password}
    )
    assert (await _refresh(client, user.tokens.refresh_token))[0] == 200
    assert (await _refresh(client, user.tokens.refresh_token))[0] == 401
    assert (await _refresh(client, other.json()["refresh_token"]))[0] == 200


async def test_two_concurrent_refreshes_give_exactly_one_success(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await make_user(app)
    results = await asyncio.gather(*(_refresh(client, user.tokens.refresh_token) for _ in range(2)))
    assert sorted(status for status, _ in results) == [200, 401]


async def test_many_concurrent_refreshes_give_exactly_one_success(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await make_user(app)
    results = await asyncio.gather(*(_refresh(client, user.tokens.refresh_token) for _ in range(6)))
    assert sorted(status for status, _ in results) == [200, 401, 401, 401, 401, 401]


async def test_unknown_or_malformed_refresh_token_is_401(client: AsyncClient) -> None:
    for token in ["not-a-token", "x" * 43, "a"]:
        status, body = await _refresh(client, token)
        assert status == 401
        assert body == INVALID
    too_long = await client.post(REFRESH, json={"refresh_token": "x" * 1000})
    assert too_long.status_code == 422
    missing = await client.post(REFRESH, json={})
    assert missing.status_code == 401
    assert missing.json() == {"detail": "Refresh token missing"}


async def test_access_token_is_not_a_refresh_token(app: FastAPI, client: AsyncClient) -> None:
    user = await make_user(app)
    status, _ = await _refresh(client, user.tokens.access_token[:200])
    assert status == 401


async def test_refresh_after_logout_is_401(app: FastAPI, client: AsyncClient) -> None:
    user = await make_user(app)
    response = await client.post(LOGOUT, json={"refresh_token": user.tokens.refresh_token})
    assert response.status_code == 204
    assert (await _refresh(client, user.tokens.refresh_token))[0] == 401
    assert (await client.get(ME, headers=user.headers)).status_code == 401


async def test_logout_with_an_unknown_token_is_still_204(client: AsyncClient) -> None:
    assert (await client.post(LOGOUT, json={"refresh_token": "unknown"})).status_code == 204
    assert (await client.post(LOGOUT)).status_code == 204


async def test_refresh_past_the_absolute_expiry_is_401(app: FastAPI, client: AsyncClient) -> None:
    user = await make_user(app)
    database: Database = app.state.database
    async with database.sessionmaker() as session, session.begin():
        await session.execute(
            update(AuthSession)
            .where(AuthSession.id == user.tokens.session_id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    assert (await _refresh(client, user.tokens.refresh_token))[0] == 401


async def test_refresh_of_an_idle_session_is_401(app: FastAPI, client: AsyncClient) -> None:
    user = await make_user(app)
    idle_days = app.state.settings.refresh_token_idle_days
    database: Database = app.state.database
    async with database.sessionmaker() as session, session.begin():
        await session.execute(
            update(AuthSession)
            .where(AuthSession.id == user.tokens.session_id)
            .values(last_used_at=utcnow() - timedelta(days=idle_days, seconds=1))
        )
    assert (await _refresh(client, user.tokens.refresh_token))[0] == 401


async def test_refresh_updates_the_session_last_used_at(app: FastAPI, client: AsyncClient) -> None:
    user = await make_user(app)
    database: Database = app.state.database
    long_ago = utcnow() - timedelta(days=1)
    async with database.sessionmaker() as session, session.begin():
        await session.execute(
            update(AuthSession)
            .where(AuthSession.id == user.tokens.session_id)
            .values(last_used_at=long_ago)
        )
    assert (await _refresh(client, user.tokens.refresh_token))[0] == 200
    async with database.sessionmaker() as session:
        last_used = (
            await session.execute(
                select(AuthSession.last_used_at).where(AuthSession.id == user.tokens.session_id)
            )
        ).scalar_one()
    assert last_used > long_ago + timedelta(hours=23)


async def test_refresh_of_a_deactivated_user_is_401(app: FastAPI, client: AsyncClient) -> None:
    user = await make_user(app)
    database: Database = app.state.database
    async with database.sessionmaker() as session, session.begin():
        await session.execute(update(User).where(User.id == user.id).values(is_active=False))
    assert (await _refresh(client, user.tokens.refresh_token))[0] == 401


# --- the web app's cookie mode ----------------------------------------------------------------


async def test_login_from_the_web_app_sets_the_refresh_cookie(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await make_user(app)
    response = await client.post(
        "/api/v1/auth/token",
        data={"username": user.user.username, "password": user.password},
        headers=WEB_APP,
    )
    assert response.status_code == 200
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"taskflow_refresh={response.json()['refresh_token']};")
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "path", "samesite", "max-age"} <= attributes
    assert "Path=/api/v1/auth" in cookie
    assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie
    assert "secure" not in attributes  # plain http here; https below


async def test_login_without_the_header_sets_no_cookie(app: FastAPI, client: AsyncClient) -> None:
    user = await make_user(app)
    response = await client.post(
        "/api/v1/auth/token", data={"username": user.user.username, "password": user.password}
    )
    assert "set-cookie" not in response.headers


async def test_cookie_is_secure_over_https(app: FastAPI) -> None:
    user = await make_user(app)
    async with AsyncClient(transport=ASGITransport(app=app), base_url="https://test") as client:
        response = await client.post(
            "/api/v1/auth/token",
            data={"username": user.user.username, "password": user.password},
            headers=WEB_APP,
        )
    assert "Secure" in response.headers["set-cookie"]


async def _web_app_login(app: FastAPI, client: AsyncClient) -> str:
    """Logs a new user in as the web app does (the client keeps the cookie): the refresh token."""
    user = await make_user(app)
    response = await client.post(
        "/api/v1/auth/token",
        data={"username": user.user.username, "password": user.password},
        headers=WEB_APP,
    )
    assert response.status_code == 200
    token: str = response.json()["refresh_token"]
    assert client.cookies.get("taskflow_refresh") == token
    return token


async def test_web_app_refreshes_and_logs_out_with_the_cookie(
    app: FastAPI, client: AsyncClient
) -> None:
    await _web_app_login(app, client)
    refreshed = await client.post(REFRESH, headers=WEB_APP)
    assert refreshed.status_code == 200
    new_token = refreshed.json()["refresh_token"]
    assert f"taskflow_refresh={new_token};" in refreshed.headers["set-cookie"]
    assert client.cookies.get("taskflow_refresh") == new_token
    logged_out = await client.post(LOGOUT, headers=WEB_APP)
    assert logged_out.status_code == 204
    assert 'taskflow_refresh="";' in logged_out.headers["set-cookie"] or (
        "Max-Age=0" in logged_out.headers["set-cookie"]
    )
    assert (await _refresh(client, new_token))[0] == 401


async def test_cookie_without_the_header_is_ignored(app: FastAPI, client: AsyncClient) -> None:
    """CSRF: a cross-site form post carries the cookie but cannot add the header."""
    token = await _web_app_login(app, client)
    refreshed = await client.post(REFRESH)
    assert refreshed.status_code == 401
    assert (await client.post(LOGOUT)).status_code == 204
    # The logout without the header did nothing: the session is alive.
    client.cookies.clear()
    assert (await _refresh(client, token))[0] == 200
