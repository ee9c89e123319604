"""The calendar feed (SPEC §8): a secret URL, rotation, RFC 5545 read back by two libraries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import ics  # type: ignore[import-untyped]
from dateutil.rrule import rrulestr
from fastapi import FastAPI
from httpx import AsyncClient, Response

from tests.factories_domain import make_team, quick_user

TOKEN = "/api/v1/users/me/calendar-token"


def _path(url: str) -> str:
    return url[url.index("/api/v1/") :]


async def test_the_feed_lists_open_tasks_with_a_due_date_read_back_by_icalendar_and_ics(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await quick_user(app)
    due = datetime(2031, 3, 4, 15, 30, tzinfo=UTC)
    for body in (
        {"title": "Timed, with a comma, and; semicolon", "due_at": due.isoformat(), "priority": 4},
        {"title": "Done already", "due_at": due.isoformat(), "status": "done"},
        {"title": "No due date"},
    ):
        assert (
            await client.post("/api/v1/tasks", json=body, headers=user.headers)
        ).status_code == 201
    created = await client.post(TOKEN, headers=user.headers)
    assert created.status_code == 201
    url = created.json()["url"]
    assert url.startswith(app.state.settings.public_url)
    assert url.endswith(".ics")

    feed = await client.get(_path(url))  # no other credential
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")

    calendar = icalendar.Calendar.from_ical(feed.content)
    events = list(calendar.walk("VEVENT"))
    assert [str(event["summary"]) for event in events] == ["Timed, with a comma, and; semicolon"]
    event = events[0]
    assert event.decoded("dtstart") == due
    assert str(event["url"]).endswith(
        "?task=" + str(event["uid"]).split("@")[0].removeprefix("task-")
    )
    assert event.decoded("priority") == 1

    parsed = ics.Calendar(feed.text)
    (other,) = parsed.events
    assert other.name == "Timed, with a comma, and; semicolon"
    assert other.begin == due
    assert other.uid == str(event["uid"])

    # The UID is stable from one fetch to the next.
    again = icalendar.Calendar.from_ical((await client.get(_path(url))).content)
    assert [str(e["uid"]) for e in again.walk("VEVENT")] == [str(event["uid"])]


async def test_project_id_narrows_the_feed_and_only_the_users_projects_appear(
    app: FastAPI, client: AsyncClient
) -> None:
    team = await make_team(app, client)
    outsider = await quick_user(app)
    due = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    owner = team.owner
    in_team = await client.post(
        "/api/v1/tasks",
        json={"title": "team task", "project_id": team.project["id"], "due_at": due},
        headers=owner.headers,
    )
    assert in_team.status_code == 201
    assert (
        await client.post(
            "/api/v1/tasks", json={"title": "inbox task", "due_at": due}, headers=owner.headers
        )
    ).status_code == 201
    assert (
        await client.post(
            "/api/v1/tasks", json={"title": "not mine", "due_at": due}, headers=outsider.headers
        )
    ).status_code == 201
    url = _path((await client.post(TOKEN, headers=owner.headers)).json()["url"])

    def titles(content: bytes) -> set[str]:
        return {str(e["summary"]) for e in icalendar.Calendar.from_ical(content).walk("VEVENT")}

    assert titles((await client.get(url)).content) == {"team task", "inbox task"}
    narrowed = await client.get(url, params={"project_id": team.project["id"]})
    assert titles(narrowed.content) == {"team task"}
    assert (await client.get(url, params={"project_id": "x"})).status_code == 422


async def test_rotating_kills_the_old_url_and_delete_ends_the_feed(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await quick_user(app)
    first = _path((await client.post(TOKEN, headers=user.headers)).json()["url"])
    second = _path((await client.post(TOKEN, headers=user.headers)).json()["url"])
    assert first != second
    assert (await client.get(first)).status_code == 404
    assert (await client.get(second)).status_code == 200
    assert (await client.delete(TOKEN, headers=user.headers)).status_code == 204
    assert (await client.get(second)).status_code == 404
    assert (await client.get("/api/v1/calendar/unknown.ics")).status_code == 404
    assert (await client.post(TOKEN)).status_code == 401


async def _feed_of(
    app: FastAPI, client: AsyncClient, timezone: str, tasks: list[dict[str, Any]]
) -> Response:
    user = await quick_user(app)
    zoned = await client.patch(
        "/api/v1/users/me", json={"timezone": timezone}, headers=user.headers
    )
    assert zoned.status_code == 200, zoned.text
    for body in tasks:
        made = await client.post("/api/v1/tasks", json=body, headers=user.headers)
        assert made.status_code == 201, made.text
    url = (await client.post(TOKEN, headers=user.headers)).json()["url"]
    feed = await client.get(_path(url))
    assert feed.status_code == 200
    return feed


async def test_an_all_day_task_is_a_date_event_on_the_viewers_local_day(
    app: FastAPI, client: AsyncClient
) -> None:
    # Midnight in Tokyo is the previous day in UTC: the event is on the Tokyo date.
    due = datetime(2031, 3, 4, tzinfo=ZoneInfo("Asia/Tokyo"))
    feed = await _feed_of(
        app,
        client,
        "Asia/Tokyo",
        [
            {"title": "All day", "due_at": due.isoformat(), "due_all_day": True},
            {
                "title": "Every Monday, all day, until April",
                "due_at": datetime(2031, 3, 3, tzinfo=ZoneInfo("Asia/Tokyo")).isoformat(),
                "due_all_day": True,
                "recurrence": "FREQ=WEEKLY;BYDAY=MO;UNTIL=20310331T150000Z",
            },
        ],
    )
    assert b"DTSTART;VALUE=DATE:20310304" in feed.content
    events = {
        str(e["summary"]): e for e in icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
    }
    single = events["All day"]
    assert single.decoded("dtstart") == date(2031, 3, 4)
    assert single.decoded("dtend") == date(2031, 3, 5)  # exclusive: one whole day
    assert "rrule" not in single
    weekly = events["Every Monday, all day, until April"]
    assert weekly.decoded("dtstart") == date(2031, 3, 3)
    # Beside a DATE start, UNTIL is a date (RFC 5545 3.3.10): the viewer's date of that instant.
    rule: Any = weekly["rrule"]
    assert rule["UNTIL"] == [date(2031, 4, 1)]
    occurrences = list(
        rrulestr(rule.to_ical().decode(), dtstart=datetime(2031, 3, 3), ignoretz=True)
    )
    assert [o.date() for o in occurrences] == [
        date(2031, 3, 3), date(2031, 3, 10), date(2031, 3, 17), date(2031, 3, 24),
        date(2031, 3, 31),
    ]  # fmt: skip

    parsed = {e.name: e for e in ics.Calendar(feed.text).events}
    assert parsed["All day"].all_day
    assert parsed["All day"].begin.date() == date(2031, 3, 4)


async def test_a_recurring_task_keeps_its_wall_clock_across_dst_with_a_vtimezone(
    app: FastAPI, client: AsyncClient
) -> None:
    berlin = ZoneInfo("Europe/Berlin")
    # Daily at 09:00 in Berlin, across the change to summer time (30 March 2031).
    due = datetime(2031, 3, 28, 9, 0, tzinfo=berlin)
    feed = await _feed_of(
        app,
        client,
        "Europe/Berlin",
        [
            {"title": "Stand-up", "due_at": due.isoformat(), "recurrence": "FREQ=DAILY;COUNT=5"},
            {
                "title": "Until a local date",
                "due_at": due.isoformat(),
                "recurrence": "FREQ=DAILY;UNTIL=20310330",
            },
            {"title": "Once", "due_at": due.isoformat()},
        ],
    )
    calendar = icalendar.Calendar.from_ical(feed.content)
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert b"DTSTART;TZID=Europe/Berlin:20310328T090000" in feed.content
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}

    def expand(event: Any) -> list[datetime]:
        start = event.decoded("dtstart")
        return list(rrulestr(event["rrule"].to_ical().decode(), dtstart=start))

    standup = events["Stand-up"]
    assert standup.decoded("dtstart") == due
    standup_rule: Any = standup["rrule"]
    assert standup_rule.to_ical().decode() == "FREQ=DAILY;COUNT=5"
    times = expand(standup)
    assert [t.astimezone(berlin).strftime("%d %H:%M") for t in times] == [
        "28 09:00", "29 09:00", "30 09:00", "31 09:00", "01 09:00",
    ]  # fmt: skip
    assert [t.astimezone(UTC).hour for t in times] == [8, 8, 7, 7, 7]
    # A local UNTIL date is the end of that day on the creator's wall clock, in UTC.
    until_rule: Any = events["Until a local date"]["rrule"]
    until = until_rule["UNTIL"][0]
    assert until == datetime(2031, 3, 30, 21, 59, 59, tzinfo=UTC)
    assert len(expand(events["Until a local date"])) == 3
    once = events["Once"]
    assert "rrule" not in once
    assert once.decoded("dtstart") == due.astimezone(UTC)

    parsed = {e.name: e for e in ics.Calendar(feed.text).events}
    assert parsed["Stand-up"].begin == due
    assert "RRULE:FREQ=DAILY;COUNT=5" in feed.text.replace("\r\n", "\n")
