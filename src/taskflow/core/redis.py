"""The shared Redis client, when TASKFLOW_REDIS_URL is configured."""

from __future__ import annotations

from redis.asyncio import Redis

SOCKET_TIMEOUT_SECONDS = 2.0


def create_redis(url: str) -> Redis:
    # Short timeouts: a Redis outage must degrade features, not hang requests.
    return Redis.from_url(
        url,
        socket_timeout=SOCKET_TIMEOUT_SECONDS,
        socket_connect_timeout=SOCKET_TIMEOUT_SECONDS,
        health_check_interval=30,
        decode_responses=False,
    )
