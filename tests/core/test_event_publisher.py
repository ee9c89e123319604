"""The Redis event bus publishes off the caller's path (core/events.py): in order, all of it
before the bus stops, and a Redis that is away costs the caller nothing. Real Redis."""

from __future__ import annotations

import asyncio
import logging
import uuid

import pytest
from redis.asyncio import Redis

from taskflow.core.events import CHANNEL, MAX_BATCH, Event, RedisEventBus


async def _collect(redis_url: str, marker: str, count: int, ready: asyncio.Event) -> list[int]:
    """The `n` of this test's events (`data.marker`) heard on the channel, in order."""
    listener = Redis.from_url(redis_url)
    pubsub = listener.pubsub(ignore_subscribe_messages=True)
    await pubsub.subscribe(CHANNEL)
    ready.set()
    heard: list[int] = []
    try:
        while len(heard) < count:
            message = await pubsub.get_message(timeout=5.0)
            if message is None:
                continue
            event = Event.from_bus(message["data"])
            if event.data.get("marker") == marker:  # the channel is shared by parallel tests
                heard.append(event.data["n"])
    finally:
        await pubsub.aclose()  # type: ignore[no-untyped-call]
        await listener.aclose()
    return heard


def _events(marker: str, numbers: range) -> list[Event]:
    return [
        Event(type="test.published", project_id=1, data={"marker": marker, "n": n}) for n in numbers
    ]


async def test_many_callers_events_are_published_in_order_before_each_returns(
    redis_url: str,
) -> None:
    marker = uuid.uuid4().hex
    callers, each = 300, 4  # more events than one pipeline takes
    total = callers * each
    assert total > MAX_BATCH
    ready = asyncio.Event()
    collecting = asyncio.create_task(_collect(redis_url, marker, total, ready))
    await ready.wait()
    redis = Redis.from_url(redis_url)
    bus = RedisEventBus(redis)
    # Many callers at once, as a busy server's committed requests: each returns only once its
    # events are on Redis (they share round trips), and the bus keeps the callers' order.
    await asyncio.gather(
        *(bus.publish(_events(marker, range(n * each, (n + 1) * each))) for n in range(callers))
    )
    heard = await asyncio.wait_for(collecting, 20)
    await bus.stop()
    await redis.aclose()
    assert heard == list(range(total))


async def test_a_redis_that_is_away_loses_the_announcements_not_the_callers(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A port nothing listens on: every send fails (connection refused).
    redis = Redis(host="127.0.0.1", port=1, socket_connect_timeout=1)
    bus = RedisEventBus(redis)
    with caplog.at_level(logging.WARNING, logger="taskflow.core.events"):
        await asyncio.gather(*(bus.publish(_events("away", range(n, n + 1))) for n in range(20)))
        await bus.publish(_events("away", range(1)))  # the publisher carries on after a failure
    await bus.stop()
    await redis.aclose()
    failures = [r for r in caplog.records if "events not published" in r.getMessage()]
    assert len(failures) >= 2


async def test_a_caller_returns_only_once_its_event_is_on_redis(redis_url: str) -> None:
    """What the hub's membership guarantee rests on (docs/realtime.md): once `publish`
    returned, Redis has processed the PUBLISH, so anything sent to Redis after it (here a
    PING on the subscriber's connection, as another process's next event would be) comes
    after it on the channel."""
    listener = Redis.from_url(redis_url)
    pubsub = listener.pubsub(ignore_subscribe_messages=True)
    await pubsub.subscribe(CHANNEL)
    redis = Redis.from_url(redis_url)
    bus = RedisEventBus(redis)
    try:
        for round_ in range(20):
            marker = uuid.uuid4().hex
            await bus.publish(_events(marker, range(round_, round_ + 1)))
            await pubsub.ping()
            order: list[str] = []
            deadline = asyncio.get_running_loop().time() + 5
            while "pong" not in order:
                assert asyncio.get_running_loop().time() < deadline, order
                message = await pubsub.get_message(timeout=1.0)
                if message is None:  # (the subscription's confirmation, or nothing yet)
                    continue
                if message["type"] == "pong":
                    order.append("pong")
                elif Event.from_bus(message["data"]).data.get("marker") == marker:
                    order.append("event")
            assert order == ["event", "pong"], round_
    finally:
        await bus.stop()
        await redis.aclose()
        await pubsub.aclose()  # type: ignore[no-untyped-call]
        await listener.aclose()
