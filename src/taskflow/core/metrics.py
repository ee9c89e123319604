"""Prometheus metrics, rendered at /metrics (and by `taskflow worker --metrics-port`).

One process (`taskflow serve`, a worker): the registry below. Several gunicorn workers behind
one port: every worker writes its samples to files in PROMETHEUS_MULTIPROC_DIR (exported by
`taskflow.gunicorn_conf` before any worker starts; prometheus_client reads it at import, the
app through `Settings.prometheus_multiproc_dir`) and a scrape of any of them adds them all
up, so one scrape shows the whole api container. See "Metrics" in docs/deploy.md.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

registry = CollectorRegistry(auto_describe=True)

http_requests = Counter(
    "taskflow_http_requests_total",
    "HTTP requests by method, route template and status",
    ["method", "route", "status"],
    registry=registry,
)
http_duration = Histogram(
    "taskflow_http_request_duration_seconds",
    "HTTP request latency by method and route template",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=registry,
)
# Gauges: with several processes, the sum over the live ones.
db_pool_checked_out = Gauge(
    "taskflow_db_pool_checked_out",
    "Database connections in use",
    registry=registry,
    multiprocess_mode="livesum",
)
db_pool_size = Gauge(
    "taskflow_db_pool_size",
    "Database pool size (connections kept open, overflow not counted)",
    registry=registry,
    multiprocess_mode="livesum",
)
websocket_connections = Gauge(
    "taskflow_websocket_connections",
    "Open WebSocket connections",
    registry=registry,
    multiprocess_mode="livesum",
)
job_outcomes = Counter(
    "taskflow_jobs_total",
    "Background jobs by name and outcome (succeeded, retried, failed, fallback)",
    ["job", "outcome"],
    registry=registry,
)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    http_requests.labels(method, route, str(status)).inc()
    http_duration.labels(method, route).observe(seconds)


def render(multiprocess_dir: Path | None) -> bytes:
    """This process's metrics, or every gunicorn worker's when they share `multiprocess_dir`."""
    if multiprocess_dir is not None:
        combined = CollectorRegistry()
        MultiProcessCollector(combined, path=str(multiprocess_dir))  # type: ignore[no-untyped-call]
        return generate_latest(combined)
    return generate_latest(registry)


def watch_pool(engine: AsyncEngine) -> Callable[[], None]:
    """Keep the pool gauges current from the pool's own events; returns the undo."""
    pool: Any = engine.sync_engine.pool
    size_of = getattr(pool, "size", None)
    size = size_of() if callable(size_of) else 0
    db_pool_size.inc(size)

    def checked_out(*_: object) -> None:
        db_pool_checked_out.inc()

    def checked_in(*_: object) -> None:
        db_pool_checked_out.dec()

    event.listen(pool, "checkout", checked_out)
    event.listen(pool, "checkin", checked_in)

    def undo() -> None:
        event.remove(pool, "checkout", checked_out)
        event.remove(pool, "checkin", checked_in)
        db_pool_size.dec(size)

    return undo
