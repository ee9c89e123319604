"""The client IP behind proxies: X-Forwarded-For counts only from TASKFLOW_TRUSTED_PROXIES."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from tests.factories import bearer, login, make_user

FORWARDED = {"X-Forwarded-For": "203.0.113.9"}


async def _session_ip(client: AsyncClient, access_token: str) -> str:
    sessions = await client.get("/api/v1/auth/sessions", headers=bearer(access_token))
    [current] = [item for item in sessions.json()["items"] if item["current"]]
    return str(current["ip"])


async def test_forwarded_for_from_an_untrusted_peer_is_ignored(
    app: FastAPI, client: AsyncClient
) -> None:
    await make_user(app, username="grace")
    response = await login(client, "grace", headers=FORWARDED)
    assert await _session_ip(client, response.json()["access_token"]) == "127.0.0.1"


@pytest.mark.parametrize("settings_overrides", [{"trusted_proxies": ["127.0.0.0/8"]}])
async def test_forwarded_for_from_a_trusted_proxy_is_the_client_ip(
    app: FastAPI, client: AsyncClient
) -> None:
    await make_user(app, username="grace")
    response = await login(client, "grace", headers=FORWARDED)
    assert await _session_ip(client, response.json()["access_token"]) == "203.0.113.9"


@pytest.mark.parametrize(
    "settings_overrides", [{"trusted_proxies": ["127.0.0.1"], "login_max_attempts": 2}]
)
async def test_login_limit_counts_per_forwarded_client_ip(
    app: FastAPI, client: AsyncClient
) -> None:
    await make_user(app, username="grace")
    attacker = {"X-Forwarded-For": "198.51.100.7"}
    for _ in range(2):
        assert (await login(client, "grace", "wrong password", headers=attacker)).status_code == 401
    assert (await login(client, "grace", headers=attacker)).status_code == 429
    # The real user, behind the same proxy but from another address, is not locked out.
    assert (await login(client, "grace", headers=FORWARDED)).status_code == 200


@pytest.mark.parametrize("settings_overrides", [{"login_max_attempts": 2}])
async def test_spoofed_forwarded_for_does_not_escape_the_limit(
    app: FastAPI, client: AsyncClient
) -> None:
    await make_user(app, username="grace")
    for number in range(2):
        spoofed = {"X-Forwarded-For": f"192.0.2.{number}"}
        assert (await login(client, "grace", "wrong password", headers=spoofed)).status_code == 401
    spoofed = {"X-Forwarded-For": "192.0.2.99"}
    assert (await login(client, "grace", headers=spoofed)).status_code == 429
