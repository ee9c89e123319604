"""POST /auth/register: validation, uniqueness (also under concurrency), the verification email."""

from __future__ import annotations

import asyncio

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from tests.conftest import SmtpServer
from tests.factories import DEFAULT_PASSWORD, link_token, make_user

REGISTER = "/api/v1/auth/register"


def _body(**overrides: object) -> dict[str, object]:
    return {
        "email": "Ada@Example.com",
        "username": "Ada.Lovelace",
        "password": DEFAULT_PASSWORD,
        "full_name": "Ada Lovelace",
        **overrides,
    }


@pytest.fixture
def settings_overrides(smtp_server: SmtpServer) -> dict[str, object]:
    return smtp_server.settings


async def test_register_creates_an_unverified_user(client: AsyncClient) -> None:
    response = await client.post(REGISTER, json=_body())
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {
        "id",
        "email",
        "username",
        "full_name",
        "is_active",
        "is_verified",
        "is_superuser",
        "timezone",
        "two_factor_enabled",
        "created_at",
    }
    assert body["email"] == "ada@example.com"
    assert body["username"] == "Ada.Lovelace"
    assert body["full_name"] == "Ada Lovelace"
    assert body["is_active"] is True
    assert body["is_verified"] is False
    assert body["is_superuser"] is False
    assert body["created_at"].endswith("Z") or body["created_at"].endswith("+00:00")


async def test_register_sends_a_verification_link_that_verifies(
    client: AsyncClient, smtp_server: SmtpServer
) -> None:
    response = await client.post(REGISTER, json=_body())
    assert response.status_code == 201
    [message] = await smtp_server.wait_for(1)
    assert message["To"] == "ada@example.com"
    assert "Verify" in message["Subject"]
    html = message.get_body(preferencelist=("html",))
    assert html is not None
    assert "http://127.0.0.1:8000/verify-email?token=" in html.get_content()
    token = link_token(message, "http://127.0.0.1:8000/verify-email")
    confirmed = await client.post("/api/v1/auth/verify/confirm", json={"token": token})
    assert confirmed.status_code == 200
    assert confirmed.json()["is_verified"] is True
    again = await client.post("/api/v1/auth/verify/confirm", json={"token": token})
    assert again.status_code == 400
    assert again.json() == {"detail": "Invalid or expired token"}


async def test_register_with_taken_email_any_case_is_409_naming_email(
    app: FastAPI, client: AsyncClient
) -> None:
    await make_user(app, username="someone", email="ada@example.com")
    response = await client.post(REGISTER, json=_body(email="ADA@example.COM"))
    assert response.status_code == 409
    assert response.json() == {"detail": "Email already registered"}


async def test_register_with_taken_username_any_case_is_409_naming_username(
    app: FastAPI, client: AsyncClient
) -> None:
    await make_user(app, username="ada.lovelace", email="other@example.com")
    response = await client.post(REGISTER, json=_body())
    assert response.status_code == 409
    assert response.json() == {"detail": "Username already registered"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "not-an-email"),
        ("username", "ab"),
        ("username", "x" * 33),
        ("username", "has space"),
        ("username", "at@sign"),
        ("username", "ünïcode"),
        ("password", "short"),
        ("password", "x" * 129),
        ("password", "password"),
        ("password", "Password123!"),
        ("password", "qwertyuiop"),
        ("password", "Ada.Lovelace"),
        ("password", "taskflow2026"),
        ("full_name", "x" * 201),
    ],
)
async def test_register_refuses_invalid_input_with_422(
    client: AsyncClient, field: str, value: str
) -> None:
    response = await client.post(REGISTER, json=_body(**{field: value}))
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)


async def test_register_counts_password_length_in_code_points_as_sent(
    client: AsyncClient,
) -> None:
    # Eight code points of which several are multi-byte: accepted.
    accepted = await client.post(REGISTER, json=_body(password="ñøçåéüîß"))
    assert accepted.status_code == 201
    # "ﬀ" (one code point) is "ff" after NFKC, but 7 code points were sent: too short, as the
    # schema's minLength says.
    other = await client.post(
        REGISTER,
        json=_body(email="b@example.com", username="bee", password="ﬀzqxjvk"),
    )
    assert other.status_code == 422
    # 128 code points is the maximum; 129 is refused.
    longest = await client.post(
        REGISTER, json=_body(email="c@example.com", username="cee", password="é" * 128)
    )
    assert longest.status_code == 201


async def test_password_without_composition_rules_is_accepted(client: AsyncClient) -> None:
    response = await client.post(REGISTER, json=_body(password="lowercase only words here"))
    assert response.status_code == 201


async def test_concurrent_registrations_with_one_email_give_one_201_rest_409(
    client: AsyncClient,
) -> None:
    responses = await asyncio.gather(
        *(
            client.post(REGISTER, json=_body(email="race@example.com", username=f"racer{n}"))
            for n in range(5)
        )
    )
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201, 409, 409, 409, 409]
    for response in responses:
        if response.status_code == 409:
            assert response.json() == {"detail": "Email already registered"}


async def test_register_unknown_field_is_422(client: AsyncClient) -> None:
    response = await client.post(REGISTER, json=_body(is_superuser=True))
    assert response.status_code == 422
