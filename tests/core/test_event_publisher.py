"""The Redis event bus publishes off the caller's path (core/events.py): in order, all of it
before the bus stops, and a Redis that is away costs the caller nothing. Real Redis."""

from __future__ import annotations

import asyncio
import logging
import time
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


async def test_every_event_is_published_in_order_and_stop_sends_what_is_left(
    redis_url: str,
) -> None:
    marker = uuid.uuid4().hex
    total = MAX_BATCH * 2 + 7  # more than one pipeline's worth
    ready = asyncio.Event()
    collecting = asyncio.create_task(_collect(redis_url, marker, total, ready))
    await ready.wait()
    redis = Redis.from_url(redis_url)
    bus = RedisEventBus(redis)
    # Many callers at once, as a busy server's requests: they return before Redis has it all.
    for start in range(0, total, 10):
        await bus.publish(_events(marker, range(start, min(start + 10, total))))
    await bus.stop()  # at once: the outbox is sent before the bus stops
    await redis.aclose()
    heard = await asyncio.wait_for(collecting, 20)
    assert heard == list(range(total))


async def test_a_redis_that_is_away_costs_the_caller_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A port nothing listens on: every send fails (connection refused).
    redis = Redis(host="127.0.0.1", port=1, socket_connect_timeout=1)
    bus = RedisEventBus(redis)
    started = time.perf_counter()
    with caplog.at_level(logging.WARNING, logger="taskflow.core.events"):
        for n in range(100):
            await bus.publish(_events("away", range(n, n + 1)))
        publishing = time.perf_counter() - started
        await bus.stop()
    await redis.aclose()
    # The callers never waited on a connection attempt; the loss is logged, not raised.
    assert publishing < 0.5, publishing
    assert any("events not published" in record.getMessage() for record in caplog.records)
