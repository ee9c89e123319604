"""`WS /api/v1/ws`: authenticate with the first message, then receive project events.

Protocol (docs/realtime.md): the client sends `{"type": "auth", "token": "<access token>"}`
within AUTH_TIMEOUT_SECONDS; the server answers `{"type": "ready"}` or closes with 4401.
Then every change in the user's projects arrives as
`{"type": verb, "project_id", "task_id", "actor_id", "data"}`. The client may send
`{"type": "ping"}` (answered with `{"type": "pong"}`) and a new `auth` message with a fresh
token before the current one expires; otherwise the server closes with 4401 at expiry, and
also when the session ends. A client too slow to keep up is closed with 1013.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from datetime import UTC, datetime

from fastapi import APIRouter, WebSocket, WebSocketDisconnect, status

from taskflow.auth.api_tokens import is_api_token
from taskflow.core import metrics
from taskflow.core.security import AccessClaims, decode_access_token
from taskflow.core.unit_of_work import UnitOfWork
from taskflow.realtime import service
from taskflow.realtime.hub import Connection, Hub

logger = logging.getLogger(__name__)
router = APIRouter(tags=["realtime"])

AUTH_TIMEOUT_SECONDS = 5.0
RECHECK_SECONDS = 30.0
QUEUE_SIZE = 512
CLOSE_UNAUTHORIZED = 4401
CLOSE_TOO_SLOW = status.WS_1013_TRY_AGAIN_LATER


class _Closed(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@router.websocket("/ws")
async def events(websocket: WebSocket) -> None:
    """Live updates for every project the user belongs to."""
    await websocket.accept()
    uow: UnitOfWork = websocket.app.state.uow
    hub: Hub = websocket.app.state.hub
    try:
        claims = await _authenticate(websocket)
    except _Closed as closed:
        await _close(websocket, closed.code, closed.reason)
        return
    # Registered before anything is read from the database, so that no "sessions ended" or
    # membership event can slip between the read and the registration: the hub already hears
    # them for this connection, and replays the membership changes onto the list read.
    connection = Connection(claims.user_id, claims.session_id, QUEUE_SIZE)
    hub.add(connection)
    metrics.websocket_connections.inc()
    state = _State(claims)
    try:
        await _recheck(uow, hub, connection, state)
        await websocket.send_json({"type": "ready"})
        await _serve(websocket, uow, hub, connection, state)
    except _Closed as closed:
        await _close(websocket, closed.code, closed.reason)
    except (WebSocketDisconnect, RuntimeError):
        pass  # the client went away
    finally:
        hub.remove(connection)
        metrics.websocket_connections.dec()


class _State:
    def __init__(self, claims: AccessClaims) -> None:
        self.claims = claims
        self.renewed = asyncio.Event()


async def _serve(
    websocket: WebSocket, uow: UnitOfWork, hub: Hub, connection: Connection, state: _State
) -> None:
    tasks = [
        asyncio.create_task(_send(websocket, connection)),
        asyncio.create_task(_receive(websocket, hub, connection, state)),
        asyncio.create_task(_watch(uow, hub, connection, state)),
    ]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            task.result()  # re-raise _Closed / disconnects
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


async def _send(websocket: WebSocket, connection: Connection) -> None:
    while True:
        payload = await connection.outbox.get()
        await websocket.send_text(payload)


async def _receive(websocket: WebSocket, hub: Hub, connection: Connection, state: _State) -> None:
    while True:
        message = _parse(await websocket.receive_text())
        kind = message.get("type") if message else None
        if kind == "ping":
            connection.offer('{"type":"pong"}')
        elif kind == "auth":
            claims = await _check_token(websocket, message.get("token") if message else None)
            if claims is None or claims.user_id != connection.user_id:
                raise _Closed(CLOSE_UNAUTHORIZED, "invalid token")
            state.claims = claims
            hub.set_session(connection, claims.session_id)
            state.renewed.set()
            connection.offer('{"type":"ready"}')


async def _watch(uow: UnitOfWork, hub: Hub, connection: Connection, state: _State) -> None:
    """Closes on overflow, token expiry or an ended session; re-reads membership on change."""
    while True:
        seconds_left = (state.claims.expires_at - datetime.now(UTC)).total_seconds()
        waiters = {
            asyncio.create_task(connection.overflowed.wait()): "overflow",
            asyncio.create_task(connection.membership_changed.wait()): "membership",
            asyncio.create_task(connection.session_check.wait()): "session",
            asyncio.create_task(state.renewed.wait()): "renewed",
        }
        try:
            done, _ = await asyncio.wait(
                waiters,
                timeout=max(0.0, min(seconds_left, RECHECK_SECONDS)),
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            # Also when this task is cancelled (the socket closed): no waiter outlives it.
            for task in waiters:
                task.cancel()
        reasons = {waiters[task] for task in done}
        if "overflow" in reasons:
            raise _Closed(CLOSE_TOO_SLOW, "too slow: events overflowed")
        state.renewed.clear()
        if state.claims.expires_at <= datetime.now(UTC):
            raise _Closed(CLOSE_UNAUTHORIZED, "token expired")
        await _recheck(uow, hub, connection, state)


async def _recheck(uow: UnitOfWork, hub: Hub, connection: Connection, state: _State) -> None:
    """Close (4401) if the session ended; else re-read the projects the connection hears."""
    connection.membership_changed.clear()
    connection.session_check.clear()
    hub.begin_reload(connection)
    project_ids = None
    try:
        project_ids = await service.live_projects(uow, state.claims)
    finally:
        hub.finish_reload(connection, project_ids)
    if project_ids is None:
        raise _Closed(CLOSE_UNAUTHORIZED, "session ended")


async def _authenticate(websocket: WebSocket) -> AccessClaims:
    """The claims of the first message's token: signature and expiry only (the session is
    checked once the connection is registered, by `_recheck`)."""
    try:
        async with asyncio.timeout(AUTH_TIMEOUT_SECONDS):
            raw = await websocket.receive_text()
    except TimeoutError:
        raise _Closed(CLOSE_UNAUTHORIZED, "authentication timed out") from None
    except (WebSocketDisconnect, RuntimeError, KeyError):
        raise _Closed(CLOSE_UNAUTHORIZED, "authentication expected") from None
    message = _parse(raw)
    if not message or message.get("type") != "auth":
        raise _Closed(CLOSE_UNAUTHORIZED, "first message must be auth")
    token = message.get("token")
    if isinstance(token, str) and is_api_token(token):
        claims = await service.api_token_claims(websocket.app.state.uow, token)
    else:
        claims = _decode(websocket, token)
    if claims is None:
        raise _Closed(CLOSE_UNAUTHORIZED, "invalid token")
    return claims


def _decode(websocket: WebSocket, token: object) -> AccessClaims | None:
    if not isinstance(token, str) or not token:
        return None
    return decode_access_token(websocket.app.state.settings.signing_key(), token)


async def _check_token(websocket: WebSocket, token: object) -> AccessClaims | None:
    if isinstance(token, str) and is_api_token(token):
        return await service.api_token_claims(websocket.app.state.uow, token)
    claims = _decode(websocket, token)
    if claims is None:
        return None
    uow: UnitOfWork = websocket.app.state.uow
    if not await service.session_is_live(uow, claims):
        return None
    return claims


def _parse(raw: str) -> dict[str, object] | None:
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


async def _close(websocket: WebSocket, code: int, reason: str) -> None:
    with contextlib.suppress(Exception):
        await websocket.close(code=code, reason=reason)
