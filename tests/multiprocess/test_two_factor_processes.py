"""A TOTP code is accepted once across two real `taskflow serve` processes on one PostgreSQL
and one Redis: the last accepted step is kept in the database, not in a process."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from taskflow.auth.two_factor import code_for_step
from tests.servers import ServerProcess, run_server

API = "/api/v1"
PASSWORD = "a long and unusual passphrase"


@pytest.fixture
def servers(
    postgres_url: str, redis_url: str, tmp_path: Path
) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    settings = {"TASKFLOW_DATABASE_URL": postgres_url, "TASKFLOW_REDIS_URL": redis_url}
    # Two servers starting at once on a busy machine: give them time.
    with (
        run_server(tmp_path / "a", settings, live_timeout=180) as a,
        run_server(tmp_path / "b", settings, live_timeout=180) as b,
    ):
        yield a, b


def _step() -> int:
    # The servers read the real clock: the tests use the step it is now (no waiting for one).
    return int(time.time()) // 30


async def _login(
    http: httpx.AsyncClient, server: ServerProcess, otp: str | None = None
) -> httpx.Response:
    form = {"username": "ada", "password": PASSWORD}
    if otp is not None:
        form["otp"] = otp
    return await http.post(f"{server.url}{API}/auth/token", data=form)


async def test_a_totp_code_is_accepted_once_across_two_processes(
    servers: tuple[ServerProcess, ServerProcess],
) -> None:
    a, b = servers
    async with httpx.AsyncClient(timeout=20) as http:
        registered = await http.post(
            f"{a.url}{API}/auth/register",
            json={"email": "ada@example.com", "username": "ada", "password": PASSWORD},
        )
        assert registered.status_code == 201, registered.text
        tokens = (await _login(http, a)).json()
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        secret = (await http.post(f"{a.url}{API}/auth/2fa/setup", headers=headers)).json()["secret"]
        step = _step()
        enabled = await http.post(
            f"{b.url}{API}/auth/2fa/enable",
            json={"code": code_for_step(secret, step)},
            headers=headers,
        )
        assert enabled.status_code == 200, enabled.text
        # B asks for the code too: the setting lives in the shared database
        required = await _login(http, b)
        assert required.status_code == 401
        assert required.headers["x-taskflow-otp"] == "required"
        # The next step's code (accepted ±1 step), sent to both processes at the same moment:
        # exactly one login.
        code = code_for_step(secret, step + 1)
        answers = await asyncio.gather(_login(http, a, code), _login(http, b, code))
        assert sorted(answer.status_code for answer in answers) == [200, 401]
        # Replayed later on either process: refused.
        for server in (a, b):
            replay = await _login(http, server, code)
            assert replay.status_code == 401
            assert replay.json() == {"detail": "Invalid two-factor code"}
