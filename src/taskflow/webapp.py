"""Serves the built web app: hashed assets with long cache, index.html for client routes.

The build also holds the PWA's files at the root (vite-plugin-pwa): `sw.js` (the service
worker) and its `workbox-*.js`, `manifest.webmanifest` and the icons. Like index.html they are
`no-cache` (the browser checks for a new service worker at each visit), with their types set
here rather than guessed.
"""

from __future__ import annotations

from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.types import Receive, Scope, Send

WEB_DIR = Path(__file__).parent / "web"
# Paths the web app never answers: unknown API paths get a JSON 404, whatever the method.
RESERVED_PREFIXES = ("/api/", "/docs", "/health/", "/metrics")
IMMUTABLE = "public, max-age=31536000, immutable"
WEB_APP_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self' ws: wss:; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'; worker-src 'self'; manifest-src 'self'"
)
MEDIA_TYPES = {
    ".webmanifest": "application/manifest+json",
    ".js": "text/javascript; charset=utf-8",
}

NOT_BUILT_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>TaskFlow</title></head><body><h1>TaskFlow</h1>
<p>The API is running, but the web app has not been built: run <code>make run</code>
(or <code>make web</code>) from a source checkout. The API docs are at
<a href="/docs">/docs</a>.</p></body></html>"""


class WebApp:
    """The single-page app: files from `web/`, and index.html for every other GET."""

    def __init__(self, web_dir: Path = WEB_DIR) -> None:
        self.root = web_dir.resolve()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            raise HTTPException(status_code=404)
        request = Request(scope, receive)
        path: str = scope["path"]
        response: Response
        if path.startswith(RESERVED_PREFIXES) or path == "/api":
            response = JSONResponse({"detail": "Not Found"}, status_code=404)
        elif request.method not in {"GET", "HEAD"}:
            response = JSONResponse(
                {"detail": "Method Not Allowed"}, status_code=405, headers={"Allow": "GET, HEAD"}
            )
        else:
            response = self._file_for(path)
        await response(scope, receive, send)

    def _file_for(self, path: str) -> Response:
        index = self.root / "index.html"
        if not index.is_file():
            return HTMLResponse(NOT_BUILT_PAGE)
        relative = path.lstrip("/")
        if relative:
            candidate = (self.root / relative).resolve()
            if candidate.is_relative_to(self.root) and candidate.is_file():
                cache = IMMUTABLE if relative.startswith("assets/") else "no-cache"
                headers = {"Cache-Control": cache}
                # The service worker precaches /index.html by that name and serves it offline:
                # it carries the same policy as the page served for a client route.
                if candidate == index:
                    headers["Content-Security-Policy"] = WEB_APP_CSP
                return FileResponse(
                    candidate, media_type=MEDIA_TYPES.get(candidate.suffix), headers=headers
                )
            if relative.startswith("assets/"):
                return JSONResponse({"detail": "Not Found"}, status_code=404)
        return FileResponse(
            index, headers={"Cache-Control": "no-cache", "Content-Security-Policy": WEB_APP_CSP}
        )
