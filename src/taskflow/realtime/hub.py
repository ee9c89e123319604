"""The hub: hears every event on the bus and hands it to this process's connections.

Connections are indexed by project, so an event costs one dict lookup plus one
`put_nowait` per interested connection; its JSON is encoded once. A connection whose queue
is full (a slow client) is marked overflowed and closed by its own task: it never slows the
hub or anyone else.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable

from taskflow.core.events import Event, EventBus

logger = logging.getLogger(__name__)

# Events that may change who belongs to a project: the user named in `data["user_id"]`
# has their project list reloaded.
MEMBERSHIP_VERBS = frozenset({"member.added", "member.removed", "member.left", "member.updated"})
PROJECT_DELETED = "project.deleted"


class Connection:
    """One WebSocket client: who it is, which projects it hears, and its outgoing queue."""

    def __init__(self, user_id: int, project_ids: set[int], queue_size: int) -> None:
        self.user_id = user_id
        self.project_ids = project_ids
        self.outbox: asyncio.Queue[str] = asyncio.Queue(maxsize=queue_size)
        self.overflowed = asyncio.Event()
        self.membership_changed = asyncio.Event()

    def offer(self, payload: str) -> None:
        if self.overflowed.is_set():
            return
        try:
            self.outbox.put_nowait(payload)
        except asyncio.QueueFull:
            self.overflowed.set()


class Hub:
    def __init__(self, bus: EventBus) -> None:
        self._by_project: dict[int, set[Connection]] = defaultdict(set)
        self._by_user: dict[int, set[Connection]] = defaultdict(set)
        self._unsubscribe: Callable[[], None] = bus.subscribe(self._on_event)

    @property
    def connection_count(self) -> int:
        return sum(len(connections) for connections in self._by_user.values())

    def close(self) -> None:
        self._unsubscribe()

    def add(self, connection: Connection) -> None:
        self._by_user[connection.user_id].add(connection)
        for project_id in connection.project_ids:
            self._by_project[project_id].add(connection)

    def remove(self, connection: Connection) -> None:
        self._discard(self._by_user, connection.user_id, connection)
        for project_id in connection.project_ids:
            self._discard(self._by_project, project_id, connection)

    def set_projects(self, connection: Connection, project_ids: set[int]) -> None:
        for gone in connection.project_ids - project_ids:
            self._discard(self._by_project, gone, connection)
        for new in project_ids - connection.project_ids:
            self._by_project[new].add(connection)
        connection.project_ids = project_ids

    def _on_event(self, event: Event) -> None:
        payload = event.to_json()
        receivers = set(self._by_project.get(event.project_id, ()))
        affected_user = event.data.get("user_id") if event.type in MEMBERSHIP_VERBS else None
        if isinstance(affected_user, int):
            # The user added (or removed) hears about it, and their project list is reloaded.
            for connection in self._by_user.get(affected_user, ()):
                receivers.add(connection)
                connection.membership_changed.set()
        for connection in receivers:
            connection.offer(payload)
        if event.type == PROJECT_DELETED:
            for connection in receivers:
                self.set_projects(connection, connection.project_ids - {event.project_id})

    @staticmethod
    def _discard(index: dict[int, set[Connection]], key: int, connection: Connection) -> None:
        connections = index.get(key)
        if connections is not None:
            connections.discard(connection)
            if not connections:
                del index[key]
