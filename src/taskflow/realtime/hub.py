"""The hub: hears every event on the bus and hands it to this process's connections.

Connections are indexed by project and by user, so an event costs one dict lookup plus one
`put_nowait` per interested connection; its JSON is encoded once. A connection whose queue
is full (a slow client) is marked overflowed and closed by its own task: it never slows the
hub or anyone else.

Who hears a project is decided here, synchronously and in the bus's order: the event that
removes a user from a project (`member.removed`, `member.left`, `project.deleted`) takes the
project out of their connections before the hub looks at the next event, so nothing
published after the removal reaches them. A connection's project list read from the
database (on connect, and when re-checked) races with those events; while such a read is in
flight the hub logs the membership changes it hears, and replays them onto the result
(`begin_reload` / `finish_reload`), so a read that started before a removal committed
cannot bring the project back.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable

from taskflow.core.events import BUS_RESUMED, SESSIONS_ENDED, Event, EventBus

logger = logging.getLogger(__name__)

# Events that may change who belongs to a project: the user named in `data["user_id"]`
# hears the event itself, and their connections' project lists change (or are re-read).
MEMBERSHIP_VERBS = frozenset({"member.added", "member.removed", "member.left", "member.updated"})
JOINS = frozenset({"member.added"})
LEAVES = frozenset({"member.removed", "member.left"})
PROJECT_DELETED = "project.deleted"
# A project back from the trash: its members (`data["user_ids"]`) hear it again.
PROJECT_RESTORED = "project.restored"


class Connection:
    """One WebSocket client: who it is, which projects it hears, and its outgoing queue."""

    def __init__(self, user_id: int, session_id: int, queue_size: int) -> None:
        self.user_id = user_id
        self.session_id = session_id  # changes when the client renews with another session's
        self.project_ids: set[int] = set()
        self.outbox: asyncio.Queue[str] = asyncio.Queue(maxsize=queue_size)
        self.overflowed = asyncio.Event()
        self.membership_changed = asyncio.Event()
        self.session_check = asyncio.Event()
        # Membership changes heard while a project list is being read: (joined, project_id).
        self.changes_during_reload: list[tuple[bool, int]] | None = None

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
        self._by_session: dict[int, set[Connection]] = defaultdict(set)
        self._reloading: set[Connection] = set()
        self._unsubscribe: Callable[[], None] = bus.subscribe(self._on_event)

    @property
    def connection_count(self) -> int:
        return sum(len(connections) for connections in self._by_user.values())

    def close(self) -> None:
        self._unsubscribe()

    def add(self, connection: Connection) -> None:
        """Hear events addressed to the connection's user from now on (projects: see reload)."""
        self._by_user[connection.user_id].add(connection)
        self._by_session[connection.session_id].add(connection)
        for project_id in connection.project_ids:
            self._by_project[project_id].add(connection)

    def remove(self, connection: Connection) -> None:
        self._reloading.discard(connection)
        self._discard(self._by_user, connection.user_id, connection)
        self._discard(self._by_session, connection.session_id, connection)
        for project_id in connection.project_ids:
            self._discard(self._by_project, project_id, connection)

    def set_session(self, connection: Connection, session_id: int) -> None:
        """The client renewed with a token of another of its user's sessions."""
        self._discard(self._by_session, connection.session_id, connection)
        connection.session_id = session_id
        self._by_session[session_id].add(connection)

    def begin_reload(self, connection: Connection) -> None:
        """The connection's project list is about to be read: log membership changes."""
        connection.changes_during_reload = []
        self._reloading.add(connection)

    def finish_reload(self, connection: Connection, project_ids: Iterable[int] | None) -> None:
        """Apply the list read (None: the read failed), with what changed while it ran."""
        changes = connection.changes_during_reload or []
        connection.changes_during_reload = None
        self._reloading.discard(connection)
        if project_ids is None:
            return
        projects = set(project_ids)
        for joined, project_id in changes:
            if joined:
                projects.add(project_id)
            else:
                projects.discard(project_id)
        self.set_projects(connection, projects)

    def set_projects(self, connection: Connection, project_ids: set[int]) -> None:
        for gone in connection.project_ids - project_ids:
            self._discard(self._by_project, gone, connection)
        for new in project_ids - connection.project_ids:
            self._by_project[new].add(connection)
        connection.project_ids = project_ids

    def _on_event(self, event: Event) -> None:
        if event.type == BUS_RESUMED:
            for connections in self._by_user.values():
                for connection in connections:
                    connection.session_check.set()
            return
        if event.type == SESSIONS_ENDED:
            for connection in self._addressed(event):
                connection.session_check.set()
            return
        payload = event.to_json()
        if event.user_id is not None or event.session_id is not None:  # to them only
            for connection in self._addressed(event):
                connection.offer(payload)
            return
        if event.project_id is None:
            return
        project_id = event.project_id
        receivers = set(self._by_project.get(project_id, ()))
        member = event.data.get("user_id") if event.type in MEMBERSHIP_VERBS else None
        members: Iterable[Connection] = (
            self._by_user.get(member, ()) if isinstance(member, int) else ()
        )
        if event.type == PROJECT_RESTORED:
            members = self._users_connections(event.data.get("user_ids"))
        # The user added (or removed) hears about it themselves.
        receivers.update(members)
        for connection in receivers:
            connection.offer(payload)
        if event.type in JOINS or event.type == PROJECT_RESTORED:
            self._change_membership(members, project_id, joined=True)
        elif event.type in LEAVES:
            self._change_membership(members, project_id, joined=False)
        elif event.type == PROJECT_DELETED:
            self._change_membership(receivers | self._reloading, project_id, joined=False)
        for connection in members:
            connection.membership_changed.set()

    def _users_connections(self, user_ids: object) -> list[Connection]:
        if not isinstance(user_ids, list):
            return []
        return [
            connection
            for user_id in user_ids
            if isinstance(user_id, int)
            for connection in self._by_user.get(user_id, ())
        ]

    def _addressed(self, event: Event) -> list[Connection]:
        if event.session_id is not None:
            return [
                connection
                for connection in self._by_session.get(event.session_id, ())
                if event.user_id is None or connection.user_id == event.user_id
            ]
        return list(self._by_user.get(event.user_id, ())) if event.user_id is not None else []

    def _change_membership(
        self, connections: Iterable[Connection], project_id: int, *, joined: bool
    ) -> None:
        for connection in list(connections):
            if connection.changes_during_reload is not None:
                connection.changes_during_reload.append((joined, project_id))
            if joined:
                self.set_projects(connection, connection.project_ids | {project_id})
            else:
                self.set_projects(connection, connection.project_ids - {project_id})

    @staticmethod
    def _discard(index: dict[int, set[Connection]], key: int, connection: Connection) -> None:
        connections = index.get(key)
        if connections is not None:
            connections.discard(connection)
            if not connections:
                del index[key]
