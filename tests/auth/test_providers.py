"""GET /auth/providers: how to sign in, and where emails go (the verify banner says it)."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

PROVIDERS = "/api/v1/auth/providers"


async def test_providers_say_emails_go_to_the_log_without_an_smtp_host(
    client: AsyncClient,
) -> None:
    response = await client.get(PROVIDERS)  # no token: the sign-in page asks too
    assert response.status_code == 200
    assert response.json() == {"password": True, "oidc": None, "email_delivery": "log"}


@pytest.mark.parametrize("settings_overrides", [{"smtp_host": "mail.example.com"}])
async def test_providers_say_emails_are_sent_with_an_smtp_host(client: AsyncClient) -> None:
    response = await client.get(PROVIDERS)
    assert response.status_code == 200
    assert response.json() == {"password": True, "oidc": None, "email_delivery": "smtp"}


async def test_oidc_routes_are_not_found_when_no_provider_is_configured(
    client: AsyncClient,
) -> None:
    for route in ("login", "callback?code=x&state=y"):
        response = await client.get(f"/api/v1/auth/oidc/{route}")
        assert response.status_code == 404
        assert response.json() == {"detail": "OpenID Connect sign-in is not configured"}
