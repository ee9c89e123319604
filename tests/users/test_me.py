"""/users/me: read, update, delete the caller's account; change the password."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import func, select

from taskflow.auth.models import AuthSession
from taskflow.db import Database
from tests.conftest import SmtpServer
from tests.factories import bearer, link_token, login, make_user

ME = "/api/v1/users/me"
PASSWORD = "/api/v1/users/me/password"
NEW_PASSWORD = "a completely new passphrase"


async def test_read_me_returns_the_public_user_and_no_hash(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await make_user(app, username="Ada", full_name="Ada Lovelace")
    response = await client.get(ME, headers=user.headers)
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "id": user.id,
        "email": "ada@example.com",
        "username": "Ada",
        "full_name": "Ada Lovelace",
        "is_active": True,
        "is_verified": True,
        "is_superuser": False,
        "two_factor_enabled": False,
        "timezone": "UTC",
        "created_at": body["created_at"],
    }
    assert "hashed_password" not in response.text


async def test_read_me_without_a_token_is_401(client: AsyncClient) -> None:
    response = await client.get(ME)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


async def test_update_me_changes_name_and_username(app: FastAPI, client: AsyncClient) -> None:
    user = await make_user(app, username="ada")
    response = await client.patch(
        ME, json={"full_name": "  Ada King  ", "username": "Countess"}, headers=user.headers
    )
    assert response.status_code == 200
    assert response.json()["full_name"] == "Ada King"
    assert response.json()["username"] == "Countess"
    assert (await login(client, "countess")).status_code == 200


async def test_update_me_with_nothing_changes_nothing(app: FastAPI, client: AsyncClient) -> None:
    user = await make_user(app, username="ada")
    response = await client.patch(ME, json={}, headers=user.headers)
    assert response.status_code == 200
    assert response.json()["username"] == "ada"
    nulls = await client.patch(ME, json={"username": None, "email": None}, headers=user.headers)
    assert nulls.status_code == 200
    assert nulls.json()["username"] == "ada"


async def test_update_me_to_a_taken_username_is_409(app: FastAPI, client: AsyncClient) -> None:
    user = await make_user(app, username="ada")
    await make_user(app, username="grace")
    response = await client.patch(ME, json={"username": "GRACE"}, headers=user.headers)
    assert response.status_code == 409
    assert response.json() == {"detail": "Username already registered"}
    # Changing only the case of one's own name is fine.
    own = await client.patch(ME, json={"username": "ADA"}, headers=user.headers)
    assert own.status_code == 200


@pytest.mark.parametrize(
    "body",
    [{"username": "a b"}, {"email": "nope"}, {"full_name": "x" * 201}, {"is_superuser": True}],
)
async def test_update_me_refuses_invalid_or_privileged_fields(
    app: FastAPI, client: AsyncClient, body: dict[str, object]
) -> None:
    user = await make_user(app)
    response = await client.patch(ME, json=body, headers=user.headers)
    assert response.status_code == 422


async def test_changing_the_email_needs_the_password_and_unverifies(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await make_user(app, is_verified=True)
    without = await client.patch(ME, json={"email": "new@example.com"}, headers=user.headers)
    assert without.status_code == 400
    wrong = await client.patch(
        ME,
        json={"email": "new@example.com", "current_password": "wrong password"},
        headers=user.headers,
    )
    assert wrong.status_code == 400
    assert wrong.json() == {"detail": "Incorrect password"}
    right = await client.patch(
        ME,
        json={"email": "New@Example.com", "current_password": user.password},
        headers=user.headers,
    )
    assert right.status_code == 200
    assert right.json()["email"] == "new@example.com"
    assert right.json()["is_verified"] is False


async def test_changing_the_email_to_a_taken_one_is_409(app: FastAPI, client: AsyncClient) -> None:
    user = await make_user(app)
    other = await make_user(app)
    response = await client.patch(
        ME,
        json={"email": other.user.email, "current_password": user.password},
        headers=user.headers,
    )
    assert response.status_code == 409
    assert response.json() == {"detail": "Email already registered"}


async def test_change_password_returns_a_fresh_pair_and_ends_earlier_sessions(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await make_user(app)
    response = await client.post(
        PASSWORD,
        json={"current_password": user.password, "new_password": NEW_PASSWORD},
        headers=user.headers,
    )
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert (await client.get(ME, headers=user.headers)).status_code == 401
    refreshed = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": user.tokens.refresh_token}
    )
    assert refreshed.status_code == 401
    assert (await client.get(ME, headers=bearer(body["access_token"]))).status_code == 200
    sessions = await client.get("/api/v1/auth/sessions", headers=bearer(body["access_token"]))
    assert sessions.json()["total"] == 1
    assert (await login(client, user.user.username, user.password)).status_code == 401
    assert (await login(client, user.user.username, NEW_PASSWORD)).status_code == 200


async def test_change_password_with_the_wrong_current_password_is_400(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await make_user(app)
    response = await client.post(
        PASSWORD,
        json={"current_password": "wrong password", "new_password": NEW_PASSWORD},
        headers=user.headers,
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Incorrect password"}
    assert (await client.get(ME, headers=user.headers)).status_code == 200


async def test_change_password_refuses_a_common_password(app: FastAPI, client: AsyncClient) -> None:
    user = await make_user(app)
    response = await client.post(
        PASSWORD,
        json={"current_password": user.password, "new_password": "iloveyou"},
        headers=user.headers,
    )
    assert response.status_code == 422


@pytest.mark.parametrize("settings_overrides", [{"login_max_attempts": 2}])
async def test_password_guesses_through_the_account_routes_are_limited(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await make_user(app)
    for _ in range(2):
        response = await client.post(
            PASSWORD,
            json={"current_password": "wrong password", "new_password": NEW_PASSWORD},
            headers=user.headers,
        )
        assert response.status_code == 400
    limited = await client.request(
        "DELETE", ME, json={"password": user.password}, headers=user.headers
    )
    assert limited.status_code == 429
    assert "retry-after" in limited.headers


async def test_change_password_from_the_web_app_sets_the_cookie(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await make_user(app)
    response = await client.post(
        PASSWORD,
        json={"current_password": user.password, "new_password": NEW_PASSWORD},
        headers={**user.headers, "X-Requested-With": "taskflow"},
    )
    assert response.status_code == 200
    assert response.headers["set-cookie"].startswith(
        f"taskflow_refresh={response.json()['refresh_token']};"
    )


async def test_delete_me_with_the_password_removes_the_account(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await make_user(app)
    response = await client.request(
        "DELETE", ME, json={"password": user.password}, headers=user.headers
    )
    assert response.status_code == 204
    assert (await client.get(ME, headers=user.headers)).status_code == 401
    assert (await login(client, user.user.username)).status_code == 401
    database: Database = app.state.database
    async with database.sessionmaker() as session:
        sessions = (
            await session.execute(
                select(func.count()).select_from(AuthSession).where(AuthSession.user_id == user.id)
            )
        ).scalar_one()
    assert sessions == 0


async def test_delete_me_with_the_wrong_or_no_password_is_refused(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await make_user(app)
    wrong = await client.request(
        "DELETE", ME, json={"password": "wrong password"}, headers=user.headers
    )
    assert wrong.status_code == 400
    assert wrong.json() == {"detail": "Incorrect password"}
    missing = await client.request("DELETE", ME, json={}, headers=user.headers)
    assert missing.status_code == 422
    assert (await client.get(ME, headers=user.headers)).status_code == 200


async def test_deleting_the_last_superuser_is_409(app: FastAPI, client: AsyncClient) -> None:
    admin = await make_user(app, is_superuser=True)
    response = await client.request(
        "DELETE", ME, json={"password": admin.password}, headers=admin.headers
    )
    assert response.status_code == 409
    assert (await client.get(ME, headers=admin.headers)).status_code == 200


@pytest.fixture
def settings_overrides(smtp_server: SmtpServer) -> dict[str, object]:
    return smtp_server.settings


async def test_new_email_can_be_verified_and_old_links_die(
    app: FastAPI, client: AsyncClient, smtp_server: SmtpServer
) -> None:
    user = await make_user(app, is_verified=False)
    await client.post("/api/v1/auth/verify/request", headers=user.headers)
    [old_message] = await smtp_server.wait_for(1)
    changed = await client.patch(
        ME,
        json={"email": "moved@example.com", "current_password": user.password},
        headers=user.headers,
    )
    assert changed.status_code == 200
    old_link = link_token(old_message, "/verify-email")
    assert (
        await client.post("/api/v1/auth/verify/confirm", json={"token": old_link})
    ).status_code == 400
    await client.post("/api/v1/auth/verify/request", headers=user.headers)
    _, new_message = await smtp_server.wait_for(2)
    assert new_message["To"] == "moved@example.com"
    confirmed = await client.post(
        "/api/v1/auth/verify/confirm", json={"token": link_token(new_message, "/verify-email")}
    )
    assert confirmed.status_code == 200
    assert confirmed.json()["is_verified"] is True
