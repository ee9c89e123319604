"""Prometheus metrics: one registry per process, rendered at /metrics."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

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
db_pool_checked_out = Gauge(
    "taskflow_db_pool_checked_out", "Database connections in use", registry=registry
)
db_pool_size = Gauge("taskflow_db_pool_size", "Database pool size", registry=registry)
websocket_connections = Gauge(
    "taskflow_websocket_connections", "Open WebSocket connections", registry=registry
)
job_outcomes = Counter(
    "taskflow_jobs_total",
    "Background jobs by name and outcome",
    ["job", "outcome"],
    registry=registry,
)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    http_requests.labels(method, route, str(status)).inc()
    http_duration.labels(method, route).observe(seconds)


def render() -> bytes:
    return generate_latest(registry)
