"""Password checks cost the same whether or not the account exists (docs/security.md)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from taskflow.core import security
from tests.factories import login, make_user


async def test_an_unknown_user_costs_one_verification_as_a_wrong_password_does(
    app: FastAPI, client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make_user(app, username="grace")
    verified: list[str] = []
    hasher = security.password_hash
    real_verify, real_verify_and_update = hasher.verify, hasher.verify_and_update

    def verify(password: str, hashed: Any) -> Any:
        verified.append("dummy" if hashed is security._DUMMY_HASH else "stored")
        return real_verify(password, hashed)

    def verify_and_update(password: str, hashed: Any) -> Any:
        verified.append("stored")
        return real_verify_and_update(password, hashed)

    monkeypatch.setattr(hasher, "verify", verify)
    monkeypatch.setattr(hasher, "verify_and_update", verify_and_update)
    wrong = await login(client, "grace", "not the password at all")
    unknown = await login(client, "nobody-here", "not the password at all")
    assert (wrong.status_code, unknown.status_code) == (401, 401)
    assert wrong.json() == unknown.json()
    assert verified == ["stored", "dummy"]  # one Argon2 verification each
