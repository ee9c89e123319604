"""The calendar feed (SPEC §8): a secret URL, rotation, RFC 5545 read back by two libraries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import ics  # type: ignore[import-untyped]
from fastapi import FastAPI
from httpx import AsyncClient

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
