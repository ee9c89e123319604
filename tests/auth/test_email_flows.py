"""Verification and password reset, end to end through a real SMTP server, following the links."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import event, func, select, update

from taskflow.auth.jobs import send_password_reset
from taskflow.auth.models import OneTimeToken
from taskflow.core.jobs.queue import InProcessJobQueue
from taskflow.core.jobs.registry import JobContext
from taskflow.core.security import new_opaque_token
from taskflow.core.unit_of_work import UnitOfWork
from taskflow.db import Database, utcnow
from taskflow.users.models import User
from tests.conftest import SmtpServer
from tests.factories import bearer, link_token, login, make_user

VERIFY_REQUEST = "/api/v1/auth/verify/request"
VERIFY_CONFIRM = "/api/v1/auth/verify/confirm"
RESET_REQUEST = "/api/v1/auth/password-reset/request"
RESET_CONFIRM = "/api/v1/auth/password-reset/confirm"
PUBLIC_URL = "https://tasks.example.org"
VERIFY_LINK = f"{PUBLIC_URL}/verify-email"
RESET_LINK = f"{PUBLIC_URL}/reset-password"
NEW_PASSWORD = "a completely new passphrase"


@pytest.fixture
def settings_overrides(smtp_server: SmtpServer) -> dict[str, object]:
    return {
        **smtp_server.settings,
        "public_url": PUBLIC_URL,
        "password_reset_max_per_hour": 3,
        "login_max_attempts": 3,
    }


async def _expire_all_tokens(app: FastAPI) -> None:
    database: Database = app.state.database
    async with database.sessionmaker() as session, session.begin():
        await session.execute(
            update(OneTimeToken).values(expires_at=utcnow() - timedelta(seconds=1))
        )


# --- verification ------------------------------------------------------------------------------


async def test_verify_request_emails_a_link_that_verifies_the_user(
    app: FastAPI, client: AsyncClient, smtp_server: SmtpServer
) -> None:
    user = await make_user(app, is_verified=False, full_name="Ada Lovelace")
    response = await client.post(VERIFY_REQUEST, headers=user.headers)
    assert response.status_code == 202
    [message] = await smtp_server.wait_for(1)
    assert message["To"] == user.user.email
    assert message["From"] == "TaskFlow <taskflow@localhost>"
    assert "Hello Ada Lovelace," in message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    token = link_token(message, VERIFY_LINK)
    confirmed = await client.post(VERIFY_CONFIRM, json={"token": token})
    assert confirmed.status_code == 200
    assert confirmed.json()["is_verified"] is True
    assert confirmed.json()["id"] == user.id
    me = await client.get("/api/v1/users/me", headers=user.headers)
    assert me.json()["is_verified"] is True


async def test_verify_request_for_a_verified_user_sends_nothing(
    app: FastAPI, client: AsyncClient, smtp_server: SmtpServer
) -> None:
    user = await make_user(app, is_verified=True)
    assert (await client.post(VERIFY_REQUEST, headers=user.headers)).status_code == 202
    assert smtp_server.messages == []


async def test_verify_request_needs_a_bearer_token(client: AsyncClient) -> None:
    assert (await client.post(VERIFY_REQUEST)).status_code == 401


async def test_verify_requests_are_limited_per_user(app: FastAPI, client: AsyncClient) -> None:
    user = await make_user(app, is_verified=False)
    for _ in range(3):
        assert (await client.post(VERIFY_REQUEST, headers=user.headers)).status_code == 202
    limited = await client.post(VERIFY_REQUEST, headers=user.headers)
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) >= 1


@pytest.mark.parametrize("token", ["", "nope", "x" * 43])
async def test_verify_confirm_with_a_bad_token_is_400(client: AsyncClient, token: str) -> None:
    response = await client.post(VERIFY_CONFIRM, json={"token": token})
    assert response.status_code in {400, 422}
    if token:
        assert response.status_code == 400
        assert response.json() == {"detail": "Invalid or expired token"}


async def test_expired_verify_token_is_400(
    app: FastAPI, client: AsyncClient, smtp_server: SmtpServer
) -> None:
    user = await make_user(app, is_verified=False)
    await client.post(VERIFY_REQUEST, headers=user.headers)
    token = link_token((await smtp_server.wait_for(1))[0], VERIFY_LINK)
    await _expire_all_tokens(app)
    assert (await client.post(VERIFY_CONFIRM, json={"token": token})).status_code == 400


async def test_reset_token_does_not_verify(
    app: FastAPI, client: AsyncClient, smtp_server: SmtpServer
) -> None:
    user = await make_user(app)
    await client.post(RESET_REQUEST, json={"email": user.user.email})
    token = link_token((await smtp_server.wait_for(1))[0], RESET_LINK)
    assert (await client.post(VERIFY_CONFIRM, json={"token": token})).status_code == 400


# --- password reset ----------------------------------------------------------------------------


async def test_password_reset_by_email_link_sets_the_password_and_ends_every_session(
    app: FastAPI, client: AsyncClient, smtp_server: SmtpServer
) -> None:
    user = await make_user(app, is_verified=False)
    response = await client.post(RESET_REQUEST, json={"email": user.user.email.upper()})
    assert response.status_code == 202
    [message] = await smtp_server.wait_for(1)
    assert message["To"] == user.user.email
    assert "Reset" in message["Subject"]
    token = link_token(message, RESET_LINK)
    confirmed = await client.post(
        RESET_CONFIRM, json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert confirmed.status_code == 204
    # Every session ended; the old password is gone, the new one works.
    assert (await client.get("/api/v1/users/me", headers=user.headers)).status_code == 401
    refreshed = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": user.tokens.refresh_token}
    )
    assert refreshed.status_code == 401
    assert (await login(client, user.user.username, user.password)).status_code == 401
    new_login = await login(client, user.user.username, NEW_PASSWORD)
    assert new_login.status_code == 200
    # Following the emailed link proved the address.
    me = await client.get("/api/v1/users/me", headers=bearer(new_login.json()["access_token"]))
    assert me.json()["is_verified"] is True
    # Single use.
    again = await client.post(RESET_CONFIRM, json={"token": token, "new_password": NEW_PASSWORD})
    assert again.status_code == 400


async def _jobs_done(app: FastAPI) -> None:
    """Wait for the in-process jobs queued so far (the reset job, the emails)."""
    jobs: InProcessJobQueue = app.state.jobs
    await jobs.drain()


async def test_reset_request_for_an_unknown_email_is_202_and_sends_nothing(
    app: FastAPI, client: AsyncClient, smtp_server: SmtpServer
) -> None:
    response = await client.post(RESET_REQUEST, json={"email": "nobody@example.com"})
    assert response.status_code == 202
    await _jobs_done(app)
    assert smtp_server.messages == []


class _RecordingQueue:
    """Stands in for the job queue: notes what a request queues, runs nothing."""

    def __init__(self) -> None:
        self.jobs: list[tuple[str, list[str]]] = []

    async def enqueue(self, job_name: str, /, *, key: str | None = None, **kwargs: Any) -> None:
        self.jobs.append((job_name, sorted(kwargs)))


async def test_a_reset_request_does_the_same_work_whether_the_account_exists_or_not(
    app: FastAPI, client: AsyncClient
) -> None:
    """Issue 23.4: an existing account's request took measurably longer (it looked the user
    up, stored a token, queued the email). Now both run the same path up to the answer."""
    known = await make_user(app)
    inactive = await make_user(app)
    database: Database = app.state.database
    async with database.sessionmaker() as session, session.begin():
        await session.execute(update(User).where(User.id == inactive.id).values(is_active=False))
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    work: dict[str, tuple[list[str], list[tuple[str, list[str]]]]] = {}
    uow: UnitOfWork = app.state.uow
    real_jobs = uow.jobs
    event.listen(database.engine.sync_engine, "before_cursor_execute", record)
    try:
        for name, email in (
            ("known", known.user.email),
            ("unknown", "nobody@example.com"),
            ("deactivated", inactive.user.email),
        ):
            statements.clear()
            uow.jobs = queue = _RecordingQueue()
            response = await client.post(RESET_REQUEST, json={"email": email})
            assert response.status_code == 202
            work[name] = (list(statements), queue.jobs)
    finally:
        uow.jobs = real_jobs
        event.remove(database.engine.sync_engine, "before_cursor_execute", record)
    # Not one statement, one job with the same arguments: the lookup is the job's.
    assert work["known"] == ([], [("auth.password_reset", ["email", "token"])])
    assert work["unknown"] == work["known"]
    assert work["deactivated"] == work["known"]


async def test_the_reset_job_stores_its_token_once_and_sends_nothing_once_it_is_spent(
    app: FastAPI, client: AsyncClient, smtp_server: SmtpServer
) -> None:
    """A job may run twice (at least once, on Redis): the same link, one stored token."""
    user = await make_user(app)
    context = JobContext(settings=app.state.settings, uow=app.state.uow)
    token = new_opaque_token()
    for _ in range(2):
        await send_password_reset(context, email=user.user.email, token=token)
    await _jobs_done(app)
    messages = await smtp_server.wait_for(2)
    assert [link_token(message, RESET_LINK) for message in messages] == [token, token]
    database: Database = app.state.database
    async with database.sessionmaker() as session:
        stored = (
            await session.execute(
                select(func.count())
                .select_from(OneTimeToken)
                .where(OneTimeToken.user_id == user.id, OneTimeToken.purpose == "reset")
            )
        ).scalar_one()
    assert stored == 1
    confirmed = await client.post(
        RESET_CONFIRM, json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert confirmed.status_code == 204
    await send_password_reset(context, email=user.user.email, token=token)
    await _jobs_done(app)
    assert len(smtp_server.messages) == 2


async def test_reset_requests_for_one_address_are_limited_silently(
    app: FastAPI, smtp_server: SmtpServer
) -> None:
    """Past the limit per address (3 here), from any IP: still 202, but no more email."""
    user = await make_user(app)
    for number in range(4):
        transport = ASGITransport(app=app, client=(f"192.0.2.{number + 1}", 40000))
        async with AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.post(RESET_REQUEST, json={"email": user.user.email})
        assert response.status_code == 202
    await _jobs_done(app)
    assert len(await smtp_server.wait_for(3)) == 3
    assert len(smtp_server.messages) == 3


async def test_reset_requests_are_limited_per_ip(client: AsyncClient) -> None:
    for _ in range(3):
        response = await client.post(RESET_REQUEST, json={"email": "nobody@example.com"})
        assert response.status_code == 202
    limited = await client.post(RESET_REQUEST, json={"email": "nobody@example.com"})
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) >= 1
    assert limited.json() == {"detail": "Too many reset requests; try again later"}


async def test_expired_reset_token_is_400(
    app: FastAPI, client: AsyncClient, smtp_server: SmtpServer
) -> None:
    user = await make_user(app)
    await client.post(RESET_REQUEST, json={"email": user.user.email})
    token = link_token((await smtp_server.wait_for(1))[0], RESET_LINK)
    await _expire_all_tokens(app)
    response = await client.post(RESET_CONFIRM, json={"token": token, "new_password": NEW_PASSWORD})
    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid or expired token"}


async def test_password_change_invalidates_outstanding_reset_and_verify_links(
    app: FastAPI, client: AsyncClient, smtp_server: SmtpServer
) -> None:
    user = await make_user(app, is_verified=False)
    await client.post(RESET_REQUEST, json={"email": user.user.email})
    await client.post(VERIFY_REQUEST, headers=user.headers)
    # The reset email takes one job more (the lookup): the two may arrive in either order.
    by_subject = {message["Subject"]: message for message in await smtp_server.wait_for(2)}
    reset_message = by_subject["Reset your TaskFlow password"]
    verify_message = by_subject["Verify your TaskFlow email address"]
    changed = await client.post(
        "/api/v1/users/me/password",
        json={"current_password": user.password, "new_password": NEW_PASSWORD},
        headers=user.headers,
    )
    assert changed.status_code == 200
    reset = await client.post(
        RESET_CONFIRM,
        json={"token": link_token(reset_message, RESET_LINK), "new_password": "yet another one!"},
    )
    assert reset.status_code == 400
    verify = await client.post(
        VERIFY_CONFIRM, json={"token": link_token(verify_message, VERIFY_LINK)}
    )
    assert verify.status_code == 400


async def test_reset_confirm_refuses_a_weak_password(
    app: FastAPI, client: AsyncClient, smtp_server: SmtpServer
) -> None:
    user = await make_user(app)
    await client.post(RESET_REQUEST, json={"email": user.user.email})
    token = link_token((await smtp_server.wait_for(1))[0], RESET_LINK)
    weak = await client.post(RESET_CONFIRM, json={"token": token, "new_password": "password1"})
    assert weak.status_code == 422
    own_name = await client.post(
        RESET_CONFIRM, json={"token": token, "new_password": user.user.username + "!!"}
    )
    assert own_name.status_code == 422
    # The refusals did not spend the token.
    good = await client.post(RESET_CONFIRM, json={"token": token, "new_password": NEW_PASSWORD})
    assert good.status_code == 204


async def test_reset_request_for_a_deactivated_account_sends_nothing(
    app: FastAPI, client: AsyncClient, smtp_server: SmtpServer
) -> None:
    admin = await make_user(app, is_superuser=True)
    user = await make_user(app)
    response = await client.patch(
        f"/api/v1/users/{user.id}", json={"is_active": False}, headers=admin.headers
    )
    assert response.status_code == 200
    assert (await client.post(RESET_REQUEST, json={"email": user.user.email})).status_code == 202
    await _jobs_done(app)
    assert smtp_server.messages == []


async def test_password_reset_lifts_the_login_lockout_for_the_owner(
    app: FastAPI, client: AsyncClient, smtp_server: SmtpServer
) -> None:
    user = await make_user(app)
    for _ in range(3):
        assert (await login(client, user.user.username, "wrong guess")).status_code == 401
    assert (await login(client, user.user.username, user.password)).status_code == 429
    await client.post(RESET_REQUEST, json={"email": user.user.email})
    token = link_token((await smtp_server.wait_for(1))[0], "/reset-password")
    confirmed = await client.post(
        RESET_CONFIRM, json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert confirmed.status_code == 204
    assert (await login(client, user.user.username, NEW_PASSWORD)).status_code == 200
