"""Rate limiting: in-process windows, atomic Redis windows shared by app instances, Redis outage."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from redis.asyncio import Redis

from taskflow.config import Settings
from taskflow.core.ratelimit import LocalWindows, RateLimiter
from taskflow.main import create_app
from tests.factories import login, make_user

# --- in-process ----------------------------------------------------------------------------------


def test_local_window_allows_up_to_the_limit_then_says_when_to_retry() -> None:
    windows = LocalWindows()
    decisions = [windows.hit("k", 3, 60) for _ in range(4)]
    assert [decision.allowed for decision in decisions] == [True, True, True, False]
    assert 1 <= decisions[-1].retry_after <= 60
    assert windows.hit("other", 3, 60).allowed


def test_local_window_slides() -> None:
    now = [1000.0]
    windows = LocalWindows(clock=lambda: now[0])
    assert windows.hit("k", 2, 60).allowed
    now[0] += 30
    assert windows.hit("k", 2, 60).allowed
    refused = windows.hit("k", 2, 60)
    assert not refused.allowed
    assert refused.retry_after == 30  # the first hit leaves the window in 30 s
    now[0] += 30.5
    assert windows.hit("k", 2, 60).allowed


def test_local_release_and_reset_give_slots_back() -> None:
    windows = LocalWindows()
    first = windows.hit("k", 1, 60)
    assert first.hit_id is not None
    assert not windows.hit("k", 1, 60).allowed
    windows.release("k", first.hit_id)
    assert windows.hit("k", 1, 60).allowed
    windows.reset("k")
    assert windows.hit("k", 1, 60).allowed


def test_local_windows_keep_a_bounded_number_of_keys() -> None:
    windows = LocalWindows(max_keys=10)
    for number in range(100):
        windows.hit(f"key{number}", 1, 60)
    assert len(windows._hits) == 10


async def test_limiter_without_redis_limits_in_process() -> None:
    limiter = RateLimiter(None)
    results = [(await limiter.hit("k", 2, 60)).allowed for _ in range(3)]
    assert results == [True, True, False]


# --- Redis ---------------------------------------------------------------------------------------


@pytest.fixture
async def redis_limiter(redis_url: str) -> AsyncIterator[RateLimiter]:
    client = Redis.from_url(redis_url)
    yield RateLimiter(client)
    await client.aclose()


@pytest.mark.redis
async def test_redis_limiter_allows_up_to_the_limit_then_says_when_to_retry(
    redis_limiter: RateLimiter,
) -> None:
    decisions = [await redis_limiter.hit("k", 3, 60) for _ in range(4)]
    assert [decision.allowed for decision in decisions] == [True, True, True, False]
    assert 1 <= decisions[-1].retry_after <= 60


@pytest.mark.redis
async def test_redis_limiter_is_atomic_under_concurrency(redis_limiter: RateLimiter) -> None:
    decisions = await asyncio.gather(*(redis_limiter.hit("burst", 5, 60) for _ in range(40)))
    assert sum(decision.allowed for decision in decisions) == 5


@pytest.mark.redis
async def test_redis_limiter_release_and_reset(redis_limiter: RateLimiter) -> None:
    first = await redis_limiter.hit("k", 1, 60)
    assert first.allowed
    assert first.hit_id is not None
    assert not (await redis_limiter.hit("k", 1, 60)).allowed
    await redis_limiter.release("k", first.hit_id)
    assert (await redis_limiter.hit("k", 1, 60)).allowed
    await redis_limiter.reset("k")
    assert (await redis_limiter.hit("k", 1, 60)).allowed


@pytest.mark.redis
async def test_redis_window_expires(redis_limiter: RateLimiter) -> None:
    assert (await redis_limiter.hit("short", 1, 1)).allowed
    refused = await redis_limiter.hit("short", 1, 1)
    assert not refused.allowed
    assert refused.retry_after == 1
    await asyncio.sleep(1.05)
    assert (await redis_limiter.hit("short", 1, 1)).allowed


@pytest.mark.redis
async def test_redis_keys_are_hashed_and_expire(redis_url: str, redis_limiter: RateLimiter) -> None:
    await redis_limiter.hit("login:weird name\n:1.2.3.4", 3, 60)
    client = Redis.from_url(redis_url)
    keys = await client.keys("taskflow:ratelimit:*")
    assert len(keys) == 1
    assert len(keys[0]) == len("taskflow:ratelimit:") + 64
    assert 0 < await client.pttl(keys[0]) <= 60_000
    await client.aclose()


async def test_redis_outage_falls_back_to_in_process_limits(
    caplog: pytest.LogCaptureFixture,
) -> None:
    unreachable = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    limiter = RateLimiter(unreachable)
    with caplog.at_level(logging.WARNING, logger="taskflow.core.ratelimit"):
        results = [(await limiter.hit("k", 2, 60)).allowed for _ in range(3)]
        await limiter.reset("k")
        assert (await limiter.hit("k", 2, 60)).allowed
    assert results == [True, True, False]
    warnings = [record for record in caplog.records if "Redis unavailable" in record.message]
    assert len(warnings) == 1  # logged once, not once per request
    await unreachable.aclose()


# --- two app instances on one Redis ------------------------------------------------------------


@pytest.mark.redis
async def test_login_limit_is_shared_by_two_app_instances_on_one_redis(
    settings: Settings, redis_url: str, tmp_path: Path
) -> None:
    shared = settings.model_copy(update={"redis_url": redis_url, "login_max_attempts": 4})
    first_app, second_app = create_app(shared), create_app(shared)
    async with LifespanManager(first_app), LifespanManager(second_app):
        await make_user(first_app, username="grace")
        first = AsyncClient(transport=ASGITransport(app=first_app), base_url="http://test")
        second = AsyncClient(transport=ASGITransport(app=second_app), base_url="http://test")
        async with first, second:
            for client in (first, second, first, second):
                assert (await login(client, "grace", "wrong password")).status_code == 401
            for client in (first, second):
                blocked = await login(client, "grace")
                assert blocked.status_code == 429
                assert int(blocked.headers["retry-after"]) >= 1


@pytest.mark.redis
async def test_registration_limit_is_shared_by_two_app_instances(
    settings: Settings, redis_url: str
) -> None:
    shared = settings.model_copy(update={"redis_url": redis_url, "register_max_per_hour": 2})
    apps: list[FastAPI] = [create_app(shared), create_app(shared)]
    async with LifespanManager(apps[0]), LifespanManager(apps[1]):
        clients = [
            AsyncClient(transport=ASGITransport(app=app), base_url="http://test") for app in apps
        ]
        async with clients[0], clients[1]:
            statuses = []
            for number in range(3):
                response = await clients[number % 2].post(
                    "/api/v1/auth/register",
                    json={
                        "email": f"u{number}@example.com",
                        "username": f"user{number}",
                        "password": "a fine passphrase",
                    },
                )
                statuses.append(response.status_code)
            assert statuses == [201, 201, 429]
            assert int(response.headers["retry-after"]) > 3000


@pytest.mark.parametrize(
    "settings_overrides", [{"redis_url": "redis://127.0.0.1:1/0", "login_max_attempts": 2}]
)
async def test_app_with_redis_down_still_logs_in_and_limits(
    app: FastAPI, client: AsyncClient
) -> None:
    await make_user(app, username="grace")
    assert (await login(client, "grace")).status_code == 200
    for _ in range(2):
        assert (await login(client, "grace", "wrong password")).status_code == 401
    assert (await login(client, "grace")).status_code == 429
