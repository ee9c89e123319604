"""The event bus: domain changes, published after their transaction commits.

Services call `emit(session, event)` inside the transaction (next to the activity row);
the request's session dependency publishes what was emitted once the commit succeeded,
so a rolled-back change is never announced. Backends: Redis pub/sub when configured
(every app process hears every event), in-process otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

logger = logging.getLogger(__name__)

CHANNEL = "taskflow:events"
STOP_TIMEOUT_SECONDS = 5.0
# The most events one pipeline sends.
MAX_BATCH = 500
_PENDING_KEY = "taskflow_pending_events"


@dataclass(frozen=True, slots=True)
class Event:
    """One change, and who should hear it.

    Routing: an event with a `session_id` goes to that login's connections only, one with a
    `user_id` to that user's (e.g. "your sessions ended", a notification); any other event
    goes to the members of `project_id`. The routing fields cross processes on
    the bus but are never sent to clients: a project event reaches them as
    `{"type", "project_id", "task_id", "actor_id", "data"}`, an event without a project as
    `{"type", "data"}` (`to_json`).
    """

    type: str
    project_id: int | None = None
    task_id: int | None = None
    actor_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
    user_id: int | None = None
    session_id: int | None = None

    def to_json(self) -> str:
        """The message a WebSocket client receives."""
        message: dict[str, Any]
        if self.project_id is not None:
            message = {
                "type": self.type,
                "project_id": self.project_id,
                "task_id": self.task_id,
                "actor_id": self.actor_id,
                "data": self.data,
            }
        else:
            message = {"type": self.type, "data": self.data}
        return json.dumps(message, default=str, separators=(",", ":"))

    def to_bus(self) -> str:
        """The event whole, routing included, as it crosses processes. Routing fields that
        are unset are left out, so a project event reads the same as before they existed
        (a process of the previous version, mid-upgrade, still understands it)."""
        whole = {
            "type": self.type,
            "project_id": self.project_id,
            "task_id": self.task_id,
            "actor_id": self.actor_id,
            "data": self.data,
        }
        if self.user_id is not None:
            whole["user_id"] = self.user_id
        if self.session_id is not None:
            whole["session_id"] = self.session_id
        return json.dumps(whole, default=str, separators=(",", ":"))

    @classmethod
    def from_bus(cls, raw: str | bytes) -> Event:
        value = json.loads(raw)
        if not isinstance(value, dict):
            raise TypeError("an event is a JSON object")
        return cls(**value)


def emit(session: AsyncSession, event: Event) -> None:
    """Queue `event` to be published when `session` commits."""
    session.info.setdefault(_PENDING_KEY, []).append(event)


def pending(session: AsyncSession) -> list[Event]:
    """The events emitted in `session` so far, left in place (a before-commit hook reads them)."""
    events: list[Event] = session.info.get(_PENDING_KEY, [])
    return list(events)


def take_pending(session: AsyncSession) -> list[Event]:
    """The events emitted in `session` since the last take (cleared on rollback by the caller)."""
    events: list[Event] = session.info.pop(_PENDING_KEY, [])
    return events


# A control event, never sent to clients: sessions ended (logout, logout-all, a session
# deleted, refresh-token reuse, a new password, deactivation, deletion). Every process's hub
# has the open sockets it names re-check their session at once, and close (4401) those whose
# session is over, instead of at their periodic re-check.
SESSIONS_ENDED = "sessions.ended"


def announce_sessions_ended(
    session: AsyncSession, *, user_id: int | None = None, session_id: int | None = None
) -> None:
    """After `session` commits, close the open sockets of ended sessions, in every process.

    `session_id`: that one session ended; `user_id` alone: any of that user's may have.
    """
    if user_id is None and session_id is None:
        raise ValueError("name the user or the session whose sockets end")
    emit(session, Event(type=SESSIONS_ENDED, user_id=user_id, session_id=session_id))


# A control event each process's bus hands its own listeners (never published) when its
# subscription is back after a loss: whatever was published meanwhile was missed (a removal,
# a session that ended), so the hub has every connection re-check its session and projects.
BUS_RESUMED = "bus.resumed"


Listener = Callable[[Event], None]


class EventBus(Protocol):
    async def publish(self, events: list[Event]) -> None: ...
    def subscribe(self, listener: Listener) -> Callable[[], None]: ...
    async def start(self) -> None: ...
    async def stop(self) -> None: ...


class _Listeners:
    """Local fan-out shared by both backends: listeners are plain callbacks, never awaited."""

    def __init__(self) -> None:
        self._listeners: set[Listener] = set()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.add(listener)
        return lambda: self._listeners.discard(listener)

    def deliver(self, event: Event) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                logger.exception("event listener failed")


class InProcessEventBus(_Listeners):
    """One process, no Redis: publishing is delivering."""

    async def publish(self, events: list[Event]) -> None:
        for event in events:
            self.deliver(event)

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None


class RedisEventBus(_Listeners):
    """Redis pub/sub: every process publishes to one channel and delivers what it hears.

    One publisher task per process sends the events: what gathered in the outbox while it
    was busy goes as one pipeline, in order, so a busy server sends many commits' events in
    one round trip instead of one each. A caller still waits until its events are on Redis,
    so an event is on the bus before the response of the change it announces is sent: a
    change made next, through any process, is published after it (the hub's membership
    guarantee rests on that, docs/realtime.md). A send that fails loses its events, logged,
    and the publisher carries on (the changes are saved; only their announcement is lost).
    """

    def __init__(self, redis: Redis) -> None:
        super().__init__()
        self._redis = redis
        self._task: asyncio.Task[None] | None = None
        # Each event, and the future its caller waits on (on the last of the caller's events).
        self._outbox: deque[tuple[str, asyncio.Future[None] | None]] = deque()
        self._wake = asyncio.Event()
        self._publisher: asyncio.Task[None] | None = None

    async def publish(self, events: list[Event]) -> None:
        if not events:
            return
        if self._publisher is None or self._publisher.done():
            self._wake = asyncio.Event()  # of the running loop, as the task is
            self._publisher = asyncio.create_task(self._send(), name="taskflow-event-publisher")
        sent = asyncio.get_running_loop().create_future()
        for event in events[:-1]:
            self._outbox.append((event.to_bus(), None))
        self._outbox.append((events[-1].to_bus(), sent))
        self._wake.set()
        await sent

    async def _send(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._outbox:
                batch = [self._outbox.popleft() for _ in range(min(len(self._outbox), MAX_BATCH))]
                try:
                    if len(batch) == 1:  # a quiet server: no pipeline to build
                        await self._redis.publish(CHANNEL, batch[0][0])
                    else:
                        async with self._redis.pipeline(transaction=False) as pipe:
                            for raw, _ in batch:
                                pipe.publish(CHANNEL, raw)
                            await pipe.execute()
                except Exception as error:
                    logger.warning("%d events not published: %r", len(batch), error)
                finally:
                    for _, sent in batch:
                        if sent is not None and not sent.done():  # (its caller may be gone)
                            sent.set_result(None)

    async def start(self) -> None:
        self._task = asyncio.create_task(self._listen(), name="taskflow-event-listener")

    async def stop(self) -> None:
        if self._publisher is not None:  # its callers have all been answered: nothing is left
            self._publisher.cancel()
            await asyncio.wait({self._publisher}, timeout=STOP_TIMEOUT_SECONDS)
        if self._task is not None:
            self._task.cancel()
            # Bounded: a listener cancelled in the middle of connecting can be slow to unwind,
            # and shutting down must not wait on it for ever.
            done, _ = await asyncio.wait({self._task}, timeout=STOP_TIMEOUT_SECONDS)
            if not done:
                logger.warning("the event listener did not stop within %ss", STOP_TIMEOUT_SECONDS)

    async def _listen(self) -> None:
        # Reconnects with backoff: a Redis outage pauses live updates, it does not end them.
        delay = 0.5
        resumed = False
        while True:
            try:
                async for event in self._messages(resumed):
                    delay = 0.5
                    self.deliver(event)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                logger.warning("event subscription lost, retrying in %.1fs: %r", delay, error)
                resumed = True
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)

    async def _messages(self, resumed: bool) -> AsyncIterator[Event]:
        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(CHANNEL)
            if resumed:  # events published meanwhile are lost: listeners may want to re-check
                yield Event(type=BUS_RESUMED)
            while True:
                message = await pubsub.get_message(timeout=1.0)
                if message is None or message.get("type") != "message":
                    continue
                try:
                    yield Event.from_bus(message["data"])
                except (ValueError, TypeError):
                    logger.warning("ignored a malformed event on %s", CHANNEL)
        finally:
            with contextlib.suppress(Exception):
                await pubsub.aclose()  # type: ignore[no-untyped-call]


def create_event_bus(redis: Redis | None) -> EventBus:
    return RedisEventBus(redis) if redis is not None else InProcessEventBus()
