"""Notification emails through the job queue and real SMTP (aiosmtpd): instant ones grouped
per user and task (at most one per 5 minutes), the 08:00 daily digest, and the settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from taskflow.core.jobs.registry import JobContext
from taskflow.notifications.jobs import sweep
from tests.conftest import SmtpServer
from tests.factories import UserWithTokens
from tests.factories_domain import API, make_task
from tests.notifications.helpers import quiet_team


@pytest.fixture
def settings_overrides(smtp_server: SmtpServer) -> dict[str, object]:
    return smtp_server.settings


def _bodies(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None
    assert html is not None
    return text.get_content(), html.get_content()


async def _settle(app: FastAPI, smtp_server: SmtpServer) -> None:
    """Every job done (the emails handed to SMTP), and the mailbox emptied."""
    await app.state.jobs.drain()
    smtp_server.messages.clear()


async def _sweep(app: FastAPI, now: datetime) -> None:
    await sweep(JobContext(app.state.settings, app.state.uow), now)
    await app.state.jobs.drain()


async def _comment(client: AsyncClient, user: UserWithTokens, task_id: int, body: str) -> None:
    response = await client.post(
        f"{API}/tasks/{task_id}/comments", json={"body": body}, headers=user.headers
    )
    assert response.status_code == 201, response.text


def _to(smtp_server: SmtpServer, user: UserWithTokens) -> list[EmailMessage]:
    return [m for m in smtp_server.messages if m["To"] == user.user.email]


async def test_instant_emails_link_the_task_and_settings_and_group_within_5_minutes(
    app: FastAPI, client: AsyncClient, smtp_server: SmtpServer
) -> None:
    team = await quiet_team(app, client)
    await _settle(app, smtp_server)
    task = await make_task(
        client, team.owner, "Ship it", project_id=team.project_id, assignee_id=team.editor.id
    )
    await app.state.jobs.drain()
    (assigned,) = await smtp_server.wait_for(1)
    assert assigned["To"] == team.editor.user.email
    assert assigned["Subject"] == f"{team.owner.user.username} assigned you “Ship it”"
    text, html = _bodies(assigned)
    task_url = f"/projects/{team.project_id}?task={task['id']}"
    assert task_url in text
    assert task_url.replace("?", "?").replace("&", "&amp;") in html
    assert "/account#notifications" in text
    assert "/account#notifications" in html
    smtp_server.messages.clear()

    # Two comments within the window: nothing at once, then one email with both.
    await _comment(client, team.owner, task["id"], "first <b>news</b>")
    await _comment(client, team.admin, task["id"], "second news")
    await app.state.jobs.drain()
    assert _to(smtp_server, team.editor) == []
    await _sweep(app, datetime.now(UTC) + timedelta(minutes=2))
    assert _to(smtp_server, team.editor) == []  # still within 5 minutes of the last email
    await _sweep(app, datetime.now(UTC) + timedelta(minutes=6))
    (grouped,) = _to(smtp_server, team.editor)
    assert grouped["Subject"] == "2 updates on “Ship it”"
    text, html = _bodies(grouped)
    assert "first <b>news</b>" in text
    assert "second news" in text
    assert "first &lt;b&gt;news&lt;/b&gt;" in html  # escaped in HTML
    # The owner (creator, watching) got the admin's comment at once: a group of its own.
    owner_mail = _to(smtp_server, team.owner)
    assert [m["Subject"] for m in owner_mail] == [
        f"{team.admin.user.username} commented on “Ship it”"
    ]
    # Sent is sent: another sweep sends nothing again.
    smtp_server.messages.clear()
    await _sweep(app, datetime.now(UTC) + timedelta(minutes=20))
    assert smtp_server.messages == []


async def test_a_disabled_type_is_not_emailed_but_still_notified(
    app: FastAPI, client: AsyncClient, smtp_server: SmtpServer
) -> None:
    team = await quiet_team(app, client)
    response = await client.patch(
        f"{API}/users/me/notification-settings",
        json={"email": {"assigned": False}},
        headers=team.editor.headers,
    )
    assert response.status_code == 200
    await _settle(app, smtp_server)
    await make_task(client, team.owner, project_id=team.project_id, assignee_id=team.editor.id)
    await _sweep(app, datetime.now(UTC) + timedelta(minutes=10))
    assert _to(smtp_server, team.editor) == []
    unread = await client.get(f"{API}/notifications/unread-count", headers=team.editor.headers)
    assert unread.json() == {"count": 1}


async def test_the_daily_digest_goes_once_after_0800_with_everything(
    app: FastAPI, client: AsyncClient, smtp_server: SmtpServer
) -> None:
    team = await quiet_team(app, client)
    response = await client.patch(
        f"{API}/users/me/notification-settings",
        json={"digest": "daily"},
        headers=team.editor.headers,
    )
    assert response.status_code == 200
    await _settle(app, smtp_server)
    first = await make_task(
        client, team.owner, "One", project_id=team.project_id, assignee_id=team.editor.id
    )
    await make_task(
        client, team.owner, "Two", project_id=team.project_id, assignee_id=team.editor.id
    )
    await _comment(client, team.admin, first["id"], "on one")
    await app.state.jobs.drain()
    assert _to(smtp_server, team.editor) == []  # nothing instant with the digest on
    # The first 08:00 (UTC, the editor's zone) after now: today's before 08:00, else tomorrow's.
    now = datetime.now(UTC)
    eight = datetime(now.year, now.month, now.day, 8, tzinfo=UTC)
    if eight <= now:
        eight += timedelta(days=1)
    before_eight = eight - timedelta(minutes=1)
    await _sweep(app, before_eight)
    assert _to(smtp_server, team.editor) == []
    await _sweep(app, before_eight + timedelta(minutes=2))
    (digest,) = _to(smtp_server, team.editor)
    assert digest["Subject"] == "Your TaskFlow digest: 3 notifications"
    text, _ = _bodies(digest)
    for line in ("assigned you “One”", "assigned you “Two”", "commented on “One”"):
        assert line in text
    await _sweep(app, before_eight + timedelta(hours=3))
    assert len(_to(smtp_server, team.editor)) == 1  # one a day


def test_the_digest_hour_is_0800_in_the_users_timezone() -> None:
    from taskflow.notifications.digest import digest_due
    from taskflow.users.models import User

    tokyo = User(timezone="Asia/Tokyo")  # UTC+9: 08:00 there is 23:00 UTC the day before
    sent = datetime(2026, 12, 1, tzinfo=UTC).date()
    assert digest_due(tokyo, sent, datetime(2026, 12, 1, 22, 59, tzinfo=UTC)) is None
    due = digest_due(tokyo, sent, datetime(2026, 12, 1, 23, 1, tzinfo=UTC))
    assert due == datetime(2026, 12, 2, tzinfo=UTC).date()
    assert digest_due(User(timezone="UTC"), sent, datetime(2026, 12, 1, 23, 1, tzinfo=UTC)) is None
