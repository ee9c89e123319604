"""The unit of work: a service called from a job publishes its events and sends its emails as
it would in a request; a failed unit releases nothing; `commit_regardless` sticks; a
read-only session refuses writes."""

from __future__ import annotations

import asyncio
import json

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from websockets.asyncio.client import ClientConnection, connect

from taskflow.core.email import EmailMessage, enqueue_email
from taskflow.core.events import Event, emit
from taskflow.core.jobs.registry import JobContext, job
from taskflow.core.unit_of_work import UnitOfWork, after_commit, commit_regardless
from taskflow.db.reads import ReadOnlySessionError, ReadSession
from taskflow.tasks import service as tasks_service
from taskflow.tasks.models import Task
from taskflow.tasks.schemas import TaskCreate
from taskflow.users.models import User
from tests.conftest import SmtpServer
from tests.factories import UserWithTokens
from tests.factories_domain import API, add_member, make_project, quick_user


class _JobFailedOnPurpose(Exception):
    pass


def _message(to: str) -> EmailMessage:
    return EmailMessage(to=to, subject="From a job", text="Made by a job.\n", html="<p>Job</p>")


@job("test.uow.create_task", retries=1, retry_delay=0.1, timeout=30)
async def create_task_from_a_job(
    context: JobContext, *, user_id: int, project_id: int, fail: bool = False
) -> None:
    """The same service a request calls, from a job: its event and email must get out."""
    async with context.uow.begin() as session:
        user = await session.get(User, user_id)
        assert user is not None
        await tasks_service.create_task(
            session, user, TaskCreate(title="Made by a job", project_id=project_id)
        )
        enqueue_email(session, _message(user.email))
        if fail:
            raise _JobFailedOnPurpose


@pytest.fixture
def settings_overrides(smtp_server: SmtpServer) -> dict[str, object]:
    return {**smtp_server.settings}


async def _listen(ws_url: str, user: UserWithTokens) -> ClientConnection:
    websocket = await connect(ws_url)
    await websocket.send(json.dumps({"type": "auth", "token": user.tokens.access_token}))
    assert json.loads(await asyncio.wait_for(websocket.recv(), 2)) == {"type": "ready"}
    return websocket


@pytest.fixture
async def team(app: FastAPI, client: AsyncClient) -> tuple[UserWithTokens, UserWithTokens, int]:
    owner = await quick_user(app)
    member = await quick_user(app)
    project = await make_project(client, owner, "Jobs")
    # Being added would email the member (SPEC §7); these tests count only the job's email.
    quiet = {"assigned": True, "mentioned": True, "commented": True, "reminder": True}
    response = await client.patch(
        f"{API}/users/me/notification-settings",
        json={"email": {**quiet, "member_added": False}},
        headers=member.headers,
    )
    assert response.status_code == 200, response.text
    await add_member(client, project["id"], owner, member, "editor")
    return owner, member, project["id"]


async def _task_count(app: FastAPI) -> int:
    uow: UnitOfWork = app.state.uow
    async with uow.begin() as session:
        return int(await session.scalar(select(func.count()).select_from(Task)) or 0)


async def test_a_service_run_from_a_job_publishes_its_event_and_sends_its_email(
    app: FastAPI,
    ws_url: str,
    smtp_server: SmtpServer,
    team: tuple[UserWithTokens, UserWithTokens, int],
) -> None:
    owner, member, project_id = team
    member_socket = await _listen(ws_url, member)
    await app.state.jobs.enqueue("test.uow.create_task", user_id=owner.id, project_id=project_id)

    event = json.loads(await asyncio.wait_for(member_socket.recv(), 5))
    assert event["type"] == "task.created"
    assert event["project_id"] == project_id
    assert event["actor_id"] == owner.id
    [email] = await smtp_server.wait_for(1, within_seconds=10)
    assert email["Subject"] == "From a job"
    assert email["To"] == owner.user.email
    assert await _task_count(app) == 1
    await member_socket.close()


async def test_a_job_that_fails_releases_nothing(
    app: FastAPI,
    ws_url: str,
    smtp_server: SmtpServer,
    team: tuple[UserWithTokens, UserWithTokens, int],
) -> None:
    owner, member, project_id = team
    member_socket = await _listen(ws_url, member)
    await app.state.jobs.enqueue(
        "test.uow.create_task", user_id=owner.id, project_id=project_id, fail=True
    )
    await app.state.jobs.drain()  # both attempts failed

    with pytest.raises(TimeoutError):
        await asyncio.wait_for(member_socket.recv(), 0.5)
    assert smtp_server.messages == []
    assert await _task_count(app) == 0
    await member_socket.close()


async def test_effects_wait_for_the_commit_and_die_with_a_rollback(app: FastAPI) -> None:
    uow: UnitOfWork = app.state.uow
    heard: list[Event] = []
    unsubscribe = app.state.events.subscribe(heard.append)
    ran: list[str] = []

    async def note() -> None:
        ran.append("after commit")

    async def fail_after_emitting() -> None:
        async with uow.begin() as session:
            emit(session, Event(type="test.rolled_back", project_id=1))
            after_commit(session, note)
            raise _JobFailedOnPurpose

    try:
        with pytest.raises(_JobFailedOnPurpose):
            await fail_after_emitting()
        assert heard == []
        assert ran == []

        async with uow.begin() as session:
            emit(session, Event(type="test.committed", project_id=1))
            after_commit(session, note)
            assert heard == []  # not before the commit
            assert ran == []
        assert [event.type for event in heard] == ["test.committed"]
        assert ran == ["after commit"]
    finally:
        unsubscribe()


async def test_commit_regardless_sticks_when_the_unit_fails(
    app: FastAPI, team: tuple[UserWithTokens, UserWithTokens, int]
) -> None:
    owner, _, _ = team
    uow: UnitOfWork = app.state.uow

    async def rename(session: AsyncSession) -> None:
        user = await session.get(User, owner.id)
        assert user is not None
        user.full_name = "Kept"

    async def fail_after_renaming() -> None:
        async with uow.begin() as session:
            user = await session.get(User, owner.id)
            assert user is not None
            user.full_name = "Rolled back"
            commit_regardless(session, rename)
            raise _JobFailedOnPurpose

    with pytest.raises(_JobFailedOnPurpose):
        await fail_after_renaming()
    async with uow.begin() as session:
        assert await session.scalar(select(User.full_name).where(User.id == owner.id)) == "Kept"


async def test_a_read_session_refuses_to_write(
    app: FastAPI, team: tuple[UserWithTokens, UserWithTokens, int]
) -> None:
    owner, _, _ = team
    uow: UnitOfWork = app.state.uow
    async with uow.begin(read_only=True) as session:
        reader = ReadSession(session)
        assert not hasattr(reader, "add")
        assert not hasattr(reader, "commit")
        user = await reader.get(User, owner.id)
        assert user is not None
        user.full_name = "Written through a read"
        with pytest.raises(ReadOnlySessionError):
            await reader.scalar(select(User.full_name).where(User.id == owner.id))  # autoflush
        session.expunge_all()  # what was refused must not be retried when the unit ends
    async with uow.begin() as session:
        assert await session.scalar(select(User.full_name).where(User.id == owner.id)) != (
            "Written through a read"
        )
