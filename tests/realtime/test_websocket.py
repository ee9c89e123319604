"""WS /api/v1/ws: authentication, delivery to members only, membership changes, slow clients."""

from __future__ import annotations

import asyncio
import json
import socket
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from websockets.asyncio.client import ClientConnection, connect
from websockets.client import ClientProtocol
from websockets.exceptions import ConnectionClosed
from websockets.frames import Frame
from websockets.protocol import State
from websockets.uri import parse_uri

from taskflow.core.events import Event
from taskflow.core.security import create_access_token
from taskflow.realtime import router as realtime_router
from tests.conftest import TEST_SECRET
from tests.factories import UserWithTokens
from tests.factories_domain import add_member, make_project, make_task, quick_user

API = "/api/v1"


async def _ready(url: str, user: UserWithTokens) -> ClientConnection:
    websocket = await connect(url)
    await websocket.send(json.dumps({"type": "auth", "token": user.tokens.access_token}))
    assert json.loads(await asyncio.wait_for(websocket.recv(), 2)) == {"type": "ready"}
    return websocket


async def _next_event(websocket: ClientConnection, timeout: float = 1.0) -> dict[str, Any]:
    """The next project event (a user's own `notification.created` messages are skipped)."""
    while True:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(websocket.recv(), timeout))
        if message.get("type") != "notification.created":
            return message


async def _close_code(websocket: ClientConnection, timeout: float = 8.0) -> int | None:
    async def drain() -> None:
        while True:
            await websocket.recv()

    with pytest.raises(ConnectionClosed) as closed:
        await asyncio.wait_for(drain(), timeout)
    return closed.value.rcvd.code if closed.value.rcvd else None


async def _nothing_arrives(websocket: ClientConnection, seconds: float = 0.5) -> None:
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(websocket.recv(), seconds)


async def test_auth_then_ready(app: FastAPI, ws_url: str) -> None:
    user = await quick_user(app)
    websocket = await _ready(ws_url, user)
    await websocket.send(json.dumps({"type": "ping"}))
    assert await _next_event(websocket) == {"type": "pong"}
    await websocket.close()


async def test_a_closed_socket_leaves_no_task_behind(app: FastAPI, ws_url: str) -> None:
    """Every task a socket starts ends with it: its three loops and the waiters of its watch
    loop (which outlived a socket closed while they waited, until the garbage collector
    found them pending)."""
    before = asyncio.all_tasks()
    user = await quick_user(app)
    websocket = await _ready(ws_url, user)
    await websocket.send(json.dumps({"type": "ping"}))
    assert await _next_event(websocket) == {"type": "pong"}
    await websocket.close()
    left: list[asyncio.Task[Any]] = []
    for _ in range(200):
        left = [task for task in asyncio.all_tasks() - before if task is not asyncio.current_task()]
        if not left:
            break
        await asyncio.sleep(0.01)
    assert left == []


@pytest.mark.parametrize(
    "first_message",
    [
        json.dumps({"type": "auth", "token": "not-a-jwt"}),
        json.dumps({"type": "auth"}),
        json.dumps({"type": "hello", "token": "x"}),
        json.dumps(["auth"]),
        "{not json",
    ],
)
async def test_bad_first_message_closes_with_4401(ws_url: str, first_message: str) -> None:
    async with connect(ws_url) as websocket:
        await websocket.send(first_message)
        assert await _close_code(websocket) == 4401


