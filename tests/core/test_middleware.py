"""Security headers that depend on how the request arrived (docs/deploy.md, HTTPS)."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

HTTPS = {"X-Forwarded-Proto": "https"}
HSTS = "max-age=31536000; includeSubDomains"


@pytest.mark.parametrize("settings_overrides", [{"trusted_proxies": ["127.0.0.1"]}])
async def test_hsts_is_sent_when_a_trusted_proxy_says_https(client: AsyncClient) -> None:
    response = await client.get("/health/live", headers=HTTPS)
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == HSTS
    plain = await client.get("/health/live")
    assert "Strict-Transport-Security" not in plain.headers


async def test_hsts_is_not_sent_when_an_untrusted_peer_says_https(client: AsyncClient) -> None:
    response = await client.get("/health/live", headers=HTTPS)
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers
    assert response.headers["X-Frame-Options"] == "DENY"
