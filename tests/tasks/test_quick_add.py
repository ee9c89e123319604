"""POST /tasks/quick (SPEC §9) through the API: lines become tasks in the user's time zone,
names resolve or stay in the title, dry_run writes nothing, access and bad input."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import time_machine
from fastapi import FastAPI
from httpx import AsyncClient

from taskflow.core.clock import zone
from tests.factories_domain import (
    API,
    add_member,
    count_statements,
    inbox_id,
    make_label,
    make_project,
    make_team,
    quick_user,
)

BERLIN = zone("Europe/Berlin")
# Wednesday 13 January 2027, 10:00 in Berlin.
NOW = datetime(2027, 1, 13, 10, 0, tzinfo=BERLIN).astimezone(UTC)


def _local(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(BERLIN).replace(tzinfo=None)


async def _quick(
    client: AsyncClient, user: Any, text: str, *, dry_run: bool = False, **body: Any
) -> Any:
    url = f"{API}/tasks/quick" + ("?dry_run=true" if dry_run else "")
    return await client.post(url, json={"text": text, **body}, headers=user.headers)


async def _task_count(client: AsyncClient, user: Any) -> int:
    response = await client.get(f"{API}/tasks", headers=user.headers)
    total: int = response.json()["total"]
    return total


async def test_quick_add_makes_a_task_of_each_line(app: FastAPI, client: AsyncClient) -> None:
    with time_machine.travel(NOW, tick=False):
        user = await quick_user(app)
        await client.patch(f"{API}/users/me", json={"timezone": "Europe/Berlin"},
                           headers=user.headers)  # fmt: skip
        alice = await quick_user(app, username="alice_q")
        home = await make_project(client, user, "Home")
        side = await make_project(client, user, "Two words")
        await add_member(client, home["id"], user, alice)
        bills = await make_label(client, user, home["id"], "Bills")
        text = (
            "Pay rent tomorrow 5pm p1 #home @bills @paper +Alice_Q\n"
            '\n  Water plants every monday at 9am #"two words"\n'
            "Buy milk #nowhere +nobody p9 next friday"
        )
        response = await _quick(client, user, text)
    assert response.status_code == 201, response.text
    rent, plants, milk = response.json()["items"]
    assert (rent["title"], rent["project_id"], rent["priority"]) == ("Pay rent", home["id"], 4)
    assert _local(rent["due_at"]) == datetime(2027, 1, 14, 17, 0)
    assert not rent["due_all_day"]
    assert rent["assignee_id"] == alice.id
    names = sorted(label["name"] for label in rent["labels"])
    assert names == ["Bills", "paper"]  # an existing one in any case; a new one created
    assert bills["id"] in [label["id"] for label in rent["labels"]]
    assert (plants["title"], plants["project_id"]) == ("Water plants", side["id"])
    assert plants["recurrence"] == "FREQ=WEEKLY;BYDAY=MO"
    assert plants["recurrence_basis"] == "due"
    assert _local(plants["due_at"]) == datetime(2027, 1, 18, 9, 0)
    # What does not resolve stays: an unknown project, a non-member, an unknown priority.
    assert milk["title"] == "Buy milk #nowhere +nobody p9"
    assert milk["project_id"] == await inbox_id(client, user)
    assert _local(milk["due_at"]) == datetime(2027, 1, 22, 0, 0)
    assert milk["due_all_day"]
    assert milk["priority"] == 0
    assert milk["labels"] == []
    assert milk["assignee_id"] is None
    fetched = await client.get(f"{API}/tasks/{rent['id']}", headers=user.headers)
    assert fetched.json()["title"] == "Pay rent"


async def test_dry_run_answers_what_it_understood_and_writes_nothing(
    app: FastAPI, client: AsyncClient
) -> None:
    with time_machine.travel(NOW, tick=False):
        user = await quick_user(app)
        home = await make_project(client, user, "Home")
        text = "Pay rent tomorrow p1 #Home @bills every! month on the 1st"
        response = await _quick(client, user, text, dry_run=True)
        assert response.status_code == 200, response.text
        [item] = response.json()["items"]
        assert item["title"] == "Pay rent"
        assert (item["project_id"], item["priority"]) == (home["id"], 4)
        assert item["label_ids"] == []
        assert item["label_names"] == ["bills"]
        assert item["recurrence"] == "FREQ=MONTHLY;BYMONTHDAY=1"
        assert item["recurrence_basis"] == "completion"
        assert item["due_all_day"]
        assert item["due_at"].startswith("2027-02-01")  # the first 1st from tomorrow on
        spans = [(text[s["start"] : s["end"]], s["kind"]) for s in item["spans"]]
        assert spans == [
            ("tomorrow", "date"),
            ("p1", "priority"),
            ("#Home", "project"),
            ("@bills", "label"),
            ("every! month on the 1st", "recurrence"),
        ]
        # Offsets count in the whole text, across lines; a line with no title is fine here.
        two = await _quick(client, user, "a\ntomorrow p2", dry_run=True)
        second = two.json()["items"][1]
        assert second["title"] == ""
        assert second["spans"][0] == {"start": 2, "end": 10, "kind": "date"}
        assert await _task_count(client, user) == 0
        labels = await client.get(f"{API}/projects/{home['id']}/labels", headers=user.headers)
        assert labels.json()["total"] == 0
        # A dry run costs the same statements whatever the number of lines.
        with count_statements(app) as one:
            await _quick(client, user, "x #Home @a +b p1 today", dry_run=True)
        with count_statements(app) as many:
            await _quick(client, user, "x #Home @a +b p1 today\n" * 20, dry_run=True)
        assert len(many) == len(one)


async def test_quick_add_costs_the_same_statements_for_one_line_or_twenty(
    app: FastAPI, client: AsyncClient
) -> None:
    """Watching, activity and the answer are batched: no statement per line (an assignee's
    `assigned` notification aside)."""
    with time_machine.travel(NOW, tick=False):
        user = await quick_user(app)
        await make_project(client, user, "Home")
        line = "Water plants tomorrow 9am #Home @garden p2"
        assert (await _quick(client, user, line)).status_code == 201  # creates the label
        with count_statements(app) as one:
            response = await _quick(client, user, line)
        assert response.status_code == 201, response.text
        with count_statements(app) as many:
            response = await _quick(client, user, "\n".join([line] * 20))
        assert response.status_code == 201, response.text
        items = response.json()["items"] if "items" in response.json() else response.json()
        assert [item["title"] for item in items] == ["Water plants"] * 20
        ids = [item["id"] for item in items]
        assert ids == sorted(ids)  # in the order of the lines
        assert all(item["watching"] for item in items)
        assert len(many) == len(one), "\n".join(s[:90] for s in many)
        fetched = await client.get(f"{API}/tasks/{ids[-1]}", headers=user.headers)
        assert fetched.json()["labels"][0]["name"] == "garden"


async def test_quick_add_respects_roles(app: FastAPI, client: AsyncClient) -> None:
    team = await make_team(app, client, "Team")
    text = "Plan #team @fresh p2"
    outsider = await _quick(client, team.outsider, "x", project_id=team.project_id)
    assert outsider.status_code == 404
    # An outsider's #Team is just a word: the task goes to their Inbox, named as typed.
    mine = await _quick(client, team.outsider, text)
    assert mine.status_code == 201
    assert mine.json()["items"][0]["title"] == "Plan #team"
    viewer = await _quick(client, team.viewer, text)
    assert viewer.status_code == 403
    assert (await _quick(client, team.viewer, text, dry_run=True)).status_code == 200
    # An editor may not create labels: @fresh stays in the title.
    editor = await _quick(client, team.editor, text)
    assert editor.status_code == 201, editor.text
    assert editor.json()["items"][0]["title"] == "Plan @fresh"
    assert editor.json()["items"][0]["labels"] == []
    admin = await _quick(client, team.admin, text)
    assert [label["name"] for label in admin.json()["items"][0]["labels"]] == ["fresh"]
    assert (await _task_count(client, team.owner)) == 2


async def test_bad_quick_add_is_422_and_writes_nothing(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    bodies: list[Any] = [
        {}, {"text": ""}, {"text": "  \n \n"}, {"text": 5}, {"text": "x", "extra": 1},
        {"text": "x", "project_id": 0}, {"text": "x", "project_id": "1"}, {"text": "a\u0000"},
        {"text": "x\n" * 51}, {"text": "x" * 20_001},
        {"text": "fine\ntomorrow p1"},  # a line with nothing left for a title
        {"text": "x" * 501},
        {"text": "Backup every day", "project_id": 2**53},
    ]  # fmt: skip
    for body in bodies:
        response = await client.post(f"{API}/tasks/quick", json=body, headers=user.headers)
        assert response.status_code in (404, 422), (body, response.text)
    assert (await _task_count(client, user)) == 0
    labels = await client.get(f"{API}/labels", headers=user.headers)
    assert labels.status_code in (200, 404)
    anonymous = await client.post(f"{API}/tasks/quick", json={"text": "x"})
    assert anonymous.status_code == 401
    wrong_method = await client.put(f"{API}/tasks/quick", json={"text": "x"}, headers=user.headers)
    assert wrong_method.status_code == 405


async def test_a_label_no_label_may_be_named_stays_in_the_title(
    app: FastAPI, client: AsyncClient
) -> None:
    """A new label's name follows the labels API (1 to 50 characters, not blank, no spaces
    around it: a quoted name is stripped): `@` + 51 characters or `@"  "` is no label, so it
    stays in the title, as other tokens that do not resolve do; it is not written (PostgreSQL's
    varchar(50): a 500; SQLite stored it, a label the API could not have made)."""
    user = await quick_user(app)
    home = await make_project(client, user, "Home")
    long = "l" * 51
    text = f'Pay @{long} #home\nFeed @"  " #home\nWater @" cat " #home\nCall @{"m" * 50} #home'
    dry = await _quick(client, user, text, dry_run=True)
    assert dry.status_code == 200, dry.text
    assert [item["label_names"] for item in dry.json()["items"]] == [[], [], ["cat"], ["m" * 50]]
    response = await _quick(client, user, text)
    assert response.status_code == 201, response.text
    pay, feed, water, call = response.json()["items"]
    assert (pay["title"], pay["labels"]) == (f"Pay @{long}", [])
    assert (feed["title"], feed["labels"]) == ('Feed @" "', [])  # spaces collapse
    assert (water["title"], [label["name"] for label in water["labels"]]) == ("Water", ["cat"])
    assert [label["name"] for label in call["labels"]] == ["m" * 50]
    labels = await client.get(f"{API}/projects/{home['id']}/labels", headers=user.headers)
    assert sorted(label["name"] for label in labels.json()["items"]) == ["cat", "m" * 50]


async def test_one_new_label_in_several_cases_is_one_label(
    app: FastAPI, client: AsyncClient
) -> None:
    """Labels match in any case, new ones too: `@Foo` on one line and `@foo` on the next make
    one label, spelled as first written, that both tasks get (three labels were created, two
    of them on no task, each with its `label.created` activity)."""
    user = await quick_user(app)
    home = await make_project(client, user, "Home")
    text = "A @Foo #home\nB @foo #home\nC @FOO @foo #home"
    response = await _quick(client, user, text)
    assert response.status_code == 201, response.text
    tasks = response.json()["items"]
    assert [[label["name"] for label in task["labels"]] for task in tasks] == [["Foo"]] * 3
    labels = await client.get(f"{API}/projects/{home['id']}/labels", headers=user.headers)
    assert [label["name"] for label in labels.json()["items"]] == ["Foo"]
    activity = await client.get(f"{API}/projects/{home['id']}/activity", headers=user.headers)
    verbs = [row["verb"] for row in activity.json()["items"]]
    assert verbs.count("label.created") == 1


async def test_lines_into_two_projects_notify_watch_and_log_each_task(
    app: FastAPI, client: AsyncClient
) -> None:
    """The batched writes (one statement each for activity, watchers and the answer) still
    give each line its own: `task.created` in its project's feed, an `assigned` notification
    only for a line given to someone, the creator and that assignee watching."""
    user = await quick_user(app)
    alice = await quick_user(app, username="alice_two")
    home = await make_project(client, user, "Home")
    work = await make_project(client, user, "Work")
    for project in (home, work):
        await add_member(client, project["id"], user, alice)
    seen = await client.get(f"{API}/notifications", headers=alice.headers)
    before = {row["id"] for row in seen.json()["items"]}
    text = "Rent #home +alice_two\nReport #work +alice_two\nMilk #home"
    response = await _quick(client, user, text)
    assert response.status_code == 201, response.text
    rent, report, milk = response.json()["items"]
    listed = await client.get(f"{API}/notifications", headers=alice.headers)
    new = [row for row in listed.json()["items"] if row["id"] not in before]
    assert sorted((row["type"], row["task_id"]) for row in new) == sorted(
        [("assigned", rent["id"]), ("assigned", report["id"])]
    )
    for task, watching in ((rent, True), (report, True), (milk, False)):
        mine = await client.get(f"{API}/tasks/{task['id']}", headers=alice.headers)
        assert mine.json()["watching"] is watching, task["title"]
        assert task["watching"]  # the creator
    for project, titles in ((home, {"Rent", "Milk"}), (work, {"Report"})):
        feed = await client.get(f"{API}/projects/{project['id']}/activity", headers=user.headers)
        created = [r for r in feed.json()["items"] if r["verb"] == "task.created"]
        assert {row["changes"]["title"] for row in created} == titles
