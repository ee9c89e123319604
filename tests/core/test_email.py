"""Email: rendering, delivery through SMTP, the log when no SMTP host, failures never raise."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import asdict
from pathlib import Path

import pytest
from httpx import AsyncClient
from sqlalchemy import text

from taskflow.config import Settings
from taskflow.core.email import (
    EmailMessage,
    enqueue_email,
    render_action_email,
    send_email,
    to_mime,
)
from taskflow.core.events import InProcessEventBus
from taskflow.core.jobs.queue import InProcessJobQueue
from taskflow.core.unit_of_work import UnitOfWork
from taskflow.db import Database
from tests.conftest import SmtpServer, _free_port


def _settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, **values)  # type: ignore[arg-type]


def _message() -> EmailMessage:
    return render_action_email(
        to="ada@example.com",
        subject="Hello",
        greeting="Hello <b>Ada</b>,",
        paragraphs=["First & foremost."],
        action_label="Open",
        action_url="https://tasks.example.org/verify-email?token=abc&x=<y>",
        footer="Bye.",
    )


def test_rendered_email_has_text_and_escaped_html() -> None:
    message = _message()
    assert "Open: https://tasks.example.org/verify-email?token=abc&x=<y>" in message.text
    assert "Hello <b>Ada</b>," in message.text
    assert "Hello &lt;b&gt;Ada&lt;/b&gt;," in message.html
    assert "First &amp; foremost." in message.html
    assert 'href="https://tasks.example.org/verify-email?token=abc&amp;x=&lt;y&gt;"' in message.html
    assert "<b>" not in message.html


def test_mime_message_is_multipart_alternative(tmp_path: Path) -> None:
    mime = to_mime(
        _settings(tmp_path, email_from="TaskFlow <noreply@tasks.example.org>"), _message()
    )
    assert mime.get_content_type() == "multipart/alternative"
    assert mime["From"] == "TaskFlow <noreply@tasks.example.org>"
    assert mime["Message-ID"].endswith("@tasks.example.org>")
    assert mime.get_body(preferencelist=("plain",)) is not None
    assert mime.get_body(preferencelist=("html",)) is not None


async def test_without_smtp_host_the_email_goes_to_the_log_with_its_link(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="taskflow.core.email"):
        delivered = await send_email(_settings(tmp_path), _message())
    assert delivered is True
    [record] = [r for r in caplog.records if r.name == "taskflow.core.email"]
    assert record.levelno == logging.INFO
    assert "https://tasks.example.org/verify-email?token=abc" in record.getMessage()


async def test_smtp_delivery_reaches_the_server(tmp_path: Path, smtp_server: SmtpServer) -> None:
    settings = _settings(tmp_path, **smtp_server.settings)
    assert await send_email(settings, _message()) is True
    [received] = await smtp_server.wait_for(1)
    assert received["To"] == "ada@example.com"
    assert received["Subject"] == "Hello"


async def test_unreachable_smtp_server_is_logged_and_never_raises(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = _settings(tmp_path, smtp_host="127.0.0.1", smtp_port=_free_port(), smtp_tls="none")
    with caplog.at_level(logging.ERROR, logger="taskflow.core.email"):
        delivered = await send_email(settings, _message())
    assert delivered is False
    [record] = caplog.records
    assert "could not be sent" in record.getMessage()
    assert "token=abc" not in record.getMessage()  # the secret link is not logged on failure


async def test_enqueued_email_is_sent_only_once_the_transaction_commits(
    settings: Settings, smtp_server: SmtpServer
) -> None:
    settings = settings.model_copy(update=smtp_server.settings)
    database = Database(settings)
    jobs = InProcessJobQueue(settings, database, InProcessEventBus(), run_periodic=False)
    uow = UnitOfWork(database, InProcessEventBus(), jobs)
    try:
        async with uow.begin() as session:
            await session.execute(text("SELECT 1"))
            enqueue_email(session, _message())
            await jobs.drain()
            assert smtp_server.messages == []  # queued until the commit
        await jobs.drain()
        assert len(await smtp_server.wait_for(1)) == 1
        assert len(smtp_server.messages) == 1
    finally:
        await database.dispose()


async def test_mail_queued_while_the_server_is_down_arrives_after_it_returns(
    settings: Settings, smtp_server: SmtpServer
) -> None:
    settings = settings.model_copy(update=smtp_server.settings)
    database = Database(settings)
    jobs = InProcessJobQueue(settings, database, InProcessEventBus(), run_periodic=False)
    smtp_server.stop()
    try:
        await jobs.enqueue("email.send", message=asdict(_message()))
        await asyncio.sleep(1.5)  # the first attempts fail: nothing listens
        assert smtp_server.messages == []
        smtp_server.start()
        [received] = await smtp_server.wait_for(1, within_seconds=30)
        assert received["To"] == "ada@example.com"
    finally:
        await jobs.stop()
        await database.dispose()


@pytest.fixture
def settings_overrides() -> dict[str, object]:
    return {"smtp_host": "127.0.0.1", "smtp_port": _free_port(), "smtp_tls": "none"}


async def test_registration_succeeds_when_the_mail_server_is_down(client: AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/register",
        json={"email": "ada@example.com", "username": "ada", "password": "a fine passphrase"},
    )
    assert response.status_code == 201
