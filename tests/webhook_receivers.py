"""Real HTTP servers that receive webhooks, for the tests and the bench.

`Receiver(mode)` listens on 127.0.0.1 in threads of its own:
- `verify`: checks `X-TaskFlow-Signature` with the secret (set it once known) and answers
  204 for a good signature, 401 for a bad one; every request is kept;
- `fail`: answers 500 to the first `fail_times` requests, then 204;
- `flaky`: answers 500 to the first `fail_times` requests of each delivery (by its
  `X-TaskFlow-Delivery`), then 204;
- `hang`: never answers (holds the connection until the server stops).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    signature_ok: bool | None

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    mode: str = "verify"
    secret: str | None = None
    fail_times: int = 0
    received: list[Received] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                receiver._handle(self, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def _handle(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        headers = {k.lower(): v for k, v in handler.headers.items()}
        ok: bool | None = None
        if self.secret is not None:
            expected = "sha256=" + hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
            ok = hmac.compare_digest(expected, headers.get("x-taskflow-signature", ""))
        delivery = headers.get("x-taskflow-delivery")
        with self._lock:
            self.received.append(Received(handler.path, headers, body, ok))
            count = len(self.received)
            tries = sum(r.headers.get("x-taskflow-delivery") == delivery for r in self.received)
        if self.mode == "hang":
            self._stop.wait(120)
            return
        if (self.mode == "fail" and count <= self.fail_times) or (
            self.mode == "flaky" and tries <= self.fail_times
        ):
            status = 500
        elif self.mode == "verify" and ok is False:
            status = 401
        else:
            status = 204
        handler.send_response(status)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.02)
        raise AssertionError(f"expected {count} requests, got {len(self.received)}")

    def close(self) -> None:
        self._stop.set()
        self.server.shutdown()
        self.server.server_close()
