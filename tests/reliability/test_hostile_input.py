"""Hostile input, beyond tests/test_bad_input.py: sizes, nesting, encodings, injection, paths.

Whatever arrives, the answer is a 4xx that the OpenAPI schema documents, never a 500, and
what is stored is exactly the text that was sent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from taskflow.webapp import WebApp
from tests.factories_domain import API, make_task, quick_user
from tests.servers import ServerProcess, run_server


async def test_declared_oversized_body_is_413_before_it_is_read(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await quick_user(app)
    limit = app.state.settings.max_body_bytes
    body = b'{"title": "' + b"x" * limit + b'"}'
    response = await client.post(
        f"{API}/tasks", content=body, headers={**user.headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "Request body too large"}


async def test_streamed_oversized_body_without_length_is_413(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await quick_user(app)
    limit = app.state.settings.max_body_bytes

    async def chunks() -> object:
        for _ in range(limit // 65536 + 2):
            yield b"x" * 65536

    response = await client.post(
        f"{API}/tasks",
        content=chunks(),  # type: ignore[arg-type]
        headers={**user.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 413


@pytest.mark.parametrize("settings_overrides", [{"max_import_bytes": 256 * 1024}])
async def test_streamed_oversized_import_is_413_at_its_own_limit(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await quick_user(app)

    async def chunks() -> object:
        for _ in range(6):
            yield b"x" * 65536

    response = await client.post(
        f"{API}/import",
        content=chunks(),  # type: ignore[arg-type]
        headers={**user.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 413


@pytest.mark.parametrize("depth", [1_000, 100_000])
async def test_deeply_nested_json_is_refused_not_a_crash(
    app: FastAPI, client: AsyncClient, depth: int
) -> None:
    user = await quick_user(app)
    headers = {**user.headers, "Content-Type": "application/json"}
    nested = b"[" * depth + b"]" * depth
    as_title = b'{"title": ' + b'{"a": ' * depth + b"1" + b"}" * depth + b"}"
    for body in (nested, as_title):
        response = await client.post(f"{API}/tasks", content=body, headers=headers)
        assert response.status_code in {400, 422}, response.text[:200]
    # The process is fine afterwards.
    assert (await client.get(f"{API}/tasks", headers=user.headers)).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        b'{"title": "\xff\xfe"}',
        b'{"title": "a\xc3"}',
        b"\xef\xbb\xbf\x80",
        b'{"title": "\xed\xa0\x80"}',
    ],
)
async def test_invalid_utf8_is_refused(app: FastAPI, client: AsyncClient, body: bytes) -> None:
    user = await quick_user(app)
    response = await client.post(
        f"{API}/tasks", content=body, headers={**user.headers, "Content-Type": "application/json"}
    )
    assert response.status_code in {400, 422}, response.text


async def test_huge_query_strings_are_422(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    for query in (
        # httpx sends URLs up to 64 KiB; longer ones are the server's (see the wire tests)
        "search=" + "a" * 60_000,
        "&".join(f"status=todo&x{n}=1" for n in range(2_500)),
        "sort=" + "-" * 50_000,
    ):
        response = await client.get(f"{API}/tasks?{query}", headers=user.headers)
        assert response.status_code in {200, 422}, response.text[:200]
        assert response.status_code == 422 or "x0=" in query


@pytest.mark.parametrize(
    "raw",
    [
        b"abc\r\nSet-Cookie: pwned=1",
        b"abc\nX-Injected: 1",
        b"<script>alert(1)</script>",
        b"x" * 10_000,
        "caf\u00e9".encode("latin-1"),
    ],
)
async def test_request_id_header_injection_is_never_echoed(app: FastAPI, raw: bytes) -> None:
    # httpx refuses to send CR/LF in a header, so the ASGI scope is built by hand.
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/health/live",
        "raw_path": b"/health/live",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"test"), (b"x-request-id", raw)],
        "client": ("127.0.0.1", 1234),
        "server": ("test", 80),
    }
    await app(scope, receive, send)  # type: ignore[arg-type]
    start = sent[0]
    assert start["status"] == 200
    headers = dict(start["headers"])  # type: ignore[call-overload]
    request_id: bytes = headers[b"x-request-id"]
    assert request_id != raw
    assert len(request_id) == 32
    assert request_id.isalnum()
    assert all(b"\r" not in v and b"\n" not in v for v in headers.values())
    assert b"set-cookie" not in headers
    assert b"x-injected" not in headers


@pytest.mark.parametrize(
    "path",
    [
        "/tasks/..%2F..%2Fetc%2Fpasswd",
        "/tasks/1%2F..%2F2",
        "/tasks/%2e%2e",
        "/projects/1;DROP TABLE tasks",
        "/tasks/1%00",
        "/tasks/%EF%BC%91",  # a full-width digit one
        "/tasks/1e3",
        "/tasks/0x10",
        "/tasks/+1",
    ],
)
async def test_path_traversal_and_odd_ids_are_422_or_404(
    app: FastAPI, client: AsyncClient, path: str
) -> None:
    user = await quick_user(app)
    response = await client.get(API + path, headers=user.headers)
    assert response.status_code in {404, 422}, (path, response.status_code, response.text)


@pytest.fixture
def web_dir(tmp_path: Path) -> Path:
    root = tmp_path / "web"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text("<!doctype html><title>TaskFlow</title>")
    (root / "assets" / "app.js").write_text("console.log('app')")
    (tmp_path / "secret.txt").write_text("top secret")
    return root


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/..%2Fsecret.txt",
        "/assets/..%2F..%2Fsecret.txt",
        "/assets/%2e%2e/%2e%2e/secret.txt",
        "/%2e%2e%2fsecret.txt",
        "//etc/passwd",
        "/assets/../../../../etc/passwd",
        "/assets/..\\..\\secret.txt",
    ],
)
async def test_web_app_never_serves_files_outside_its_directory(web_dir: Path, path: str) -> None:
    async with AsyncClient(
        transport=ASGITransport(app=WebApp(web_dir)), base_url="http://t"
    ) as web:
        response = await web.get(path)
    assert response.status_code in {200, 404}
    assert "top secret" not in response.text
    assert "root:" not in response.text


SQL_AND_WILDCARDS = [
    "'; DROP TABLE tasks; --",
    '" OR 1=1 --',
    "%",
    "_",
    "\\",
    "\\%",
    "[a-z]*",
    "$1",
]


async def test_search_takes_sql_and_like_metacharacters_literally(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await quick_user(app)
    titles = {
        text: (await make_task(client, user, title=f"has {text} inside"))["id"]
        for text in SQL_AND_WILDCARDS
    }
    await make_task(client, user, title="plain words only")
    for text, task_id in titles.items():
        response = await client.get(f"{API}/tasks", params={"search": text}, headers=user.headers)
        assert response.status_code == 200, response.text
        found = {item["id"] for item in response.json()["items"]}
        assert task_id in found, text
        assert all(text.lower() in item["title"].lower() for item in response.json()["items"]), text
    everything = await client.get(f"{API}/tasks", headers=user.headers)
    assert everything.json()["total"] == len(SQL_AND_WILDCARDS) + 1


MARKUP = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "javascript:alert(1)",
    "{{7*7}} ${7*7} <%= 7*7 %>",
    "&lt;b&gt;already escaped&lt;/b&gt;",
]


@pytest.mark.parametrize("markup", MARKUP)
async def test_markup_in_titles_and_comments_is_stored_as_text(
    app: FastAPI, client: AsyncClient, markup: str
) -> None:
    user = await quick_user(app)
    task = await make_task(client, user, title=markup, description=markup)
    assert task["title"] == markup
    assert task["description"] == markup
    comment = await client.post(
        f"{API}/tasks/{task['id']}/comments", json={"body": markup}, headers=user.headers
    )
    assert comment.status_code == 201
    assert comment.json()["body"] == markup
    read = await client.get(f"{API}/tasks/{task['id']}/comments", headers=user.headers)
    assert read.headers["content-type"] == "application/json"
    assert read.headers["x-content-type-options"] == "nosniff"
    assert read.json()["items"][0]["body"] == markup


@pytest.fixture
def real_server(tmp_path: Path) -> Iterator[ServerProcess]:
    with run_server(tmp_path / "server", {"TASKFLOW_LOG_LEVEL": "WARNING"}) as server:
        yield server


async def _raw_request(server: ServerProcess, head: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    try:
        writer.write(head)
        await writer.drain()
        async with asyncio.timeout(10):
            return await reader.read(65536)
    finally:
        writer.close()


async def test_on_the_wire_a_huge_declared_body_is_refused_without_waiting_for_it(
    real_server: ServerProcess,
) -> None:
    # 1 GB announced, nothing sent: the answer comes at once (no read, no hang).
    head = (
        b"POST /api/v1/auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 1000000000\r\n\r\n"
    )
    answer = await _raw_request(real_server, head)
    assert answer.startswith(b"HTTP/1.1 413")


async def test_on_the_wire_a_huge_request_line_is_refused_and_the_server_lives(
    real_server: ServerProcess,
) -> None:
    head = b"GET /api/v1/tasks?search=" + b"a" * 200_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    answer = await _raw_request(real_server, head)
    assert not answer.startswith(b"HTTP/1.1 5")
    headers = (
        b"GET /health/live HTTP/1.1\r\nHost: x\r\n" + b"X-Pad: " + b"p" * 100_000 + b"\r\n\r\n"
    )
    answer = await _raw_request(real_server, headers)
    assert not answer.startswith(b"HTTP/1.1 5")
    alive = await _raw_request(real_server, b"GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n")
    assert alive.startswith(b"HTTP/1.1 200")
