"""Health checks for load balancers and orchestrators, and the Prometheus endpoint."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from taskflow.core import metrics
from taskflow.core.errors import NotFound
from taskflow.health.checks import database_answers, redis_answers

router = APIRouter(tags=["operations"])
# Only at the root (`/metrics`), never under /api/v1: nginx proxies /api/ to everyone.
metrics_router = APIRouter(tags=["operations"])


class LiveStatus(BaseModel):
    status: Literal["ok"] = "ok"


class ReadyStatus(BaseModel):
    status: Literal["ok", "unavailable"]
    database: Literal["ok", "unavailable"]
    redis: Literal["ok", "unavailable", "not configured"]


@router.get("/health/live", response_model=LiveStatus)
async def live() -> LiveStatus:
    """The process is up and serving."""
    return LiveStatus()


@router.get(
    "/health/ready",
    response_model=ReadyStatus,
    responses={503: {"model": ReadyStatus, "description": "A dependency does not answer"}},
)
async def ready(request: Request) -> JSONResponse:
    """The database (and Redis, when configured) answer: this process can take traffic."""
    database_ok = await database_answers(request.app.state.database)
    redis_state: Literal["ok", "unavailable", "not configured"] = "not configured"
    redis_client = request.app.state.redis
    if redis_client is not None:
        redis_state = "ok" if await redis_answers(redis_client) else "unavailable"
    healthy = database_ok and redis_state != "unavailable"
    body = ReadyStatus(
        status="ok" if healthy else "unavailable",
        database="ok" if database_ok else "unavailable",
        redis=redis_state,
    )
    return JSONResponse(body.model_dump(), status_code=200 if healthy else 503)


@metrics_router.get(
    "/metrics", response_class=Response, responses={200: {"content": {"text/plain": {}}}}
)
async def prometheus_metrics(request: Request) -> Response:
    """Prometheus text format: request counts and latencies, pool, WebSocket and job gauges.

    404 when TASKFLOW_METRICS_ENABLED is false. Never proxied by the bundled nginx.
    """
    settings = request.app.state.settings
    if not settings.metrics_enabled:
        raise NotFound()
    return Response(
        metrics.render(settings.prometheus_multiproc_dir),
        media_type="text/plain; version=0.0.4; charset=utf-8",
    )
