"""TOTP two-factor authentication (SPEC §11): setup, enable, the `otp` login field, replay,
recovery codes, the login limiter, disable, and other sessions ending.

Time moves through `taskflow.auth.clock.now` (monkeypatched), never by sleeping.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from fastapi import FastAPI
from httpx import AsyncClient, Response

from taskflow.auth import clock
from taskflow.auth.two_factor import code_for_step
from tests.factories import DEFAULT_PASSWORD, UserWithTokens, make_user

API = "/api/v1"
T0 = 1_800_000_000.0  # a fixed moment, the start of a 30 s step (1_800_000_000 / 30 is whole)


class Clock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = T0
        monkeypatch.setattr(clock, "now", lambda: self.now)

    def step(self) -> int:
        return int(self.now) // 30

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def fake_clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


async def _login(client: AsyncClient, username: str, otp: str | None = None) -> Response:
    form = {"username": username, "password": DEFAULT_PASSWORD}
    if otp is not None:
        form["otp"] = otp
    return await client.post(f"{API}/auth/token", data=form)


async def _enable(
    client: AsyncClient, user: UserWithTokens, clock_: Clock
) -> tuple[str, list[str]]:
    setup = await client.post(f"{API}/auth/2fa/setup", headers=user.headers)
    assert setup.status_code == 200, setup.text
    secret = setup.json()["secret"]
    code = code_for_step(secret, clock_.step())
    enabled = await client.post(f"{API}/auth/2fa/enable", json={"code": code}, headers=user.headers)
    assert enabled.status_code == 200, enabled.text
    codes: list[str] = enabled.json()["recovery_codes"]
    return secret, codes


async def test_setup_gives_a_secret_and_an_otpauth_uri_not_yet_active(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await make_user(app, username="grace", email="grace@example.com")
    response = await client.post(f"{API}/auth/2fa/setup", headers=user.headers)
    assert response.status_code == 200
    body = response.json()
    uri = urlparse(body["otpauth_uri"])
    assert uri.scheme == "otpauth"
    assert uri.netloc == "totp"
    assert parse_qs(uri.query)["secret"] == [body["secret"]]
    assert parse_qs(uri.query)["issuer"] == ["TaskFlow"]
    assert "grace%40example.com" in uri.path or "grace@example.com" in uri.path
    me = await client.get(f"{API}/users/me", headers=user.headers)
    assert me.json()["two_factor_enabled"] is False
    # not active yet: the password alone still signs in
    assert (await _login(client, "grace")).status_code == 200


async def test_enable_needs_a_right_code_and_gives_ten_single_use_recovery_codes(
    app: FastAPI, client: AsyncClient, fake_clock: Clock
) -> None:
    user = await make_user(app, username="grace")
    setup = await client.post(f"{API}/auth/2fa/setup", headers=user.headers)
    secret = setup.json()["secret"]
    wrong = await client.post(
        f"{API}/auth/2fa/enable", json={"code": "000000"}, headers=user.headers
    )
    if code_for_step(secret, fake_clock.step()) != "000000":
        assert wrong.status_code == 400
        assert wrong.json() == {"detail": "Invalid two-factor code"}
    me = await client.get(f"{API}/users/me", headers=user.headers)
    assert me.json()["two_factor_enabled"] is False
    right = code_for_step(secret, fake_clock.step())
    enabled = await client.post(
        f"{API}/auth/2fa/enable", json={"code": right}, headers=user.headers
    )
    assert enabled.status_code == 200
    codes = enabled.json()["recovery_codes"]
    assert len(codes) == 10
    assert len(set(codes)) == 10
    me = await client.get(f"{API}/users/me", headers=user.headers)
    assert me.json()["two_factor_enabled"] is True
    again = await client.post(f"{API}/auth/2fa/setup", headers=user.headers)
    assert again.status_code == 409


async def test_enable_without_setup_is_409(app: FastAPI, client: AsyncClient) -> None:
    user = await make_user(app)
    response = await client.post(
        f"{API}/auth/2fa/enable", json={"code": "123456"}, headers=user.headers
    )
    assert response.status_code == 409


async def test_login_without_a_code_is_401_with_the_otp_header(
    app: FastAPI, client: AsyncClient, fake_clock: Clock
) -> None:
    user = await make_user(app, username="grace")
    await _enable(client, user, fake_clock)
    response = await _login(client, "grace")
    assert response.status_code == 401
    assert response.json() == {"detail": "Two-factor code required"}
    assert response.headers["x-taskflow-otp"] == "required"
    assert response.headers["www-authenticate"] == "Bearer"
    # the wrong password still says only "wrong credentials", and asks for no code
    wrong = await client.post(
        f"{API}/auth/token", data={"username": "grace", "password": "not the password"}
    )
    assert wrong.status_code == 401
    assert "x-taskflow-otp" not in wrong.headers


async def test_login_with_a_current_code_works_once_per_step(
    app: FastAPI, client: AsyncClient, fake_clock: Clock
) -> None:
    user = await make_user(app, username="grace")
    secret, _ = await _enable(client, user, fake_clock)
    fake_clock.advance(30)
    code = code_for_step(secret, fake_clock.step())
    first = await _login(client, "grace", code)
    assert first.status_code == 200, first.text
    replay = await _login(client, "grace", code)
    assert replay.status_code == 401
    assert replay.json() == {"detail": "Invalid two-factor code"}
    # the next step's code works (and with it, the earlier step's code is out for good)
    fake_clock.advance(30)
    assert (
        await _login(client, "grace", code_for_step(secret, fake_clock.step()))
    ).status_code == 200
    assert (await _login(client, "grace", code)).status_code == 401


async def test_codes_of_the_neighbouring_steps_are_accepted_and_older_ones_are_not(
    app: FastAPI, client: AsyncClient, fake_clock: Clock
) -> None:
    user = await make_user(app, username="grace")
    secret, _ = await _enable(client, user, fake_clock)
    fake_clock.advance(300)
    now = fake_clock.step()
    assert (await _login(client, "grace", code_for_step(secret, now - 2))).status_code == 401
    assert (await _login(client, "grace", code_for_step(secret, now + 2))).status_code == 401
    assert (await _login(client, "grace", code_for_step(secret, now - 1))).status_code == 200
    assert (await _login(client, "grace", code_for_step(secret, now + 1))).status_code == 200
    # a step before the last accepted one is refused although within the window
    assert (await _login(client, "grace", code_for_step(secret, now))).status_code == 401


async def test_code_used_to_enable_cannot_log_in(
    app: FastAPI, client: AsyncClient, fake_clock: Clock
) -> None:
    user = await make_user(app, username="grace")
    secret, _ = await _enable(client, user, fake_clock)
    response = await _login(client, "grace", code_for_step(secret, fake_clock.step()))
    assert response.status_code == 401


async def test_recovery_code_logs_in_once(
    app: FastAPI, client: AsyncClient, fake_clock: Clock
) -> None:
    user = await make_user(app, username="grace")
    _, codes = await _enable(client, user, fake_clock)
    # typed in capitals, without the dash: still the code
    typed = codes[0].upper().replace("-", "")
    assert (await _login(client, "grace", typed)).status_code == 200
    assert (await _login(client, "grace", codes[0])).status_code == 401
    assert (await _login(client, "grace", codes[1])).status_code == 200


async def test_wrong_codes_count_as_failed_logins(
    app: FastAPI, client: AsyncClient, fake_clock: Clock
) -> None:
    user = await make_user(app, username="grace")
    secret, _ = await _enable(client, user, fake_clock)
    fake_clock.advance(60)
    right = code_for_step(secret, fake_clock.step())
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(5):  # TASKFLOW_LOGIN_MAX_ATTEMPTS
        assert (await _login(client, "grace", wrong)).status_code == 401
    # a request without a code does not reset the count
    assert (await _login(client, "grace")).status_code == 429
    limited = await _login(client, "grace", right)
    assert limited.status_code == 429
    assert "retry-after" in limited.headers


async def test_enable_ends_every_other_session(
    app: FastAPI, client: AsyncClient, fake_clock: Clock
) -> None:
    user = await make_user(app, username="grace")
    other = await _login(client, "grace")
    other_headers = {"Authorization": f"Bearer {other.json()['access_token']}"}
    assert (await client.get(f"{API}/users/me", headers=other_headers)).status_code == 200
    await _enable(client, user, fake_clock)
    assert (await client.get(f"{API}/users/me", headers=other_headers)).status_code == 401
    assert (await client.get(f"{API}/users/me", headers=user.headers)).status_code == 200
    refreshed = await client.post(
        f"{API}/auth/refresh", json={"refresh_token": other.json()["refresh_token"]}
    )
    assert refreshed.status_code == 401


async def test_disable_needs_password_and_code_and_ends_other_sessions(
    app: FastAPI, client: AsyncClient, fake_clock: Clock
) -> None:
    user = await make_user(app, username="grace")
    secret, codes = await _enable(client, user, fake_clock)
    fake_clock.advance(30)
    other = await _login(client, "grace", code_for_step(secret, fake_clock.step()))
    other_headers = {"Authorization": f"Bearer {other.json()['access_token']}"}
    fake_clock.advance(30)
    code = code_for_step(secret, fake_clock.step())
    wrong_password = await client.post(
        f"{API}/auth/2fa/disable",
        json={"password": "nope nope", "code": code},
        headers=user.headers,
    )
    assert wrong_password.status_code == 400
    wrong_code = await client.post(
        f"{API}/auth/2fa/disable",
        json={"password": DEFAULT_PASSWORD, "code": "abcde-fghjk"},
        headers=user.headers,
    )
    assert wrong_code.status_code == 400
    assert wrong_code.json() == {"detail": "Invalid two-factor code"}
    me = await client.get(f"{API}/users/me", headers=user.headers)
    assert me.json()["two_factor_enabled"] is True
    disabled = await client.post(
        f"{API}/auth/2fa/disable",
        json={"password": DEFAULT_PASSWORD, "code": codes[3]},
        headers=user.headers,
    )
    assert disabled.status_code == 204
    assert (await client.get(f"{API}/users/me", headers=other_headers)).status_code == 401
    me = await client.get(f"{API}/users/me", headers=user.headers)
    assert me.json()["two_factor_enabled"] is False
    assert (await _login(client, "grace")).status_code == 200
    # the old secret and codes are gone: a new setup starts from scratch
    again = await client.post(
        f"{API}/auth/2fa/disable",
        json={"password": DEFAULT_PASSWORD, "code": codes[4]},
        headers=user.headers,
    )
    assert again.status_code == 409


@pytest.mark.parametrize(
    "body", [{}, {"code": ""}, {"code": 123456}, {"code": "1" * 65}, {"code": "1", "x": 1}]
)
async def test_enable_refuses_bad_bodies(
    app: FastAPI, client: AsyncClient, body: dict[str, object]
) -> None:
    user = await make_user(app)
    response = await client.post(f"{API}/auth/2fa/enable", json=body, headers=user.headers)
    assert response.status_code == 422


async def test_two_factor_routes_need_a_token(client: AsyncClient) -> None:
    for path, body in (
        ("setup", None),
        ("enable", {"code": "1"}),
        ("disable", {"password": "x", "code": "1"}),
    ):
        response = await client.post(f"{API}/auth/2fa/{path}", json=body)
        assert response.status_code == 401
