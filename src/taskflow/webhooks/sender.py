"""One delivery attempt over HTTP: the body, its signature, the POST, and what came back.

The body is built from the delivery's stored fields, the same bytes on every attempt. The
request goes to the address the SSRF check resolved (the Host header and TLS SNI keep the
name), redirects are not followed, and the whole attempt (connect, send, the first 2 KB of
the answer) is bounded by the timeout, so a receiver that trickles cannot hold it longer.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from taskflow.webhooks.ssrf import Target, TargetRefused, resolve

if TYPE_CHECKING:
    import httpx

USER_AGENT = "TaskFlow-Hookshot/1"
RESPONSE_KEEP_BYTES = 2048
SIGNATURE_HEADER = "X-TaskFlow-Signature"

# One client (connection pool) per event loop: a pool's connections belong to their loop.
_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
    weakref.WeakKeyDictionary()
)


def client() -> httpx.AsyncClient:
    """This loop's client: its pool reuses connections to busy receivers."""
    # httpx is imported by the first delivery (the worker's), not at start: every API worker
    # imports this module (webhooks.service) and would carry httpx's ~1 MB, ~5 MB where the
    # rich and pygments its command line loads are installed (the dev environment) (issue 22).
    import httpx

    loop = asyncio.get_running_loop()
    found = _clients.get(loop)
    if found is None:
        found = _clients[loop] = httpx.AsyncClient(
            follow_redirects=False,
            trust_env=False,  # never through a proxy from the environment
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
            headers={"User-Agent": USER_AGENT},
        )
    return found


def body_of(
    *,
    delivery_id: int,
    event: str,
    project_id: int,
    task_id: int | None,
    actor_id: int | None,
    data: dict[str, Any],
    created_at: str,
) -> bytes:
    payload = {
        "id": delivery_id,
        "event": event,
        "project_id": project_id,
        "task_id": task_id,
        "actor_id": actor_id,
        "data": data,
        "created_at": created_at,
    }
    return json.dumps(payload, separators=(",", ":"), sort_keys=True, default=str).encode()


def signature(secret: str, body: bytes) -> str:
    """`sha256=<hex HMAC-SHA256 of the raw body>`, as GitHub's X-Hub-Signature-256."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class Outcome:
    status_code: int | None
    duration_ms: int
    error: str | None
    response_body: str | None

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


async def send(
    url: str,
    *,
    secret: str,
    event: str,
    delivery_id: int,
    body: bytes,
    timeout_seconds: float,
    allow_private: bool,
) -> Outcome:
    import httpx  # for its errors; deferred, as in client()

    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        target = await resolve(url, allow_private=allow_private)
    except TargetRefused as refused:
        return Outcome(None, elapsed(), str(refused)[:500], None)
    headers = {
        "Content-Type": "application/json",
        "X-TaskFlow-Event": event,
        "X-TaskFlow-Delivery": str(delivery_id),
        SIGNATURE_HEADER: signature(secret, body),
    }
    try:
        async with asyncio.timeout(timeout_seconds):
            status, text = await _post(url, target, headers, body, timeout_seconds)
    except TimeoutError:
        return Outcome(None, elapsed(), f"timed out after {timeout_seconds:g} s", None)
    except httpx.HTTPError as error:
        return Outcome(None, elapsed(), f"{type(error).__name__}: {error}"[:500], None)
    return Outcome(status, elapsed(), None if 200 <= status < 300 else f"HTTP {status}", text)


async def _post(
    url: str, target: Target, headers: dict[str, str], body: bytes, timeout_seconds: float
) -> tuple[int, str]:
    parts = urlsplit(url)
    host = f"[{target.address}]" if target.address.version == 6 else str(target.address)
    pinned = urlunsplit((parts.scheme, f"{host}:{target.port}", parts.path or "/", parts.query, ""))
    default_port = 443 if target.scheme == "https" else 80
    host_header = target.host if target.port == default_port else f"{target.host}:{target.port}"
    extensions: dict[str, Any] = {"sni_hostname": target.host} if target.scheme == "https" else {}
    request = client().build_request(
        "POST",
        pinned,
        content=body,
        headers={**headers, "Host": host_header},
        timeout=timeout_seconds,
        extensions=extensions,
    )
    response = await client().send(request, stream=True)
    try:
        kept = bytearray()
        async for chunk in response.aiter_raw():
            kept.extend(chunk)
            if len(kept) >= RESPONSE_KEEP_BYTES:
                break
    finally:
        await response.aclose()
    return response.status_code, bytes(kept[:RESPONSE_KEEP_BYTES]).decode("utf-8", "replace")
