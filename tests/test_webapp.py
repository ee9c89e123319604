"""The web app's files as the server sends them: the PWA's service worker and manifest
(docs/architecture.md, "Installable and offline"), index.html's CSP, hashed assets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from taskflow.webapp import WebApp

MANIFEST = {"name": "TaskFlow", "start_url": "/", "display": "standalone", "icons": []}


@pytest.fixture
def web_dir(tmp_path: Path) -> Path:
    """A build as `make web` lays it out (vite + vite-plugin-pwa)."""
    root = tmp_path / "web"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text("<!doctype html><title>TaskFlow</title>")
    (root / "assets" / "index-abc123.js").write_text("console.log('app')")
    (root / "sw.js").write_text("importScripts('/workbox-1a2b.js')")
    (root / "workbox-1a2b.js").write_text("self.workbox = {}")
    (root / "manifest.webmanifest").write_text(json.dumps(MANIFEST))
    (root / "pwa-192x192.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return root


async def get(web_dir: Path, path: str) -> tuple[int, dict[str, str], bytes]:
    async with AsyncClient(
        transport=ASGITransport(app=WebApp(web_dir)), base_url="http://t"
    ) as web:
        response = await web.get(path)
    return response.status_code, dict(response.headers), response.content


async def test_service_worker_is_javascript_and_never_cached(web_dir: Path) -> None:
    status, headers, body = await get(web_dir, "/sw.js")
    assert status == 200
    assert headers["content-type"].startswith("text/javascript")
    assert headers["cache-control"] == "no-cache"
    assert b"importScripts" in body
    status, headers, _ = await get(web_dir, "/workbox-1a2b.js")
    assert status == 200
    assert headers["content-type"].startswith("text/javascript")


async def test_manifest_has_its_own_type(web_dir: Path) -> None:
    status, headers, body = await get(web_dir, "/manifest.webmanifest")
    assert status == 200
    assert headers["content-type"] == "application/manifest+json"
    assert headers["cache-control"] == "no-cache"
    assert json.loads(body)["display"] == "standalone"
    status, headers, _ = await get(web_dir, "/pwa-192x192.png")
    assert (status, headers["content-type"]) == (200, "image/png")


async def test_index_csp_allows_the_service_worker_and_manifest(web_dir: Path) -> None:
    # `/index.html` too: the service worker precaches it by that name and serves it offline.
    for path in ("/", "/projects/7/activity", "/index.html"):
        status, headers, body = await get(web_dir, path)
        assert status == 200
        assert b"<title>TaskFlow</title>" in body
        csp = [part.strip() for part in headers["content-security-policy"].split(";")]
        assert "worker-src 'self'" in csp
        assert "manifest-src 'self'" in csp
        assert "script-src 'self'" in csp


async def test_hashed_assets_are_immutable_and_server_paths_are_not_the_app(web_dir: Path) -> None:
    status, headers, _ = await get(web_dir, "/assets/index-abc123.js")
    assert status == 200
    assert "immutable" in headers["cache-control"]
    # What the service worker's navigation fallback leaves alone is not the app here either.
    for path in ("/api/v1/nope", "/docs/x", "/metrics"):
        status, headers, _ = await get(web_dir, path)
        assert status == 404
        assert headers["content-type"] == "application/json"


async def test_the_app_serves_the_pwa_files_with_its_security_headers(
    app: FastAPI, client: AsyncClient, web_dir: Path
) -> None:
    """Through the whole app: no API route claims them, and the middleware keeps the web app's
    CSP (it only adds `frame-ancestors` where a response has none)."""
    app.router.default = WebApp(web_dir)
    worker = await client.get("/sw.js")
    assert worker.status_code == 200
    assert worker.headers["cache-control"] == "no-cache"
    assert worker.headers["content-type"].startswith("text/javascript")
    assert worker.headers["x-content-type-options"] == "nosniff"
    manifest = await client.get("/manifest.webmanifest")
    assert manifest.headers["content-type"] == "application/manifest+json"
    page = await client.get("/projects/1/activity")
    assert "worker-src 'self'" in page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
