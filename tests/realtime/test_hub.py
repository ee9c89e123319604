"""The hub's routing, on the in-process bus: who hears what, and in which order changes apply."""

from __future__ import annotations

import json

from taskflow.core.events import BUS_RESUMED, SESSIONS_ENDED, Event, InProcessEventBus
from taskflow.realtime.hub import Connection, Hub

PROJECT, OTHER_PROJECT = 10, 11
ALICE, BOB = 1, 2


def _connection(hub: Hub, user_id: int, session_id: int, projects: set[int]) -> Connection:
    connection = Connection(user_id, session_id, queue_size=64)
    hub.add(connection)
    hub.begin_reload(connection)
    hub.finish_reload(connection, projects)
    return connection


def _received(connection: Connection) -> list[dict[str, object]]:
    messages = []
    while not connection.outbox.empty():
        messages.append(json.loads(connection.outbox.get_nowait()))
    return messages


def _types(connection: Connection) -> list[object]:
    return [message["type"] for message in _received(connection)]


def _member_event(verb: str, user_id: int, project_id: int = PROJECT) -> Event:
    return Event(type=verb, project_id=project_id, actor_id=BOB, data={"user_id": user_id})


def _task_updated(project_id: int = PROJECT) -> Event:
    return Event(type="task.updated", project_id=project_id, task_id=5, actor_id=BOB)


def test_a_project_event_keeps_its_wire_format_and_the_routing_stays_off_it() -> None:
    event = Event(type="task.updated", project_id=PROJECT, task_id=5, actor_id=BOB, data={"a": 1})
    assert json.loads(event.to_json()) == {
        "type": "task.updated",
        "project_id": PROJECT,
        "task_id": 5,
        "actor_id": BOB,
        "data": {"a": 1},
    }
    to_one_user = Event(type="notification.created", user_id=ALICE, data={"id": 3})
    assert json.loads(to_one_user.to_json()) == {"type": "notification.created", "data": {"id": 3}}
    assert Event.from_bus(to_one_user.to_bus()) == to_one_user
    assert Event.from_bus(event.to_bus()) == event
    # On the bus a project event is what it was before routing fields existed.
    assert json.loads(event.to_bus()) == json.loads(event.to_json())


async def test_after_member_removed_or_left_the_next_event_is_not_offered() -> None:
    bus = InProcessEventBus()
    hub = Hub(bus)
    for verb in ("member.removed", "member.left"):
        alice = _connection(hub, ALICE, 100, {PROJECT, OTHER_PROJECT})
        bob = _connection(hub, BOB, 200, {PROJECT})
        await bus.publish([_member_event(verb, ALICE), _task_updated()])
        assert _types(alice) == [verb]  # hears the removal itself, nothing after it
        assert _types(bob) == [verb, "task.updated"]
        await bus.publish([_task_updated(OTHER_PROJECT)])
        assert _types(alice) == ["task.updated"]  # the other project is untouched
        hub.remove(alice)
        hub.remove(bob)


async def test_member_added_subscribes_before_the_next_event() -> None:
    bus = InProcessEventBus()
    hub = Hub(bus)
    alice = _connection(hub, ALICE, 100, set())
    await bus.publish([_member_event("member.added", ALICE), _task_updated()])
    assert _types(alice) == ["member.added", "task.updated"]
    assert alice.membership_changed.is_set()  # and the list is re-read, as a check


async def test_a_deleted_project_is_heard_last_even_by_a_connection_reading_its_list() -> None:
    bus = InProcessEventBus()
    hub = Hub(bus)
    alice = _connection(hub, ALICE, 100, {PROJECT})
    reading = Connection(BOB, 200, queue_size=64)
    hub.add(reading)
    hub.begin_reload(reading)  # read before the deletion committed: still lists PROJECT
    await bus.publish([Event(type="project.deleted", project_id=PROJECT, actor_id=BOB)])
    hub.finish_reload(reading, {PROJECT})
    await bus.publish([_task_updated()])
    assert _types(alice) == ["project.deleted"]
    assert _received(reading) == []
    assert reading.project_ids == set()


async def test_a_read_replays_the_membership_changes_heard_while_it_ran() -> None:
    bus = InProcessEventBus()
    hub = Hub(bus)
    alice = Connection(ALICE, 100, queue_size=64)
    hub.add(alice)
    hub.begin_reload(alice)
    await bus.publish(
        [
            _member_event("member.removed", ALICE, PROJECT),
            _member_event("member.added", ALICE, OTHER_PROJECT),
            _member_event("member.removed", ALICE, OTHER_PROJECT),
            _member_event("member.added", ALICE, OTHER_PROJECT),
        ]
    )
    hub.finish_reload(alice, {PROJECT})  # the stale answer
    assert alice.project_ids == {OTHER_PROJECT}
    hub.begin_reload(alice)
    hub.finish_reload(alice, None)  # a failed read changes nothing
    assert alice.project_ids == {OTHER_PROJECT}


async def test_sessions_ended_asks_the_named_sockets_to_recheck_and_tells_clients_nothing() -> None:
    bus = InProcessEventBus()
    hub = Hub(bus)
    first = _connection(hub, ALICE, 100, {PROJECT})
    second = _connection(hub, ALICE, 101, {PROJECT})
    bob = _connection(hub, BOB, 200, {PROJECT})

    await bus.publish([Event(type=SESSIONS_ENDED, session_id=100)])
    assert (first.session_check.is_set(), second.session_check.is_set()) == (True, False)
    first.session_check.clear()

    hub.set_session(second, 102)  # renewed with a token of another session
    await bus.publish([Event(type=SESSIONS_ENDED, session_id=101)])
    assert not second.session_check.is_set()
    await bus.publish([Event(type=SESSIONS_ENDED, session_id=102)])
    assert second.session_check.is_set()
    second.session_check.clear()

    await bus.publish([Event(type=SESSIONS_ENDED, user_id=ALICE)])
    assert first.session_check.is_set()
    assert second.session_check.is_set()
    assert not bob.session_check.is_set()
    assert _received(first) == _received(second) == _received(bob) == []


async def test_an_event_to_one_user_reaches_only_their_connections() -> None:
    bus = InProcessEventBus()
    hub = Hub(bus)
    alice = _connection(hub, ALICE, 100, {PROJECT})
    bob = _connection(hub, BOB, 200, {PROJECT})
    await bus.publish([Event(type="notification.created", user_id=ALICE, data={"id": 1})])
    assert _received(alice) == [{"type": "notification.created", "data": {"id": 1}}]
    assert _received(bob) == []


async def test_a_resumed_bus_has_every_connection_recheck_its_session_and_projects() -> None:
    bus = InProcessEventBus()
    hub = Hub(bus)
    connections = [_connection(hub, ALICE, 100, {PROJECT}), _connection(hub, BOB, 200, set())]
    bus.deliver(Event(type=BUS_RESUMED))
    assert all(connection.session_check.is_set() for connection in connections)
    assert all(_received(connection) == [] for connection in connections)
