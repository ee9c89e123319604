"""GET /auth/sessions, DELETE /auth/sessions/{id}, POST /auth/logout-all."""

from __future__ import annotations

from fastapi import FastAPI
from httpx import AsyncClient

from tests.factories import bearer, login, make_user

SESSIONS = "/api/v1/auth/sessions"
ME = "/api/v1/users/me"


async def test_sessions_lists_live_logins_and_marks_the_current_one(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await make_user(app)
    second = (await login(client, user.user.username, headers={"User-Agent": "Phone"})).json()
    response = await client.get(SESSIONS, headers=user.headers)
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 2
    assert body["limit"] == 20
    assert body["offset"] == 0
    assert {item["current"] for item in body["items"]} == {True, False}
    [current] = [item for item in body["items"] if item["current"]]
    assert current["id"] == user.tokens.session_id
    assert set(current) == {
        "id",
        "created_at",
        "last_used_at",
        "user_agent",
        "ip",
        "current",
        "signed_in_with",
    }
    [phone] = [item for item in body["items"] if not item["current"]]
    assert phone["user_agent"] == "Phone"
    # Seen from the other login, the marks swap.
    other_view = await client.get(SESSIONS, headers=bearer(second["access_token"]))
    [current] = [item for item in other_view.json()["items"] if item["current"]]
    assert current["id"] == phone["id"]


async def test_sessions_list_is_paginated(app: FastAPI, client: AsyncClient) -> None:
    user = await make_user(app)
    for _ in range(2):
        await login(client, user.user.username)
    page = await client.get(SESSIONS, params={"limit": 2, "offset": 1}, headers=user.headers)
    assert page.status_code == 200
    assert page.json()["total"] == 3
    assert len(page.json()["items"]) == 2
    for bad in ({"limit": 0}, {"limit": 101}, {"offset": -1}, {"limit": "many"}):
        assert (await client.get(SESSIONS, params=bad, headers=user.headers)).status_code == 422


async def test_sessions_shows_nothing_of_other_users(app: FastAPI, client: AsyncClient) -> None:
    user = await make_user(app)
    await make_user(app)
    body = (await client.get(SESSIONS, headers=user.headers)).json()
    assert [item["id"] for item in body["items"]] == [user.tokens.session_id]


async def test_deleting_a_session_ends_its_tokens(app: FastAPI, client: AsyncClient) -> None:
    user = await make_user(app)
    other = (await login(client, user.user.username)).json()
    sessions = (await client.get(SESSIONS, headers=user.headers)).json()["items"]
    [other_session] = [item for item in sessions if not item["current"]]
    response = await client.delete(f"{SESSIONS}/{other_session['id']}", headers=user.headers)
    assert response.status_code == 204
    assert (await client.get(ME, headers=bearer(other["access_token"]))).status_code == 401
    refreshed = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": other["refresh_token"]}
    )
    assert refreshed.status_code == 401
    assert (await client.get(ME, headers=user.headers)).status_code == 200
    remaining = (await client.get(SESSIONS, headers=user.headers)).json()
    assert remaining["total"] == 1


async def test_deleting_the_current_session_logs_out(app: FastAPI, client: AsyncClient) -> None:
    user = await make_user(app)
    path = f"{SESSIONS}/{user.tokens.session_id}"
    assert (await client.delete(path, headers=user.headers)).status_code == 204
    assert (await client.get(ME, headers=user.headers)).status_code == 401


async def test_another_users_session_is_404_and_survives(app: FastAPI, client: AsyncClient) -> None:
    user = await make_user(app)
    victim = await make_user(app)
    path = f"{SESSIONS}/{victim.tokens.session_id}"
    response = await client.delete(path, headers=user.headers)
    assert response.status_code == 404
    assert response.json() == {"detail": "Session not found"}
    assert (await client.get(ME, headers=victim.headers)).status_code == 200
    missing = await client.delete(f"{SESSIONS}/999999", headers=user.headers)
    assert missing.status_code == 404
    assert (await client.delete(f"{SESSIONS}/abc", headers=user.headers)).status_code == 422


async def test_sessions_need_a_bearer_token(client: AsyncClient) -> None:
    assert (await client.get(SESSIONS)).status_code == 401
    assert (await client.delete(f"{SESSIONS}/1")).status_code == 401
    assert (await client.post("/api/v1/auth/logout-all")).status_code == 401


async def test_logout_all_leaves_other_users_alone(app: FastAPI, client: AsyncClient) -> None:
    user = await make_user(app)
    other = await make_user(app)
    assert (await client.post("/api/v1/auth/logout-all", headers=user.headers)).status_code == 204
    assert (await client.get(ME, headers=user.headers)).status_code == 401
    assert (await client.get(ME, headers=other.headers)).status_code == 200
