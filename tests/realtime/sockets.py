"""WebSocket clients for tests, and every way a session can end, through the HTTP API.

Shared by the one-process tests (tests/realtime) and the two-process ones (tests/multiprocess):
a way takes an httpx client, the API's base URL and the account, whatever serves them.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from taskflow.auth.models import OneTimeToken
from taskflow.core.security import new_opaque_token, token_digest
from taskflow.db import utcnow

NEW_PASSWORD = "an entirely different passphrase"


async def open_socket(url: str, access_token: str, timeout: float = 5.0) -> ClientConnection:
    """A socket past `ready`. The opening handshake may wait 30 s, not websockets' 10: the
    cluster tests open eight at once against a server reading a member's 5,000 projects, on
    a loaded CI machine (one handshake timed out there); they test what a socket hears, not
    how fast it opens."""
    websocket = await connect(url, open_timeout=30)
    await websocket.send(json.dumps({"type": "auth", "token": access_token}))
    assert json.loads(await asyncio.wait_for(websocket.recv(), timeout)) == {"type": "ready"}
    return websocket


async def close_code(websocket: ClientConnection, within: float) -> int | None:
    """The code the server closed with, reading (and dropping) anything before it."""

    async def drain() -> None:
        while True:
            await websocket.recv()

    with pytest.raises(ConnectionClosed) as closed:
        await asyncio.wait_for(drain(), within)
    return closed.value.rcvd.code if closed.value.rcvd else None


async def messages_until_pong(websocket: ClientConnection, timeout: float = 5.0) -> list[Any]:
    """Everything the server had queued for this socket before answering a ping.

    The hub hands each event to every interested connection's queue at once, and the pong
    joins the same queue later: once another socket of the same process has seen an event,
    this one either has it before its pong or never gets it.
    """
    await websocket.send(json.dumps({"type": "ping"}))
    received: list[Any] = []
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await websocket.recv())
            if message == {"type": "pong"}:
                return received
            received.append(message)


async def next_of_type(websocket: ClientConnection, kind: str, timeout: float = 5.0) -> Any:
    """The next message of type `kind` (others are skipped)."""
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await websocket.recv())
            if message.get("type") == kind:
                return message


async def still_open(websocket: ClientConnection) -> bool:
    await websocket.send(json.dumps({"type": "ping"}))
    try:
        await next_of_type(websocket, "pong", timeout=2.0)
    except ConnectionClosed:
        return False
    return True


async def insert_reset_token(engine: AsyncEngine, user_id: int) -> str:
    """A password-reset token, as the emailed link would carry it."""
    token = new_opaque_token()
    now = utcnow()
    async with engine.begin() as connection:
        await connection.execute(
            insert(OneTimeToken).values(
                user_id=user_id,
                purpose="reset",
                token_hash=token_digest(token),
                created_at=now,
                expires_at=now + timedelta(hours=1),
            )
        )
    return token


@dataclass
class Account:
    """A user and one of their logins."""

    user_id: int
    password: str
    access_token: str
    refresh_token: str
    session_id: int

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


@dataclass
class Context:
    http: AsyncClient
    api: str  # e.g. "http://127.0.0.1:8123/api/v1"
    admin_headers: dict[str, str]
    engine: AsyncEngine


SessionEnd = Callable[[Context, Account], Awaitable[None]]


def _expect(status: int, response: Any) -> None:
    assert response.status_code == status, response.text


async def logout(ctx: Context, who: Account) -> None:
    body = {"refresh_token": who.refresh_token}
    _expect(204, await ctx.http.post(f"{ctx.api}/auth/logout", json=body))


async def logout_all(ctx: Context, who: Account) -> None:
    _expect(204, await ctx.http.post(f"{ctx.api}/auth/logout-all", headers=who.headers))


async def session_delete(ctx: Context, who: Account) -> None:
    url = f"{ctx.api}/auth/sessions/{who.session_id}"
    _expect(204, await ctx.http.delete(url, headers=who.headers))


async def refresh_reuse(ctx: Context, who: Account) -> None:
    body = {"refresh_token": who.refresh_token}
    _expect(200, await ctx.http.post(f"{ctx.api}/auth/refresh", json=body))
    _expect(401, await ctx.http.post(f"{ctx.api}/auth/refresh", json=body))


async def password_change(ctx: Context, who: Account) -> None:
    body = {"current_password": who.password, "new_password": NEW_PASSWORD}
    response = await ctx.http.post(f"{ctx.api}/users/me/password", json=body, headers=who.headers)
    _expect(200, response)


async def password_reset(ctx: Context, who: Account) -> None:
    token = await insert_reset_token(ctx.engine, who.user_id)
    body = {"token": token, "new_password": NEW_PASSWORD}
    _expect(204, await ctx.http.post(f"{ctx.api}/auth/password-reset/confirm", json=body))


async def deactivation(ctx: Context, who: Account) -> None:
    url = f"{ctx.api}/users/{who.user_id}"
    response = await ctx.http.patch(url, json={"is_active": False}, headers=ctx.admin_headers)
    _expect(200, response)


async def account_delete(ctx: Context, who: Account) -> None:
    response = await ctx.http.request(
        "DELETE", f"{ctx.api}/users/me", json={"password": who.password}, headers=who.headers
    )
    _expect(204, response)


async def deletion_by_superuser(ctx: Context, who: Account) -> None:
    url = f"{ctx.api}/users/{who.user_id}"
    _expect(204, await ctx.http.delete(url, headers=ctx.admin_headers))


# Every way a session ends; the first three end that one session only.
ONE_SESSION: dict[str, SessionEnd] = {
    "logout": logout,
    "session-delete": session_delete,
    "refresh-reuse": refresh_reuse,
}
EVERY_SESSION: dict[str, SessionEnd] = {
    "logout-all": logout_all,
    "password-change": password_change,
    "password-reset": password_reset,
    "deactivation": deactivation,
    "account-delete": account_delete,
    "deletion-by-superuser": deletion_by_superuser,
}
SESSION_ENDS: dict[str, SessionEnd] = {**ONE_SESSION, **EVERY_SESSION}
