"""Sign-in with OpenID Connect (SPEC §11) against a real provider: npm's certified
`oidc-provider`, run as its own node process on loopback (tests/oidc_provider.py).

The happy path end to end (discovery, code + PKCE, token exchange, ID token, account,
session, refresh cookie), then each failure: bad state, bad nonce, wrong audience, expired
token, rotated keys, unverified email, auto-register off, the user cancelling, the provider
being down.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from fastapi import FastAPI
from httpx import AsyncClient, Response
from pydantic import ValidationError

from taskflow.auth import clock
from taskflow.auth.oidc import InvalidIdToken, OidcClient
from taskflow.auth.oidc_flow import STATE_COOKIE, LoginState, read_state, sign_state
from taskflow.config import Settings
from tests.conftest import SmtpServer, _skip_or_fail
from tests.factories import bearer, link_token, make_user
from tests.oidc_provider import (
    CLIENT_SECRET,
    OTHER_CLIENT_ID,
    TEST_CALLBACK,
    OidcProvider,
    new_signing_key,
    provider_missing,
    query_of,
    run_provider,
    sign_in_at_provider,
)
from tests.servers import free_port

API = "/api/v1"
WEB = {"X-Requested-With": "taskflow"}


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcProvider]:
    missing = provider_missing()
    if missing is not None:
        _skip_or_fail(missing)
    with run_provider(tmp_path_factory.mktemp("oidc")) as provider:
        yield provider


@pytest.fixture
def settings_overrides(
    request: pytest.FixtureRequest, oidc_provider: OidcProvider, smtp_server: SmtpServer
) -> dict[str, object]:
    marker = request.node.get_closest_marker("oidc_settings")
    extra: dict[str, object] = marker.kwargs if marker else {}
    return oidc_provider.settings(public_url="http://test", **smtp_server.settings, **extra)


def _settings(**values: Any) -> Settings:
    return Settings(_env_file=None, env="test", **values)


async def _start(client: AsyncClient) -> str:
    started = await client.get(f"{API}/auth/oidc/login")
    assert started.status_code == 302, started.text
    assert STATE_COOKIE in started.cookies
    return started.headers["location"]


async def _sign_in(client: AsyncClient, login: str) -> Response:
    """The whole browser flow: TaskFlow → provider (sign in as `login`) → TaskFlow callback."""
    back = await sign_in_at_provider(await _start(client), login)
    assert back.startswith(TEST_CALLBACK), back
    return await client.get(back.removeprefix("http://test"))


def _error_of(response: Response) -> str | None:
    assert response.status_code == 302, response.text
    location = urlparse(response.headers["location"])
    if location.path == "/login":
        return query_of(response.headers["location"])["oidc_error"]
    assert response.headers["location"] == "/"
    return None


async def _refresh(client: AsyncClient) -> dict[str, Any]:
    refreshed = await client.post(f"{API}/auth/refresh", headers=WEB)
    assert refreshed.status_code == 200, refreshed.text
    tokens: dict[str, Any] = refreshed.json()
    return tokens


async def test_providers_name_the_oidc_provider(client: AsyncClient) -> None:
    response = await client.get(f"{API}/auth/providers")
    assert response.json()["oidc"] == {"name": "Test ID"}


async def test_login_redirects_to_the_provider_with_pkce_state_and_nonce(
    client: AsyncClient, oidc_provider: OidcProvider
) -> None:
    location = await _start(client)
    assert location.startswith(f"{oidc_provider.issuer}/auth?")
    query = query_of(location)
    assert query["response_type"] == "code"
    assert query["client_id"] == "taskflow"
    assert query["redirect_uri"] == TEST_CALLBACK
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) == 43
    assert len(query["state"]) >= 43
    assert len(query["nonce"]) >= 43
    assert set(query["scope"].split()) == {"openid", "email", "profile"}


async def test_sign_in_creates_a_verified_account_and_a_session(client: AsyncClient) -> None:
    callback = await _sign_in(client, "ada")
    assert _error_of(callback) is None
    assert callback.cookies.get(STATE_COOKIE) is None  # the login's state is spent
    tokens = await _refresh(client)  # the refresh cookie the callback set
    me = (await client.get(f"{API}/users/me", headers=bearer(tokens["access_token"]))).json()
    assert me["email"] == "ada@example.com"
    assert me["username"] == "ada"
    assert me["full_name"] == "Test ada"
    assert me["is_verified"] is True
    sessions = await client.get(f"{API}/auth/sessions", headers=bearer(tokens["access_token"]))
    [current] = sessions.json()["items"]
    assert current["signed_in_with"] == "Test ID"
    assert current["current"] is True
    # signing in again finds the same account (by the provider's subject)
    client.cookies.clear()
    assert _error_of(await _sign_in(client, "ada")) is None
    again = await _refresh(client)
    me_again = await client.get(f"{API}/users/me", headers=bearer(again["access_token"]))
    assert me_again.json()["id"] == me["id"]


async def test_sign_in_links_the_account_with_the_same_verified_email(
    app: FastAPI, client: AsyncClient
) -> None:
    existing = await make_user(app, username="grace", email="grace.h@example.com")
    assert _error_of(await _sign_in(client, "grace.h@example.com")) is None
    tokens = await _refresh(client)
    me = await client.get(f"{API}/users/me", headers=bearer(tokens["access_token"]))
    assert me.json()["id"] == existing.id
    assert me.json()["username"] == "grace"
    # the password still works too
    password_login = await client.post(
        f"{API}/auth/token", data={"username": "grace", "password": existing.password}
    )
    assert password_login.status_code == 200


async def test_sign_in_takes_over_an_unverified_account_with_that_email(
    app: FastAPI, client: AsyncClient
) -> None:
    squatter = await make_user(app, username="squat", email="linus@example.com", is_verified=False)
    assert _error_of(await _sign_in(client, "linus")) is None
    tokens = await _refresh(client)
    me = await client.get(f"{API}/users/me", headers=bearer(tokens["access_token"]))
    assert me.json()["id"] == squatter.id
    assert me.json()["is_verified"] is True
    # whoever registered the address without proving it is out: session and password
    assert (await client.get(f"{API}/users/me", headers=squatter.headers)).status_code == 401
    password_login = await client.post(
        f"{API}/auth/token", data={"username": "squat", "password": squatter.password}
    )
    assert password_login.status_code == 401


async def test_unverified_email_at_the_provider_is_refused(client: AsyncClient) -> None:
    assert _error_of(await _sign_in(client, "unverified-bob")) == "email_unverified"
    assert (await client.post(f"{API}/auth/refresh", headers=WEB)).status_code == 401


@pytest.mark.oidc_settings(oidc_auto_register=False)
async def test_without_auto_register_only_existing_accounts_sign_in(
    app: FastAPI, client: AsyncClient
) -> None:
    assert _error_of(await _sign_in(client, "newcomer")) == "not_registered"
    await make_user(app, username="known", email="known@example.com")
    assert _error_of(await _sign_in(client, "known")) is None


async def test_wrong_or_missing_state_is_refused(client: AsyncClient) -> None:
    back = await sign_in_at_provider(await _start(client), "carol")
    code = query_of(back)["code"]
    wrong = await client.get(f"{API}/auth/oidc/callback", params={"code": code, "state": "x" * 43})
    assert _error_of(wrong) == "state"
    # the login's cookie was cleared: even the right state no longer works
    right_state = query_of(back)["state"]
    replay = await client.get(
        f"{API}/auth/oidc/callback", params={"code": code, "state": right_state}
    )
    assert _error_of(replay) == "state"
    # a callback in another browser (no cookie) is refused as well
    client.cookies.clear()
    assert _error_of(await client.get(back.removeprefix("http://test"))) == "state"
    assert (await client.post(f"{API}/auth/refresh", headers=WEB)).status_code == 401


async def test_a_forged_state_cookie_is_refused(client: AsyncClient) -> None:
    back = await sign_in_at_provider(await _start(client), "carol")
    forged = LoginState(query_of(back)["state"], "n" * 43, "v" * 64)
    other_key = _settings(secret_key="another secret " * 4)
    client.cookies.set(STATE_COOKIE, sign_state(other_key, forged), path="/api/v1/auth/oidc")
    assert _error_of(await client.get(back.removeprefix("http://test"))) == "state"


async def test_an_id_token_with_another_nonce_is_refused(app: FastAPI, client: AsyncClient) -> None:
    authorize = await _start(client)
    real_state = query_of(authorize)["state"]
    back = await sign_in_at_provider(authorize, "dave")
    # the cookie as TaskFlow would sign it, with the right state and verifier but another
    # nonce: the provider's ID token carries the nonce of the real request
    real = client.cookies.get(STATE_COOKIE)
    assert real is not None

    login = read_state(app.state.settings, real)
    assert login is not None
    assert login.state == real_state
    swapped = LoginState(login.state, "another nonce " * 4, login.code_verifier)
    client.cookies.set(
        STATE_COOKIE, sign_state(app.state.settings, swapped), path="/api/v1/auth/oidc"
    )
    assert _error_of(await client.get(back.removeprefix("http://test"))) == "token"
    assert (await client.post(f"{API}/auth/refresh", headers=WEB)).status_code == 401


async def test_an_expired_id_token_is_refused(
    client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    back = await sign_in_at_provider(await _start(client), "erin")
    real_now = clock.now()
    # The provider's ID tokens live an hour: receive this one two hours later.
    monkeypatch.setattr(clock, "now", lambda: real_now + 2 * 3600)
    assert _error_of(await client.get(back.removeprefix("http://test"))) == "token"


async def test_the_user_cancelling_at_the_provider_is_reported(client: AsyncClient) -> None:
    state = query_of(await _start(client))["state"]
    cancelled = await client.get(
        f"{API}/auth/oidc/callback", params={"error": "access_denied", "state": state}
    )
    assert _error_of(cancelled) == "cancelled"


async def test_an_id_token_for_another_client_is_refused(
    app: FastAPI, oidc_provider: OidcProvider
) -> None:
    """A real ID token the provider issued to another app (aud = that app) is refused."""
    other_settings = _settings(
        **oidc_provider.settings(oidc_client_id=OTHER_CLIENT_ID, oidc_client_secret=CLIENT_SECRET),
    )
    other = OidcClient(other_settings, redirect_uri=TEST_CALLBACK)
    request = await other.authorization_request()
    back = await sign_in_at_provider(request.url, "frank")
    tokens = await other.exchange_code(query_of(back)["code"], request.code_verifier)
    # the other app itself accepts it...
    identity = await other.validate_id_token(tokens["id_token"], nonce=request.nonce)
    assert identity.subject == "frank"
    # ...TaskFlow does not
    ours = OidcClient(app.state.settings, redirect_uri=TEST_CALLBACK)
    with pytest.raises(InvalidIdToken, match="aud"):
        await ours.validate_id_token(tokens["id_token"], nonce=request.nonce)


async def test_rotated_keys_are_fetched_and_retired_keys_refused(
    app: FastAPI,
    client: AsyncClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with run_provider(tmp_path) as provider:
        settings = _settings(**provider.settings())
        ours = OidcClient(settings, redirect_uri=TEST_CALLBACK)
        request = await ours.authorization_request()
        back = await sign_in_at_provider(request.url, "gina")
        old_tokens = await ours.exchange_code(query_of(back)["code"], request.code_verifier)
        await ours.validate_id_token(old_tokens["id_token"], nonce=request.nonce)  # keys cached
        # The provider rotates: a new key signs, the old one is still published.
        provider.rotate_keys(tmp_path, [new_signing_key("key-2"), provider.keys[0]])
        real_now = clock.now()
        monkeypatch.setattr(clock, "now", lambda: real_now + 30)
        request = await ours.authorization_request()
        back = await sign_in_at_provider(request.url, "gina")
        new_tokens = await ours.exchange_code(query_of(back)["code"], request.code_verifier)
        identity = await ours.validate_id_token(new_tokens["id_token"], nonce=request.nonce)
        assert identity.subject == "gina"
        # The old key is retired: a token it signed no longer passes, even refetching.
        provider.rotate_keys(tmp_path, [provider.keys[0]])
        # Once the cached keys are stale (an hour), they are fetched again: key-1 is gone.
        monkeypatch.setattr(clock, "now", lambda: real_now + 2 * 3600)
        with pytest.raises(InvalidIdToken, match="signature"):
            await ours.validate_id_token(old_tokens["id_token"], nonce="irrelevant")


@pytest.mark.oidc_settings(oidc_issuer=f"http://127.0.0.1:{free_port()}")
async def test_a_provider_that_is_down_is_reported(client: AsyncClient) -> None:
    started = await client.get(f"{API}/auth/oidc/login")
    assert _error_of(started) == "unavailable"


async def test_an_account_made_by_sign_in_can_set_a_password_by_reset(
    client: AsyncClient, smtp_server: SmtpServer
) -> None:
    assert _error_of(await _sign_in(client, "hana")) is None
    requested = await client.post(
        f"{API}/auth/password-reset/request", json={"email": "hana@example.com"}
    )
    assert requested.status_code == 202
    [message] = await smtp_server.wait_for(1)
    token = link_token(message, "http://test/reset-password")
    new_password = "a brand new passphrase for hana"
    confirmed = await client.post(
        f"{API}/auth/password-reset/confirm", json={"token": token, "new_password": new_password}
    )
    assert confirmed.status_code == 204
    login = await client.post(
        f"{API}/auth/token", data={"username": "hana", "password": new_password}
    )
    assert login.status_code == 200


@pytest.mark.parametrize(
    ("env", "line"),
    [
        ({"oidc_issuer": "https://id.example.com"}, "TASKFLOW_OIDC_CLIENT_ID must be set too"),
        ({"oidc_client_secret": "s"}, "TASKFLOW_OIDC_ISSUER must be set too"),
        (
            {"oidc_issuer": "id.example.com", "oidc_client_id": "a", "oidc_client_secret": "s"},
            "not an http",
        ),
    ],
)
def test_incomplete_or_bad_oidc_settings_are_refused(env: dict[str, str], line: str) -> None:
    with pytest.raises(ValidationError, match=line):
        _settings(**env)
