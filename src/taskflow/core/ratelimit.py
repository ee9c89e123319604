"""Rate limiting: sliding-window counters, atomic in Redis, in-process when there is no Redis.

A limiter counts *hits* on a key (say "login:<user id>:<ip>") within a window. `hit()` records
one and answers whether it fit under the limit; a refused hit is not recorded, so a key never
holds more than `limit` entries. `release()` takes one recorded hit back (a login that turned
out to succeed), `reset()` clears a key.

With Redis every app process shares the counters: the check-and-record is one Lua script, so
concurrent requests on several hosts can never overshoot the limit, and the clock is Redis's
own (`TIME`), so hosts with skewed clocks agree.

Redis down: the limiter *fails over to its in-process window* for that call and logs a warning
(at most once a minute). Limits then hold per process instead of per cluster, which keeps
brute force bounded without locking every user out (fail-closed) or dropping limits entirely
(fail-open) during an outage.
"""

from __future__ import annotations

import hashlib
import logging
import math
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

KEY_PREFIX = "taskflow:ratelimit:"
# Keys the in-process fallback keeps at most; the oldest go first beyond it (memory bound).
MAX_LOCAL_KEYS = 100_000
_WARN_INTERVAL_SECONDS = 60.0

# KEYS[1]: the window's sorted set. ARGV: limit, window in ms, a random member suffix.
# Returns {1, member} when recorded, {0, ms until the oldest hit leaves the window} when full.
_HIT_SCRIPT = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, tostring(tonumber(oldest[2]) + window - now)}
end
local member = tostring(now) .. ':' .. ARGV[3]
redis.call('ZADD', KEYS[1], now, member)
redis.call('PEXPIRE', KEYS[1], window)
return {1, member}
"""


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer to one hit: allowed (and recorded as `hit_id`), or retry after N seconds."""

    allowed: bool
    retry_after: int = 0
    hit_id: str | None = None


class LocalWindows:
    """The in-process sliding windows (one event loop, so no locking is needed)."""

    def __init__(
        self, max_keys: int = MAX_LOCAL_KEYS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._hits: dict[str, deque[tuple[float, str]]] = {}
        self._max_keys = max_keys
        self._clock = clock

    def hit(self, key: str, limit: int, window_seconds: float) -> Decision:
        now = self._clock()
        hits = self._hits.pop(key, None) or deque()
        while hits and hits[0][0] <= now - window_seconds:
            hits.popleft()
        self._hits[key] = hits  # re-inserted: the dict's order is least recently used first
        if len(hits) >= limit:
            return Decision(False, _seconds(hits[0][0] + window_seconds - now))
        hit_id = secrets.token_hex(8)
        hits.append((now, hit_id))
        while len(self._hits) > self._max_keys:
            del self._hits[next(iter(self._hits))]
        return Decision(True, hit_id=hit_id)

    def release(self, key: str, hit_id: str) -> None:
        hits = self._hits.get(key)
        if hits is None:
            return
        for entry in hits:
            if entry[1] == hit_id:
                hits.remove(entry)
                return

    def reset(self, key: str) -> None:
        self._hits.pop(key, None)


class RateLimiter:
    """Sliding-window limits shared through Redis when given one, else per process."""

    def __init__(self, redis: Redis | None) -> None:
        self._redis = redis
        self._local = LocalWindows()
        self._script = redis.register_script(_HIT_SCRIPT) if redis is not None else None
        self._last_warning = -math.inf

    async def hit(self, key: str, limit: int, window_seconds: int) -> Decision:
        """Record a hit on `key` if fewer than `limit` were recorded in the last window."""
        if self._script is not None:
            try:
                allowed, value = await self._script(
                    keys=[_redis_key(key)],
                    args=[limit, window_seconds * 1000, secrets.token_hex(8)],
                )
            except (RedisError, OSError) as error:
                self._warn(error)
            else:
                text = value.decode() if isinstance(value, bytes) else str(value)
                if int(allowed) == 1:
                    return Decision(True, hit_id=text)
                return Decision(False, _seconds(int(text) / 1000))
        return self._local.hit(key, limit, window_seconds)

    async def release(self, key: str, hit_id: str) -> None:
        """Take back one recorded hit (a request that turned out not to count)."""
        self._local.release(key, hit_id)
        if self._redis is not None:
            try:
                await self._redis.zrem(_redis_key(key), hit_id)
            except (RedisError, OSError) as error:
                self._warn(error)

    async def reset(self, key: str) -> None:
        """Forget every hit on `key`."""
        self._local.reset(key)
        if self._redis is not None:
            try:
                await self._redis.delete(_redis_key(key))
            except (RedisError, OSError) as error:
                self._warn(error)

    def _warn(self, error: Exception) -> None:
        now = time.monotonic()
        if now - self._last_warning >= _WARN_INTERVAL_SECONDS:
            self._last_warning = now
            logger.warning(
                "rate limiter: Redis unavailable, limiting per process until it is back: %r",
                error,
            )


def _redis_key(key: str) -> str:
    # Keys carry user input (login names): hashed, they have a fixed size and no odd bytes.
    return KEY_PREFIX + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def _seconds(value: float) -> int:
    """Whole seconds to wait, at least one (Retry-After takes integers)."""
    return max(1, math.ceil(value))
