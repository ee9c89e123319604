"""`make smoke`: the production stack on loopback, without Docker, walked through nginx.

Starts what deploy/docker-compose.yml starts — `taskflow migrate`, two gunicorn api processes
(the Dockerfile's CMD), one `taskflow worker`, nginx with deploy/nginx.conf — on a throwaway
PostgreSQL database and a Redis database of its own, with an in-process SMTP server as the
mailbox. Then one user goes through nginx only: register, verify by the mailed link, log in,
tasks, a live update over WebSocket, a password reset. Metrics are scraped from the api
processes directly (nginx hides them). Finally everything is stopped and the logs are searched
for any token or password. Exits 1 with the failed check named.

Settings (environment): SMOKE_POSTGRES (default postgresql://postgres@127.0.0.1:5432),
SMOKE_REDIS_URL (default redis://127.0.0.1:6379/13; flushed), SMOKE_KEEP=1 keeps the
temporary directory with the logs.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import queue
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import asyncpg
import httpx
import redis
from aiosmtpd.controller import Controller
from prometheus_client.parser import text_string_to_metric_families
from websockets.asyncio.client import connect as ws_connect

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
POSTGRES = os.environ.get("SMOKE_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("SMOKE_REDIS_URL", "redis://127.0.0.1:6379/13")
# The test client connects from this address: not a trusted proxy, so it is the real client.
CLIENT_IP = "127.0.0.2"
SPOOFED_IP = "203.0.113.7"
# gunicorn workers per api process: metrics of both must add up at one port
API_WORKERS = 2
POOL_SIZE = 4


class SmokeFailure(Exception):
    pass


def check(condition: object, what: str) -> None:
    if not condition:
        raise SmokeFailure(what)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


# --- mail ------------------------------------------------------------------------------------


class Mailbox:
    """aiosmtpd handler: every message delivered lands in a queue."""

    def __init__(self) -> None:
        self.messages: queue.Queue[Message] = queue.Queue()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.put(message_from_bytes(envelope.original_content or envelope.content))
        return "250 OK"

    def wait_for_link(self, path: str, timeout: float = 15.0) -> str:
        """The first mailed link to `path` (…/verify-email?token=…)."""
        try:
            message = self.messages.get(timeout=timeout)
        except queue.Empty:
            raise SmokeFailure(f"no email with a {path} link within {timeout:.0f}s") from None
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                text = part.get_payload(decode=True).decode()  # type: ignore[union-attr]
                match = re.search(r"(https?://\S+" + re.escape(path) + r"\?token=\S+)", text)
                if match:
                    return match.group(1)
        raise SmokeFailure(f"the email holds no {path} link: {message['Subject']}")


# --- processes -------------------------------------------------------------------------------


@dataclass
class Stack:
    tmp: Path
    nginx_dir: Path
    env: dict[str, str]
    nginx_port: int = field(default_factory=free_port)
    api_ports: list[int] = field(default_factory=lambda: [free_port(), free_port()])
    worker_metrics_port: int = field(default_factory=free_port)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    log_names: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.nginx_port}"

    def log(self, name: str) -> Path:
        return self.tmp / f"{name}.log"

    def start(self, name: str, argv: list[str], log_name: str | None = None) -> None:
        """Both api processes write to api.log, as one container's output would."""
        self.log_names[name] = log_name or name
        with self.log(self.log_names[name]).open("ab") as log:
            self.processes[name] = subprocess.Popen(  # noqa: S603 (our own argv)
                argv, env=self.env, stdout=log, stderr=subprocess.STDOUT, cwd=self.tmp
            )

    def stop_all(self) -> None:
        """SIGTERM (SIGQUIT for nginx: graceful), then wait; kill what does not stop."""
        for name, process in self.processes.items():
            if process.poll() is None:
                process.send_signal(signal.SIGQUIT if name == "nginx" else signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def ensure_running(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                tail = self.log(self.log_names[name]).read_text(errors="replace")[-3000:]
                raise SmokeFailure(f"{name} exited with {process.returncode}:\n{tail}")


def gunicorn_argv(port: int) -> list[str]:
    """The Dockerfile's CMD, bound to a loopback port instead of 0.0.0.0:8000."""
    dockerfile = (REPO / "deploy" / "Dockerfile").read_text()
    match = re.search(r"^CMD (\[.*?\])\s*$", dockerfile.replace("\\\n", ""), re.M | re.S)
    check(match, "deploy/Dockerfile has no exec-form CMD")
    assert match is not None
    argv: list[str] = json.loads(match.group(1))
    check(argv[0] == "gunicorn" and "0.0.0.0:8000" in argv, f"unexpected CMD: {argv}")
    argv[argv.index("0.0.0.0:8000")] = f"127.0.0.1:{port}"
    return [str(VENV_BIN / "gunicorn"), *argv[1:]]


def _replace(text: str, old: str, new: str) -> str:
    check(old in text, f"deploy/nginx config changed: {old!r} not found (update deploy/smoke.py)")
    return text.replace(old, new)


def render_nginx(stack: Stack) -> Path:
    """deploy/nginx.conf for loopback: the two api ports, a free port, paths in a temp dir."""
    conf = (REPO / "deploy" / "nginx.conf").read_text()
    directory = stack.nginx_dir
    conf = _replace(conf, "worker_processes auto;", "worker_processes 2;")
    conf = _replace(conf, "pid /tmp/nginx.pid;", f"pid {directory}/nginx.pid;")
    conf = _replace(
        conf,
        "access_log /dev/stdout taskflow;",
        f"access_log {stack.log('nginx-access')} taskflow;",
    )
    conf = _replace(conf, "error_log /dev/stderr warn;", f"error_log {stack.log('nginx')} warn;")
    upstream = "".join(
        f"server 127.0.0.1:{port} max_fails=3 fail_timeout=10s;\n        "
        for port in stack.api_ports
    )
    conf = _replace(conf, "server api:8000 max_fails=3 fail_timeout=10s;\n        ", upstream)
    conf = _replace(conf, "listen 80;", f"listen 127.0.0.1:{stack.nginx_port};")
    conf = _replace(conf, "listen [::]:80;", "")
    conf = _replace(
        conf,
        "include /etc/nginx/taskflow-locations.conf;",
        f"include {REPO}/deploy/taskflow-locations.conf;",
    )
    temp_paths = "".join(
        f"    {kind}_temp_path {directory}/{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = _replace(conf, "http {\n", "http {\n" + temp_paths)
    path = directory / "nginx.conf"
    path.write_text(conf)
    return path


def wait_http(stack: Stack, url: str, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stack.ensure_running()
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=1).status_code == 200:
                return
        time.sleep(0.1)
    raise SmokeFailure(f"{what} did not answer 200 at {url} within {timeout:.0f}s")


# --- the walk --------------------------------------------------------------------------------


@dataclass
class Secrets:
    """Everything that must never reach a log."""

    values: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, value: str) -> None:
        self.values[name] = value
        if quote(value, safe="") != value:
            self.values[f"{name} (url-quoted)"] = quote(value, safe="")


class Walk:
    def __init__(self, stack: Stack, mailbox: Mailbox, found: Secrets) -> None:
        self.stack = stack
        self.mailbox = mailbox
        self.found = found
        # From 127.0.0.2, with a forged X-Forwarded-For that nginx appends to.
        self.http = httpx.Client(
            base_url=stack.url,
            transport=httpx.HTTPTransport(local_address=CLIENT_IP),
            headers={"X-Forwarded-For": SPOOFED_IP, "User-Agent": "taskflow-smoke"},
            timeout=10,
        )
        self.request_ids: list[str] = []

    def ok(self, step: str) -> None:
        print(f"  ok  {step}", flush=True)

    def call(
        self, method: str, path: str, expect: int, *, by_nginx: bool = False, **kwargs: Any
    ) -> httpx.Response:
        """One request through nginx; X-Request-ID, nosniff and Referrer-Policy come once each,
        also when nginx answers itself (`by_nginx`: that id never reaches an api log)."""
        response = self.http.request(method, path, **kwargs)
        check(
            response.status_code == expect,
            f"{method} {path}: expected {expect}, got {response.status_code}: "
            + response.text[:300],
        )
        request_id = response.headers.get("X-Request-ID", "")
        check(len(request_id) >= 16, f"{method} {path}: no X-Request-ID through nginx")
        check(
            response.headers.get_list("X-Content-Type-Options") == ["nosniff"]
            and response.headers.get_list("Referrer-Policy") == ["no-referrer"]
            and response.headers.get_list("X-Request-ID") == [request_id],
            f"{method} {path}: security headers missing or doubled through nginx",
        )
        if not by_nginx:
            self.request_ids.append(request_id)
        return response

    def unparsable_request_gets_the_headers_too(self) -> None:
        """nginx's own 400 (uvicorn's would be the same) carries the three headers as well."""
        with socket.create_connection(
            ("127.0.0.1", self.stack.nginx_port), timeout=10, source_address=(CLIENT_IP, 0)
        ) as raw:
            raw.sendall(
                b"POST /api/v1/tasks HTTP/1.1\r\nHost: smoke\r\nContent-Length: x\r\n"
                b"Connection: close\r\n\r\n"
            )
            answer = b""
            while chunk := raw.recv(65536):
                answer += chunk
        head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        status, *lines = head.split("\r\n")
        headers = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(":") for line in lines)
        }
        check(status.split()[1:2] == ["400"], f"Content-Length: x should be 400: {status!r}")
        check(
            len(headers.get("x-request-id", "")) >= 16
            and headers.get("x-content-type-options") == "nosniff"
            and headers.get("referrer-policy") == "no-referrer",
            f"nginx's own 400 lacks X-Request-ID, nosniff or Referrer-Policy: {head!r}",
        )

    def installable_web_app(self) -> None:
        """The service worker and manifest reach the browser as the app sends them (docs/
        architecture.md, "Installable and offline"): nginx neither caches nor retypes them."""
        worker = self.call("GET", "/sw.js", 200)
        check(
            worker.headers.get("Content-Type", "").startswith("text/javascript")
            and worker.headers.get("Cache-Control") == "no-cache",
            f"/sw.js: {worker.headers.get('Content-Type')}, {worker.headers.get('Cache-Control')}",
        )
        manifest = self.call("GET", "/manifest.webmanifest", 200)
        check(
            manifest.headers.get("Content-Type") == "application/manifest+json"
            and manifest.json()["display"] == "standalone",
            f"/manifest.webmanifest: {manifest.headers.get('Content-Type')}",
        )
        page = self.call("GET", "/", 200)
        csp = page.headers.get("Content-Security-Policy", "")
        check(
            "worker-src 'self'" in csp and "manifest-src 'self'" in csp,
            f"index.html's CSP does not allow the service worker and manifest: {csp!r}",
        )

    def run(self) -> dict[str, Any]:
        tag = secrets.token_hex(4)
        email, username = f"smoke-{tag}@example.com", f"smoke_{tag}"
        password = f"correct horse {secrets.token_hex(6)}"
        self.found.add("password", password)

        self.call("GET", "/health/ready", 200)
        self.call("GET", "/metrics", 404, by_nginx=True)
        self.call("GET", "/api/v1/metrics", 404)
        self.ok("nginx up; /metrics and /api/v1/metrics not reachable through it")
        self.unparsable_request_gets_the_headers_too()
        self.ok("an unparsable request (Content-Length: x) is a 400 with the three headers too")
        self.installable_web_app()
        self.ok("the PWA's service worker and manifest pass nginx with their types, no-cache")

        user = self.call(
            "POST",
            "/api/v1/auth/register",
            201,
            json={"email": email, "username": username, "password": password},
        ).json()
        check(not user["is_verified"], "a new user is already verified")
        link = self.mailbox.wait_for_link("/verify-email")
        check(
            link.startswith(self.stack.url + "/verify-email?token="),
            f"link not on TASKFLOW_PUBLIC_URL: {link}",
        )
        verify_token = parse_qs(urlsplit(link).query)["token"][0]
        self.found.add("verification token", verify_token)
        self.call("GET", link.removeprefix(self.stack.url), 200)  # the web app's page
        verified = self.call(
            "POST", "/api/v1/auth/verify/confirm", 200, json={"token": verify_token}
        )
        check(verified.json()["is_verified"], "confirming did not verify the address")
        self.ok(f"registered {username}, verified by the mailed link (worker → SMTP)")

        tokens = self.login(username, password)
        auth = {"Authorization": f"Bearer {tokens['access_token']}"}
        me = self.call("GET", "/api/v1/users/me", 200, headers=auth).json()
        check(me["is_verified"], "/users/me is not verified")
        sessions = self.call("GET", "/api/v1/auth/sessions", 200, headers=auth).json()["items"]
        check(
            [s["ip"] for s in sessions] == [CLIENT_IP],
            f"session IP should be the real client {CLIENT_IP} (not the forged {SPOOFED_IP} "
            f"nor nginx's 127.0.0.1): {[s['ip'] for s in sessions]}",
        )
        refreshed = self.call(
            "POST",
            "/api/v1/auth/refresh",
            200,
            json={"refresh_token": tokens["refresh_token"]},
        ).json()
        self.found.add("refreshed refresh token", refreshed["refresh_token"])
        self.found.add("refreshed access token", refreshed["access_token"])
        auth = {"Authorization": f"Bearer {refreshed['access_token']}"}
        self.ok(f"logged in, refreshed; session IP is the real client {CLIENT_IP}")

        self.forwarded_headers_only_from_the_proxy(username, password, auth)
        self.ok(
            "X-Forwarded-For/-Proto believed from nginx (127.0.0.1) only, not from a client "
            "that reaches an api process directly"
        )

        events = asyncio.run(self.tasks_with_live_updates(auth, refreshed["access_token"]))
        self.ok(f"tasks created and completed; WebSocket through nginx got {events}")

        self.call("POST", "/api/v1/auth/password-reset/request", 202, json={"email": email})
        reset_link = self.mailbox.wait_for_link("/reset-password")
        reset_token = parse_qs(urlsplit(reset_link).query)["token"][0]
        self.found.add("reset token", reset_token)
        new_password = f"battery staple {secrets.token_hex(6)}"
        self.found.add("new password", new_password)
        self.call(
            "POST",
            "/api/v1/auth/password-reset/confirm",
            204,
            json={"token": reset_token, "new_password": new_password},
        )
        self.call("GET", "/api/v1/users/me", 401, headers=auth)
        self.login(email, new_password)
        self.ok("password reset by the mailed link; old session ended; new password works")
        return {"user_id": me["id"]}

    def login(self, username: str, password: str) -> dict[str, Any]:
        response = self.call(
            "POST", "/api/v1/auth/token", 200, data={"username": username, "password": password}
        )
        check("no-store" in response.headers.get("Cache-Control", ""), "token reply is cacheable")
        tokens: dict[str, Any] = response.json()
        self.found.add(
            f"access token of login {response.headers['X-Request-ID']}", tokens["access_token"]
        )
        self.found.add(
            f"refresh token of login {response.headers['X-Request-ID']}", tokens["refresh_token"]
        )
        return tokens

    def forwarded_headers_only_from_the_proxy(
        self, username: str, password: str, auth: dict[str, str]
    ) -> None:
        """A client reaching an api process directly cannot claim another IP or https."""
        forged = {"X-Forwarded-For": SPOOFED_IP, "X-Forwarded-Proto": "https"}
        with httpx.Client(
            base_url=f"http://127.0.0.1:{self.stack.api_ports[0]}",
            transport=httpx.HTTPTransport(local_address=CLIENT_IP),
            headers=forged,
            timeout=10,
        ) as direct:
            response = direct.post(
                "/api/v1/auth/token", data={"username": username, "password": password}
            )
        check(response.status_code == 200, f"direct login: {response.status_code}")
        self.found.add("direct access token", response.json()["access_token"])
        self.found.add("direct refresh token", response.json()["refresh_token"])
        check(
            "Strict-Transport-Security" not in response.headers,
            "a direct client's X-Forwarded-Proto: https was believed (HSTS sent)",
        )
        through_nginx = self.call("GET", "/api/v1/auth/sessions", 200, headers={**auth, **forged})
        check(
            "Strict-Transport-Security" not in through_nginx.headers,
            "nginx passed on a client's X-Forwarded-Proto: https",
        )
        ips = [s["ip"] for s in through_nginx.json()["items"]]
        check(ips == [CLIENT_IP, CLIENT_IP], f"session IPs should all be {CLIENT_IP}: {ips}")

    async def tasks_with_live_updates(self, auth: dict[str, str], access_token: str) -> str:
        ws_url = f"ws://127.0.0.1:{self.stack.nginx_port}/api/v1/ws"
        async with ws_connect(ws_url, local_addr=(CLIENT_IP, 0), open_timeout=10) as ws:
            await ws.send(json.dumps({"type": "auth", "token": access_token}))
            ready = json.loads(await asyncio.wait_for(ws.recv(), 10))
            check(ready == {"type": "ready"}, f"WebSocket answered {ready}, not ready")
            created = []
            for title in ("Water the plants", "Write the smoke test"):
                response = await asyncio.to_thread(
                    self.call, "POST", "/api/v1/tasks", 201, json={"title": title}, headers=auth
                )
                created.append(response.json())
            task = created[1]
            done = await asyncio.to_thread(
                self.call,
                "PATCH",
                f"/api/v1/tasks/{task['id']}",
                200,
                json={"status": "done"},
                headers=auth,
            )
            check(done.json()["completed_at"], "a done task has no completed_at")
            listed = await asyncio.to_thread(
                self.call, "GET", "/api/v1/tasks", 200, params={"status": "done"}, headers=auth
            )
            check(listed.json()["total"] == 1, f"expected 1 done task: {listed.json()}")
            scrapes = await asyncio.to_thread(lambda: [scrape(p) for p in self.stack.api_ports])
            open_sockets = metric_sum(scrapes, "taskflow_websocket_connections")
            check(open_sockets == 1, f"metrics: {open_sockets} WebSocket connections, expected 1")
            seen: list[str] = []
            deadline = time.monotonic() + 5
            while "task.completed" not in seen:
                remaining = deadline - time.monotonic()
                check(remaining > 0, f"no task.completed event within 5s; got {seen}")
                try:
                    event = json.loads(await asyncio.wait_for(ws.recv(), remaining))
                except TimeoutError:
                    continue
                if event.get("task_id") in {t["id"] for t in created}:
                    seen.append(event["type"])
            return ", ".join(sorted(set(seen)))


# --- after the walk --------------------------------------------------------------------------


def scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
    check(response.status_code == 200, f"/metrics on api :{port} answered {response.status_code}")
    samples: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def metric_sum(scrapes: list[dict[Any, float]], name: str, **labels: str) -> float:
    wanted = set(labels.items())
    return sum(
        value
        for samples in scrapes
        for (sample_name, sample_labels), value in samples.items()
        if sample_name == name and wanted <= set(sample_labels)
    )


def check_metrics(stack: Stack) -> str:
    scrapes = [scrape(port) for port in stack.api_ports]
    requests = "taskflow_http_requests_total"
    expected = {
        ("POST", "/api/v1/auth/register", "201"): 1,
        ("POST", "/api/v1/auth/token", "200"): 3,
        ("POST", "/api/v1/tasks", "201"): 2,
        ("PATCH", "/api/v1/tasks/{task_id}", "200"): 1,
        ("GET", "/api/v1/tasks", "200"): 1,
    }
    for (method, route, status), count in expected.items():
        got = metric_sum(scrapes, requests, method=method, route=route, status=status)
        check(got == count, f"metrics: {method} {route} {status} counted {got}, expected {count}")
    routes = {dict(labels)["route"] for s in scrapes for (n, labels) in s if n == requests}
    raw = [route for route in routes if re.search(r"/\d+(/|$)", route)]
    check(not raw, f"metrics: raw paths instead of route templates: {raw}")
    check(
        metric_sum(scrapes, "taskflow_http_request_duration_seconds_count", route="/api/v1/tasks")
        >= 3,
        "metrics: no latency histogram for /api/v1/tasks",
    )
    pool = metric_sum(scrapes, "taskflow_db_pool_size")
    expected_pool = POOL_SIZE * len(stack.api_ports) * API_WORKERS  # every worker's pool
    check(pool == expected_pool, f"metrics: pool size {pool}, expected {expected_pool}")
    in_use = metric_sum(scrapes, "taskflow_db_pool_checked_out")
    check(in_use == 0, f"metrics: {in_use} connections still checked out")
    worker = [scrape(stack.worker_metrics_port)]
    sent = metric_sum(worker, "taskflow_jobs_total", job="email.send", outcome="succeeded")
    check(sent == 2, f"worker metrics: {sent} emails sent, expected 2")
    worker_pool = metric_sum(worker, "taskflow_db_pool_size")
    check(worker_pool == POOL_SIZE, f"worker metrics: pool size {worker_pool}, not {POOL_SIZE}")
    return (
        f"{int(metric_sum(scrapes, requests))} requests by {len(routes)} route templates, "
        f"pool {int(pool)}; worker: {int(sent)} email.send succeeded"
    )


def json_lines(stack: Stack, name: str) -> list[dict[str, Any]]:
    lines = []
    for number, line in enumerate(stack.log(name).read_text().splitlines(), 1):
        try:
            lines.append(json.loads(line))
        except ValueError:
            raise SmokeFailure(f"{name}.log line {number} is not JSON: {line[:200]}") from None
    return lines


def check_client_ip_in_logs(stack: Stack) -> None:
    json_lines(stack, "worker")
    access = [line for line in json_lines(stack, "api") if line["logger"] == "taskflow.access"]
    check(access, "api log: no JSON access lines")
    clients = {line.get("client") for line in access if line.get("route", "").startswith("/api/")}
    check(clients == {CLIENT_IP}, f"api log: client should be {CLIENT_IP} only, got {clients}")
    tasks = [line for line in access if line.get("route") == "/api/v1/tasks/{task_id}"]
    check(tasks, "api log: no line for /api/v1/tasks/{task_id}")
    line = tasks[0]
    for key in ("request_id", "user_id", "route", "status", "duration_ms", "method"):
        check(key in line, f"api log: access line without {key}: {line}")


def check_request_ids_in_logs(stack: Stack, request_ids: list[str]) -> None:
    api_log = stack.log("api").read_text()
    nginx_log = stack.log("nginx-access").read_text()
    missing = [rid for rid in request_ids if rid not in api_log or rid not in nginx_log]
    check(not missing, f"request ids missing from the api or nginx access log: {missing[:3]}")


def check_logs_hold_no_secrets(stack: Stack, found: Secrets) -> int:
    logs = sorted(stack.tmp.glob("*.log"))
    check(len(logs) >= 4, f"expected api, worker, nginx logs, found {[p.name for p in logs]}")
    leaks = []
    for path in logs:
        text = path.read_text(errors="replace")
        leaks += [f"{name} in {path.name}" for name, value in found.values.items() if value in text]
        if re.search(r"eyJ[\w-]{10,}\.[\w-]{10,}\.", text):
            leaks.append(f"a JWT in {path.name}")
    check(not leaks, "secrets in the logs: " + "; ".join(leaks))
    return sum(len(path.read_text(errors="replace").splitlines()) for path in logs)


# --- setup and teardown ----------------------------------------------------------------------


async def _admin(sql: str) -> None:
    connection = await asyncpg.connect(f"{POSTGRES}/postgres", timeout=5)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@contextlib.contextmanager
def throwaway_database() -> Iterator[str]:
    name = f"taskflow_smoke_{os.getpid()}_{secrets.token_hex(3)}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{POSTGRES}/{name}"
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextlib.contextmanager
def own_redis() -> Iterator[str]:
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    try:
        yield REDIS_URL
    finally:
        client.flushdb()
        client.close()


@contextlib.contextmanager
def smtp_server(mailbox: Mailbox) -> Iterator[int]:
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def process_env(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TASKFLOW_", "SMOKE_"))}
    for name in ("DATABASE_URL", "REDIS_URL", "WEB_CONCURRENCY"):
        env.pop(name, None)
    env["PATH"] = f"{VENV_BIN}:{env.get('PATH', '')}"
    env.update(settings)
    return env


def preflight() -> None:
    """What the machine must offer, checked before anything starts."""
    check(Path(NGINX).exists(), "nginx not found: apt-get install -y nginx-light")
    try:
        with socket.socket() as probe:
            probe.bind((CLIENT_IP, 0))
    except OSError as error:
        raise SmokeFailure(f"cannot use {CLIENT_IP} as the client address: {error}") from None


def start_stack(stack: Stack, started: float) -> None:
    """migrate, then the api processes, the worker and nginx; back when all answer."""
    migrate = subprocess.run(  # noqa: S603
        [str(VENV_BIN / "taskflow"), "migrate"],
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    stack.log("migrate").write_text(migrate.stdout + migrate.stderr)
    check(migrate.returncode == 0, f"taskflow migrate failed:\n{migrate.stderr[-2000:]}")
    for port in stack.api_ports:
        stack.start(f"api :{port}", gunicorn_argv(port), log_name="api")
    stack.start("worker", [str(VENV_BIN / "taskflow"), "worker"])
    conf = render_nginx(stack)
    nginx = [NGINX, "-p", str(stack.nginx_dir), "-e", str(stack.log("nginx")), "-c", str(conf)]
    test = subprocess.run([*nginx, "-t", "-q"], capture_output=True, text=True)  # noqa: S603
    check(test.returncode == 0, f"nginx -t failed:\n{test.stderr}")
    stack.start("nginx", [*nginx, "-g", "daemon off;"])
    for port in stack.api_ports:
        wait_http(stack, f"http://127.0.0.1:{port}/health/ready", f"api :{port}")
    wait_http(stack, f"{stack.url}/nginx-health", "nginx")
    print(
        f"smoke: nginx :{stack.nginx_port} → api :{stack.api_ports[0]}, "
        f":{stack.api_ports[1]} (gunicorn, Dockerfile CMD, {API_WORKERS} workers each) + worker, "
        f"up in {time.monotonic() - started:.1f}s",
        flush=True,
    )


def walk_and_check(stack: Stack, mailbox: Mailbox, found: Secrets) -> None:
    walk = Walk(stack, mailbox, found)
    walk.run()
    summary = check_metrics(stack)
    walk.ok(f"/metrics (scraped from both api processes): {summary}")
    stack.ensure_running()
    stack.stop_all()
    check_client_ip_in_logs(stack)
    check_request_ids_in_logs(stack, walk.request_ids)
    walk.ok(
        f"logs: JSON access lines with request id, user id, route, status, duration; "
        f"client IP {CLIENT_IP}; {len(walk.request_ids)} request ids in api and nginx logs"
    )
    lines = check_logs_hold_no_secrets(stack, found)
    walk.ok(
        f"no secret in {lines} log lines (api, worker, nginx): {len(found.values)} values searched"
    )


def main() -> int:
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="taskflow-smoke-"))
    # nginx workers run as nobody when started by root: they need a directory they can reach
    nginx_dir = Path(tempfile.mkdtemp(prefix="taskflow-smoke-nginx-"))
    nginx_dir.chmod(0o755)
    mailbox = Mailbox()
    found = Secrets()
    try:
        preflight()
        with (
            throwaway_database() as database_url,
            own_redis() as redis_url,
            smtp_server(mailbox) as smtp_port,
        ):
            secret_key = secrets.token_urlsafe(48)
            found.add("TASKFLOW_SECRET_KEY", secret_key)
            stack = Stack(tmp=tmp, nginx_dir=nginx_dir, env={})
            stack.env = process_env(
                TASKFLOW_ENV="production",
                TASKFLOW_SECRET_KEY=secret_key,
                TASKFLOW_DATABASE_URL=database_url,
                TASKFLOW_REDIS_URL=redis_url,
                TASKFLOW_DATA_DIR=str(tmp / "data"),
                TASKFLOW_PUBLIC_URL=stack.url,
                TASKFLOW_TRUSTED_PROXIES="127.0.0.1",
                TASKFLOW_SMTP_HOST="127.0.0.1",
                TASKFLOW_SMTP_PORT=str(smtp_port),
                TASKFLOW_SMTP_TLS="none",
                TASKFLOW_EMAIL_FROM="TaskFlow <tasks@example.com>",
                TASKFLOW_METRICS_ENABLED="true",
                TASKFLOW_WORKER_METRICS_PORT=str(stack.worker_metrics_port),
                TASKFLOW_DB_POOL_SIZE=str(POOL_SIZE),
                WEB_CONCURRENCY=str(API_WORKERS),
            )
            print(
                f"smoke: PostgreSQL {database_url.rsplit('/', 1)[1]}, Redis {redis_url}, "
                f"SMTP :{smtp_port}, logs in {tmp}",
                flush=True,
            )
            try:
                start_stack(stack, started)
                walk_and_check(stack, mailbox, found)
            finally:
                # before the database is dropped and Redis flushed: nothing writes afterwards
                stack.stop_all()
    except SmokeFailure as failure:
        print(f"\nsmoke: FAILED: {failure}\nsmoke: logs kept in {tmp}", file=sys.stderr)
        return 1
    except Exception:  # a bug here, or a reply not shaped as expected: same exit, with a trace
        traceback.print_exc()
        print(f"\nsmoke: FAILED (see above)\nsmoke: logs kept in {tmp}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(nginx_dir, ignore_errors=True)
    print(f"smoke: passed in {time.monotonic() - started:.1f}s", flush=True)
    if os.environ.get("SMOKE_KEEP") != "1":
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
