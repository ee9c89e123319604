"""Superuser routes: /users?search=, /users/{id} GET, PATCH, DELETE; everyone else gets 403."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from tests.factories import login, make_user

USERS = "/api/v1/users"


async def test_superuser_lists_users_paginated(app: FastAPI, client: AsyncClient) -> None:
    admin = await make_user(app, username="admin", is_superuser=True)
    for name in ("alice", "bob", "carol"):
        await make_user(app, username=name)
    response = await client.get(USERS, params={"limit": 2, "offset": 1}, headers=admin.headers)
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 4
    assert body["limit"] == 2
    assert body["offset"] == 1
    assert [item["username"] for item in body["items"]] == ["alice", "bob"]
    assert "hashed_password" not in response.text
    default = (await client.get(USERS, headers=admin.headers)).json()
    assert default["limit"] == 20
    assert default["offset"] == 0


async def test_search_matches_email_username_or_name_case_insensitively(
    app: FastAPI, client: AsyncClient
) -> None:
    admin = await make_user(app, username="admin", is_superuser=True)
    await make_user(app, username="alice", full_name="Alice Liddell")
    await make_user(app, username="bob", email="robert@wonder.land")
    await make_user(app, username="under_score")
    for search, expected in [
        ("LIDDELL", ["alice"]),
        ("wonder", ["bob"]),
        ("ALI", ["alice"]),
        ("_", ["under_score"]),  # a literal underscore, not a wildcard
        ("%", []),
        ("nobody", []),
    ]:
        response = await client.get(USERS, params={"search": search}, headers=admin.headers)
        assert response.status_code == 200
        assert [item["username"] for item in response.json()["items"]] == expected, search
        assert response.json()["total"] == len(expected)


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"limit": "x"}])
async def test_bad_pagination_is_422(
    app: FastAPI, client: AsyncClient, params: dict[str, int | str]
) -> None:
    admin = await make_user(app, is_superuser=True)
    response = await client.get(USERS, params=params, headers=admin.headers)
    assert response.status_code == 422


async def test_regular_users_get_403_on_every_admin_route(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await make_user(app)
    other = await make_user(app)
    calls = [
        ("GET", USERS, None),
        ("GET", f"{USERS}/{other.id}", None),
        ("PATCH", f"{USERS}/{other.id}", {"is_active": False}),
        ("DELETE", f"{USERS}/{other.id}", None),
        ("PATCH", f"{USERS}/{user.id}", {"is_superuser": True}),
    ]
    for method, path, body in calls:
        response = await client.request(method, path, json=body, headers=user.headers)
        assert response.status_code == 403, (method, path)
        assert response.json() == {"detail": "Superuser only"}
    assert (await client.get(USERS)).status_code == 401


async def test_superuser_reads_one_user_or_404(app: FastAPI, client: AsyncClient) -> None:
    admin = await make_user(app, is_superuser=True)
    user = await make_user(app, username="alice")
    response = await client.get(f"{USERS}/{user.id}", headers=admin.headers)
    assert response.status_code == 200
    assert response.json()["username"] == "alice"
    missing = await client.get(f"{USERS}/999999", headers=admin.headers)
    assert missing.status_code == 404
    assert missing.json() == {"detail": "User not found"}
    assert (await client.get(f"{USERS}/nope", headers=admin.headers)).status_code == 422


async def test_deactivating_a_user_ends_their_sessions_and_blocks_login(
    app: FastAPI, client: AsyncClient
) -> None:
    admin = await make_user(app, is_superuser=True)
    user = await make_user(app, username="alice")
    response = await client.patch(
        f"{USERS}/{user.id}", json={"is_active": False}, headers=admin.headers
    )
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert (await client.get(f"{USERS}/me", headers=user.headers)).status_code == 401
    assert (await login(client, "alice")).status_code == 403
    # Reactivated, the old sessions stay dead; a new login works.
    await client.patch(f"{USERS}/{user.id}", json={"is_active": True}, headers=admin.headers)
    refreshed = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": user.tokens.refresh_token}
    )
    assert refreshed.status_code == 401
    assert (await login(client, "alice")).status_code == 200


async def test_superuser_promotes_and_edits_a_user(app: FastAPI, client: AsyncClient) -> None:
    admin = await make_user(app, is_superuser=True)
    user = await make_user(app, username="alice", is_verified=False)
    response = await client.patch(
        f"{USERS}/{user.id}",
        json={"is_superuser": True, "is_verified": True, "full_name": "Alice L."},
        headers=admin.headers,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["is_superuser"] is True
    assert body["is_verified"] is True
    assert body["full_name"] == "Alice L."
    assert (await client.get(USERS, headers=user.headers)).status_code == 200


async def test_the_last_superuser_cannot_be_demoted_or_deactivated(
    app: FastAPI, client: AsyncClient
) -> None:
    admin = await make_user(app, is_superuser=True)
    for change in ({"is_superuser": False}, {"is_active": False}):
        response = await client.patch(f"{USERS}/{admin.id}", json=change, headers=admin.headers)
        assert response.status_code == 409
    other = await make_user(app, is_superuser=True)
    demoted = await client.patch(
        f"{USERS}/{admin.id}", json={"is_superuser": False}, headers=other.headers
    )
    assert demoted.status_code == 200


async def test_patch_to_a_taken_email_is_409(app: FastAPI, client: AsyncClient) -> None:
    admin = await make_user(app, is_superuser=True)
    user = await make_user(app)
    response = await client.patch(
        f"{USERS}/{user.id}", json={"email": admin.user.email.upper()}, headers=admin.headers
    )
    assert response.status_code == 409
    assert response.json() == {"detail": "Email already registered"}


async def test_superuser_deletes_a_user(app: FastAPI, client: AsyncClient) -> None:
    admin = await make_user(app, is_superuser=True)
    user = await make_user(app, username="alice")
    response = await client.delete(f"{USERS}/{user.id}", headers=admin.headers)
    assert response.status_code == 204
    assert (await client.get(f"{USERS}/{user.id}", headers=admin.headers)).status_code == 404
    assert (await client.get(f"{USERS}/me", headers=user.headers)).status_code == 401
    assert (await client.delete(f"{USERS}/{user.id}", headers=admin.headers)).status_code == 404
    # The address is free again.
    again = await client.post(
        "/api/v1/auth/register",
        json={"email": user.user.email, "username": "alice", "password": "a fine passphrase"},
    )
    assert again.status_code == 201


async def test_the_last_superuser_cannot_delete_themselves(
    app: FastAPI, client: AsyncClient
) -> None:
    admin = await make_user(app, is_superuser=True)
    response = await client.delete(f"{USERS}/{admin.id}", headers=admin.headers)
    assert response.status_code == 409