async def test_silence_closes_with_4401(ws_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(realtime_router, "AUTH_TIMEOUT_SECONDS", 0.3)
    async with connect(ws_url) as websocket:
        assert await _close_code(websocket) == 4401


async def test_expired_or_revoked_token_closes_with_4401(
    app: FastAPI, client: AsyncClient, ws_url: str
) -> None:
    user = await quick_user(app)
    expired, _ = create_access_token(
        TEST_SECRET,
        user_id=user.id,
        session_id=user.tokens.session_id,
        lifetime=timedelta(seconds=-5),
    )
    async with connect(ws_url) as websocket:
        await websocket.send(json.dumps({"type": "auth", "token": expired}))
        assert await _close_code(websocket) == 4401
    assert (await client.post(f"{API}/auth/logout-all", headers=user.headers)).status_code == 204
    async with connect(ws_url) as websocket:
        await websocket.send(json.dumps({"type": "auth", "token": user.tokens.access_token}))
        assert await _close_code(websocket) == 4401


async def test_token_expiry_closes_an_open_connection_unless_renewed(
    app: FastAPI, ws_url: str
) -> None:
    user = await quick_user(app)

    def short_token(seconds: float) -> str:
        token, _ = create_access_token(
            TEST_SECRET,
            user_id=user.id,
            session_id=user.tokens.session_id,
            lifetime=timedelta(seconds=seconds),
        )
        return token

    renewed = await connect(ws_url)
    await renewed.send(json.dumps({"type": "auth", "token": short_token(1.5)}))
    assert await _next_event(renewed) == {"type": "ready"}
    expiring = await connect(ws_url)
    await expiring.send(json.dumps({"type": "auth", "token": short_token(1.5)}))
    assert await _next_event(expiring) == {"type": "ready"}

    await renewed.send(json.dumps({"type": "auth", "token": short_token(60)}))
    assert await _next_event(renewed) == {"type": "ready"}
    assert await _close_code(expiring, timeout=5) == 4401
    await renewed.send(json.dumps({"type": "ping"}))
    assert await _next_event(renewed) == {"type": "pong"}
    await renewed.close()


async def test_renewal_with_another_users_token_is_refused(app: FastAPI, ws_url: str) -> None:
    alice, bob = await quick_user(app), await quick_user(app)
    websocket = await _ready(ws_url, alice)
    await websocket.send(json.dumps({"type": "auth", "token": bob.tokens.access_token}))
    assert await _close_code(websocket) == 4401


async def test_members_get_other_members_changes_and_outsiders_do_not(
    app: FastAPI, client: AsyncClient, ws_url: str
) -> None:
    owner = await quick_user(app)
    member = await quick_user(app)
    outsider = await quick_user(app)
    project = await make_project(client, owner, "Shared")
    await add_member(client, project["id"], owner, member, "editor")
    member_socket = await _ready(ws_url, member)
    outsider_socket = await _ready(ws_url, outsider)

    task = await make_task(client, owner, "Write the spec", project_id=project["id"])
    event = await _next_event(member_socket, timeout=1.0)
    assert event["type"] == "task.created"
    assert event["project_id"] == project["id"]
    assert event["task_id"] == task["id"]
    assert event["actor_id"] == owner.id
    assert isinstance(event["data"], dict)
    await _nothing_arrives(outsider_socket)
    await member_socket.close()
    await outsider_socket.close()


async def test_a_new_member_starts_receiving_and_a_removed_one_stops(
    app: FastAPI, client: AsyncClient, ws_url: str
) -> None:
    owner = await quick_user(app)
    member = await quick_user(app)
    project = await make_project(client, owner, "Shared")
    websocket = await _ready(ws_url, member)

    await add_member(client, project["id"], owner, member, "viewer")
    added = await _next_event(websocket)
    assert (added["type"], added["data"]["user_id"]) == ("member.added", member.id)
    await asyncio.sleep(0.2)  # the connection reloads its projects
    await make_task(client, owner, "Visible", project_id=project["id"])
    assert (await _next_event(websocket))["type"] == "task.created"

    response = await client.delete(
        f"{API}/projects/{project['id']}/members/{member.id}", headers=owner.headers
    )
    assert response.status_code == 204
    removed = await _next_event(websocket)
    assert (removed["type"], removed["data"]["user_id"]) == ("member.removed", member.id)
    await asyncio.sleep(0.2)
    await make_task(client, owner, "Hidden", project_id=project["id"])
    await _nothing_arrives(websocket)
    await websocket.close()


async def test_a_slow_client_is_dropped_without_slowing_others(
    app: FastAPI, client: AsyncClient, ws_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(realtime_router, "QUEUE_SIZE", 8)
    owner = await quick_user(app)
    project = await make_project(client, owner, "Busy")
    fast = await _ready(ws_url, owner)
    slow = await _SilentClient.open(ws_url, owner.tokens.access_token)
    received = 0
    big = "x" * 64_000
    count = 200

    async def read_fast() -> None:
        nonlocal received
        while received < count:
            await fast.recv()
            received += 1

    reader = asyncio.create_task(read_fast())
    for number in range(count):
        await app.state.events.publish(
            [Event(type="task.updated", project_id=project["id"], data={"n": number, "pad": big})]
        )
        await asyncio.sleep(0.002)
    await asyncio.wait_for(reader, 20)
    assert received == count
    assert await slow.close_code() == 1013
    await fast.close()


class _SilentClient:
    """A WebSocket client that never reads after `ready`: a tiny receive buffer, no library
    reading in the background, so the server's sends to it block and its queue overflows."""

    def __init__(self, sock: socket.socket, protocol: ClientProtocol) -> None:
        self.sock = sock
        self.protocol = protocol

    @classmethod
    async def open(cls, url: str, token: str) -> _SilentClient:
        loop = asyncio.get_running_loop()
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.setblocking(False)
        uri = parse_uri(url)
        await loop.sock_connect(sock, (uri.host, uri.port))
        client = cls(sock, ClientProtocol(uri, max_size=None))
        client.protocol.send_request(client.protocol.connect())
        await client._flush()
        await client._read_until(
            lambda: client.protocol.handshake_exc is not None or client.protocol.state is State.OPEN
        )
        client.protocol.send_text(json.dumps({"type": "auth", "token": token}).encode())
        await client._flush()
        frames = await client._read_until(lambda: False, frames_wanted=1)
        assert json.loads(bytes(frames[0].data)) == {"type": "ready"}
        return client

    async def close_code(self) -> int | None:
        await self._read_until(lambda: self.protocol.close_rcvd is not None, timeout=15)
        self.sock.close()
        assert self.protocol.close_rcvd is not None
        return self.protocol.close_rcvd.code

    async def _flush(self) -> None:
        for chunk in self.protocol.data_to_send():
            await asyncio.get_running_loop().sock_sendall(self.sock, chunk)

    async def _read_until(
        self, done: Callable[[], bool], *, frames_wanted: int = 0, timeout: float = 5
    ) -> list[Frame]:
        frames: list[Frame] = []
        async with asyncio.timeout(timeout):
            while not done() and (not frames_wanted or len(frames) < frames_wanted):
                data = await asyncio.get_running_loop().sock_recv(self.sock, 65536)
                if not data:
                    self.protocol.receive_eof()
                    break
                self.protocol.receive_data(data)
                frames += [e for e in self.protocol.events_received() if isinstance(e, Frame)]
        return frames


async def test_a_token_issued_before_its_session_existed_closes_with_4401(
    app: FastAPI, ws_url: str
) -> None:
    """The socket applies the same `iat` check as every request (docs/security.md)."""
    user = await quick_user(app)
    now = datetime.now(UTC)
    claims = {
        "sub": str(user.id),
        "sid": str(user.tokens.session_id),
        "iat": int((now - timedelta(minutes=2)).timestamp()),
        "exp": int((now + timedelta(minutes=5)).timestamp()),
        "jti": uuid.uuid4().hex,
        "type": "access",
    }
    older_than_its_session = jwt.encode(claims, TEST_SECRET, algorithm="HS256")
    async with connect(ws_url) as websocket:
        await websocket.send(json.dumps({"type": "auth", "token": older_than_its_session}))
        assert await _close_code(websocket) == 4401
    websocket = await _ready(ws_url, user)  # the token of the same session, issued after it
    await websocket.close()
