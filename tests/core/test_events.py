"""The Redis event bus tells its own listeners when its subscription is back after a loss."""

from __future__ import annotations

import asyncio
from typing import Any, cast

from redis.asyncio import Redis

from taskflow.core.events import BUS_RESUMED, Event, RedisEventBus


class _PubSub:
    def __init__(self, fails: bool) -> None:
        self.fails = fails

    async def subscribe(self, channel: str) -> None:
        if self.fails:
            raise ConnectionError("Redis is down")

    async def get_message(self, timeout: float) -> dict[str, Any] | None:
        await asyncio.sleep(0.01)
        return None

    async def aclose(self) -> None:
        return None


class _Redis:
    """Its first subscription fails (when `down_first`), the later ones work."""

    def __init__(self, *, down_first: bool) -> None:
        self.down_first = down_first
        self.subscriptions = 0

    def pubsub(self, **_: Any) -> _PubSub:
        self.subscriptions += 1
        return _PubSub(fails=self.down_first and self.subscriptions == 1)


async def _heard(redis: _Redis, seconds: float) -> list[Event]:
    bus = RedisEventBus(cast(Redis, redis))
    heard: list[Event] = []
    bus.subscribe(heard.append)
    await bus.start()
    await asyncio.sleep(seconds)
    await bus.stop()
    return heard


async def test_a_subscription_back_after_a_loss_is_announced_to_local_listeners() -> None:
    redis = _Redis(down_first=True)
    heard = await _heard(redis, 1.2)  # the first retry comes after 0.5 s
    assert redis.subscriptions >= 2
    assert [event.type for event in heard] == [BUS_RESUMED]


async def test_the_first_subscription_announces_nothing() -> None:
    assert await _heard(_Redis(down_first=False), 0.2) == []
