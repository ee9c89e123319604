"""create_app(): settings, lifespan, middleware, routers and the web app."""

from __future__ import annotations

import gc
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

import taskflow.jobs  # noqa: F401  (registers every domain's jobs)
from taskflow import __version__
from taskflow.attachments.router import router as attachments_router
from taskflow.attachments.upload import UPLOAD_ENVELOPE_BYTES
from taskflow.auth.api_token_router import router as api_token_router
from taskflow.auth.oidc_router import router as oidc_router
from taskflow.auth.router import router as auth_router
from taskflow.auth.two_factor_router import router as two_factor_router
from taskflow.config import Settings, load_settings
from taskflow.core import metrics
from taskflow.core.errors import error_responses, install_error_handlers
from taskflow.core.logging import configure_logging
from taskflow.core.middleware import (
    BodySizeLimitMiddleware,
    RequestContextMiddleware,
    SecurityHeadersMiddleware,
)
from taskflow.core.ratelimit import RateLimiter
from taskflow.core.runtime import build_runtime
from taskflow.feeds.router import router as feeds_router
from taskflow.health.router import metrics_router
from taskflow.health.router import router as health_router
from taskflow.notifications.router import router as notifications_router
from taskflow.projects.router import invitations_router
from taskflow.projects.router import router as projects_router
from taskflow.realtime.hub import Hub
from taskflow.realtime.router import router as realtime_router
from taskflow.tasks.reminder_routes import router as reminders_router
from taskflow.tasks.router import router as tasks_router
from taskflow.transfer.foreign_router import router as foreign_import_router
from taskflow.transfer.router import import_router
from taskflow.transfer.router import router as transfer_router
from taskflow.trash.router import router as trash_router
from taskflow.users.router import router as users_router
from taskflow.webapp import WebApp
from taskflow.webhooks.router import router as webhooks_router

API_PREFIX = "/api/v1"


def include_api(app: FastAPI) -> None:
    """Every domain's routes under /api/v1.

    Each router is included into the app itself, not into an /api/v1 router in between: since
    FastAPI 0.137 every level of inclusion is matched again per request (0.2-0.3 ms of CPU per
    request with two levels, docs/benchmarks.md). The busiest routers come first, as routes
    are tried in order (tasks first saves another 0.1 ms on a task request); their paths do
    not overlap, so the order changes nothing else.
    """
    # Any route: a body that is not UTF-8 or a bad Content-Length (400), a body over the limit
    # (413), invalid input (422), the database down (503).
    responses = error_responses(400, 413, 422, 503)
    for router in (
        tasks_router,
        reminders_router,
        projects_router,
        users_router,
        notifications_router,
        invitations_router,
        auth_router,
        api_token_router,
        feeds_router,
        webhooks_router,
        foreign_import_router,
        two_factor_router,
        oidc_router,
        transfer_router,
        import_router,
        realtime_router,
        attachments_router,
        trash_router,
    ):
        app.include_router(router, prefix=API_PREFIX, responses=responses)
    app.include_router(health_router, prefix=API_PREFIX, include_in_schema=False)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()
    configure_logging(json_lines=settings.is_production, level=settings.log_level)
    settings.signing_key()  # fail at start-up, not at the first login

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = build_runtime(settings)
        app.state.database = runtime.database
        app.state.redis = runtime.redis
        app.state.events = runtime.events
        app.state.jobs = runtime.jobs
        app.state.uow = runtime.uow
        unwatch_pool = metrics.watch_pool(runtime.database.engine)
        app.state.rate_limiter = RateLimiter(runtime.redis)
        app.state.hub = Hub(runtime.events)
        await runtime.start()
        # What start-up allocated lives as long as the app: keep it out of the collector's
        # full passes, which otherwise walk it again and again (docs/benchmarks.md).
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()
            app.state.hub.close()
            await runtime.stop()
            unwatch_pool()

    app = FastAPI(
        title="TaskFlow",
        version=__version__,
        description="A self-hostable, multi-user task manager.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        lifespan=lifespan,
        # The order of the API docs' sections (routes are registered busiest first).
        openapi_tags=[
            {"name": name}
            for name in (
                "auth",
                "users",
                "projects",
                "tasks",
                "comments",
                "labels",
                "activity",
                "export",
                "operations",
            )
        ],
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.include_router(health_router)
    app.include_router(metrics_router)
    include_api(app)
    # Anything no route claimed is the web app's (client-side routes, assets). As the
    # router's fallback, not a mount at "/": a path a route serves with other methods is
    # then 405 with `Allow` (a mount would claim it first and answer 404).
    app.router.default = WebApp()

    # Outermost last: request id and logging wrap everything, including 413s and CORS.
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        path_limits={
            f"{API_PREFIX}/import{suffix}": settings.max_import_bytes
            for suffix in ("", "/todoist", "/trello")
        },
        # An upload's own limit is enforced exactly while it streams (413); this one only
        # bounds the multipart envelope around it.
        pattern_limits=[
            (
                re.compile(rf"{API_PREFIX}/tasks/[^/]+/attachments"),
                settings.max_attachment_bytes + UPLOAD_ENVELOPE_BYTES,
            )
        ],
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=True,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["ETag", "Location", "X-Request-ID", "Retry-After", "X-TaskFlow-OTP"],
        )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(RequestContextMiddleware)
    if settings.trusted_proxies:
        # X-Forwarded-For/-Proto are believed only from these peers (client IP, https).
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    return app
