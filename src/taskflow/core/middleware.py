"""Pure-ASGI middleware: request ids, security headers, body size limit, access log + metrics."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Sequence

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from taskflow.core import metrics
from taskflow.core.logging import request_id_var, user_id_var

logger = logging.getLogger("taskflow.access")

REQUEST_ID_HEADER = "x-request-id"
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class RequestContextMiddleware:
    """Gives every request an id (a sane incoming one is kept), logs and measures it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in {"http", "websocket"}:
            await self.app(scope, receive, send)
            return
        incoming = _header(scope["headers"], REQUEST_ID_HEADER)
        request_id = incoming if incoming and _SANE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        request_token = request_id_var.set(request_id)
        user_token = user_id_var.set(None)
        started = time.perf_counter()
        status_code = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status_code
            if message["type"] == "http.response.start":
                status_code = message["status"]
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if scope["type"] == "http":
                duration = time.perf_counter() - started
                route = _route_template(scope)
                metrics.observe_request(scope["method"], route, status_code, duration)
                logger.info(
                    "%s %s %s %.1fms",
                    scope["method"],
                    route,
                    status_code,
                    duration * 1000,
                    extra={
                        "method": scope["method"],
                        "route": route,
                        "status": status_code,
                        "duration_ms": round(duration * 1000, 2),
                        "client": (scope.get("client") or ("", 0))[0],
                    },
                )
            request_id_var.reset(request_token)
            user_id_var.reset(user_token)


class SecurityHeadersMiddleware:
    """nosniff, no referrer, no framing; HSTS when the request came over https."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "no-referrer")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Content-Security-Policy", "frame-ancestors 'none'")
                if scope.get("scheme") == "https":
                    headers.setdefault(
                        "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
                    )
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodySizeLimitMiddleware:
    """Refuses bodies over the limit with 413 before the app reads them.

    `max_bytes` applies everywhere except the paths in `path_limits`, which have their own
    (an import carries a whole export), and those matching `pattern_limits` (uploads).
    """

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        path_limits: dict[str, int] | None = None,
        pattern_limits: Sequence[tuple[re.Pattern[str], int]] = (),
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.path_limits = path_limits or {}
        self.pattern_limits = tuple(pattern_limits)

    def _limit(self, path: str) -> int:
        limit = self.path_limits.get(path)
        if limit is not None:
            return limit
        for pattern, pattern_limit in self.pattern_limits:
            if pattern.fullmatch(path):
                return pattern_limit
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope["path"])
        declared = _header(scope["headers"], "content-length")
        if declared is not None:
            if not declared.isdigit():
                await _plain_error(send, 400, "Invalid Content-Length")
                return
            if int(declared) > limit:
                await _plain_error(send, 413, "Request body too large")
                return
        received = 0
        response_started = False
        rejected = False

        async def counting_receive() -> Message:
            # Past the limit the 413 goes out here and now, and the app is told the client left:
            # raising instead would reach the app's body parser, which answers any error 400.
            nonlocal received, rejected
            if rejected:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    rejected = True
                    if not response_started:
                        await _plain_error(send, 413, "Request body too large")
                    return {"type": "http.disconnect"}
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if rejected:
                return  # the 413 was the answer; whatever the app says after it is dropped
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        await self.app(scope, counting_receive, tracking_send)


async def _plain_error(send: Send, status: int, detail: str) -> None:
    body = ('{"detail":"' + detail + '"}').encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _header(headers: Sequence[tuple[bytes, bytes]], name: str) -> str | None:
    key = name.encode()
    for header_name, value in headers:
        if header_name.lower() == key:
            return value.decode("latin-1")
    return None


def _route_template(scope: Scope) -> str:
    """`/api/v1/tasks/{task_id}`, never the raw path: bounded label cardinality.

    Since FastAPI 0.137, `include_router()` no longer copies routes with the prefix
    prepended: `scope["route"]` is the route as its own router declared it (`/tasks/{task_id}`,
    prefixes lost). The full template is on the effective route context FastAPI records in
    the scope; older FastAPI versions (and routes added to the app itself) have it on the route.
    """
    context = scope.get("fastapi", {}).get("effective_route_context")
    path = getattr(context, "path_format", None)
    if not path:
        route = scope.get("route")
        path = getattr(route, "path_format", None) or getattr(route, "path", None)
    if isinstance(path, str) and path:
        return path
    raw: str = scope.get("path", "")
    if raw.startswith("/api/"):
        return "<unmatched api>"
    return "<web>"
