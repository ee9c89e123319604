"""The SSRF guard: private targets refused (422) after resolution, unless allowed."""

from __future__ import annotations

import ipaddress

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from taskflow.webhooks.ssrf import TargetRefused, refusal, resolve
from tests.factories_domain import make_team

PRIVATE_TARGETS = [
    "http://127.0.0.1/hook",
    "http://localhost:8080/hook",
    "http://[::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://10.1.2.3/hook",
    "http://172.16.0.5/hook",
    "http://192.168.1.1/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.100.100.200/",
    "http://[fd00:ec2::254]/",
    "http://0.0.0.0/",
    "http://[fe80::1]/",
]


@pytest.mark.parametrize("url", PRIVATE_TARGETS)
async def test_private_loopback_link_local_and_metadata_targets_are_refused(url: str) -> None:
    with pytest.raises(TargetRefused):
        await resolve(url, allow_private=False)


async def test_the_override_lets_private_targets_through() -> None:
    target = await resolve("http://127.0.0.1:9/hook", allow_private=True)
    assert str(target.address) == "127.0.0.1"
    assert target.port == 9


def test_public_addresses_pass() -> None:
    assert refusal(ipaddress.ip_address("93.184.216.34")) is None
    assert refusal(ipaddress.ip_address("2606:4700::6810:85e5")) is None


async def test_a_name_that_resolves_to_loopback_is_refused_by_the_api(
    app: FastAPI, client: AsyncClient
) -> None:
    team = await make_team(app, client)
    for url in ("http://localhost/hook", "http://169.254.169.254/", "http://[::1]:8000/x"):
        response = await client.post(
            f"/api/v1/projects/{team.project['id']}/webhooks",
            json={"url": url, "events": ["*"]},
            headers=team.owner.headers,
        )
        assert response.status_code == 422, url
        assert "public addresses only" in response.json()["detail"]
    unresolvable = await client.post(
        f"/api/v1/projects/{team.project['id']}/webhooks",
        json={"url": "http://no-such-host.invalid/hook", "events": ["*"]},
        headers=team.owner.headers,
    )
    assert unresolvable.status_code == 422
