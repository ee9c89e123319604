"""Invitations by email (SPEC §7): hashed single-use 7-day tokens, revoke, accept."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select, update

from taskflow.core.unit_of_work import UnitOfWork
from taskflow.db import utcnow
from taskflow.projects.models import Invitation
from tests.conftest import SmtpServer
from tests.factories import link_token
from tests.factories_domain import API, inbox_id, quick_user
from tests.notifications.helpers import inbox, quiet_team


@pytest.fixture
def settings_overrides(smtp_server: SmtpServer) -> dict[str, object]:
    return smtp_server.settings


async def _invite(
    app: FastAPI, client: AsyncClient, smtp_server: SmtpServer, team_project: int, by: object,
    email: str, role: str = "viewer",
) -> tuple[dict[str, object], str]:  # fmt: skip
    await app.state.jobs.drain()  # earlier emails (member_added) out of the way
    response = await client.post(
        f"{API}/projects/{team_project}/invitations",
        json={"email": email, "role": role},
        headers=by.headers,  # type: ignore[attr-defined]
    )
    assert response.status_code == 201, response.text
    await app.state.jobs.drain()
    async with asyncio.timeout(5):
        while not (sent := [m for m in smtp_server.messages if m["To"] == email.lower()]):
            await asyncio.sleep(0.01)
    (message,) = sent
    smtp_server.messages.clear()
    return response.json(), link_token(message, "/invite")


async def test_invite_list_accept_by_a_new_account_once(
    app: FastAPI, client: AsyncClient, smtp_server: SmtpServer
) -> None:
    team = await quiet_team(app, client)
    invitation, token = await _invite(
        app, client, smtp_server, team.project_id, team.admin, "New.Person@example.com"
    )
    assert invitation["email"] == "new.person@example.com"
    assert invitation["role"] == "viewer"
    assert invitation["invited_by"] == {"id": team.admin.id, "username": team.admin.user.username}
    listed = await client.get(
        f"{API}/projects/{team.project_id}/invitations", headers=team.owner.headers
    )
    assert [item["id"] for item in listed.json()["items"]] == [invitation["id"]]
    forbidden = await client.get(
        f"{API}/projects/{team.project_id}/invitations", headers=team.editor.headers
    )
    assert forbidden.status_code == 403
    # Only the hash is stored.
    uow: UnitOfWork = app.state.uow
    async with uow.begin() as session:
        stored = await session.scalar(select(Invitation.token_hash))
    assert stored != token
    assert token not in str(stored)

    newcomer = await quick_user(app, email="someone.else@example.com")  # any account
    response = await client.post(
        f"{API}/invitations/accept", json={"token": token}, headers=newcomer.headers
    )
    assert response.status_code == 200, response.text
    project = response.json()
    assert project["id"] == team.project_id
    assert project["role"] == "viewer"
    # The inviter hears it; the invitation is no longer pending; the token is spent.
    assert (await inbox(client, team.admin, unread="true"))["items"][0]["type"] == (
        "invitation_accepted"
    )
    listed = await client.get(
        f"{API}/projects/{team.project_id}/invitations", headers=team.owner.headers
    )
    assert listed.json()["items"] == []
    other = await quick_user(app)
    again = await client.post(
        f"{API}/invitations/accept", json={"token": token}, headers=other.headers
    )
    assert again.status_code == 400
    assert again.json()["detail"] == "This invitation has already been used"


async def test_invitation_errors_change_nothing(
    app: FastAPI, client: AsyncClient, smtp_server: SmtpServer
) -> None:
    team = await quiet_team(app, client)
    url = f"{API}/projects/{team.project_id}/invitations"
    member = await client.post(
        url, json={"email": team.editor.user.email, "role": "viewer"}, headers=team.owner.headers
    )
    assert member.status_code == 409
    assert member.json()["detail"] == "This person is already a member of the project"
    for body in ({"email": "not-an-email"}, {"email": "a@b.test", "role": "owner"}, {}):
        assert (await client.post(url, json=body, headers=team.owner.headers)).status_code == 422
    assert (
        await client.post(url, json={"email": "x@example.com"}, headers=team.viewer.headers)
    ).status_code == 403
    assert (
        await client.post(url, json={"email": "x@example.com"}, headers=team.outsider.headers)
    ).status_code == 404
    inbox_project = await inbox_id(client, team.owner)
    shared_inbox = await client.post(
        f"{API}/projects/{inbox_project}/invitations",
        json={"email": "x@example.com"},
        headers=team.owner.headers,
    )
    assert shared_inbox.status_code == 409

    accept = f"{API}/invitations/accept"
    joiner = await quick_user(app)
    unknown = await client.post(accept, json={"token": "nope"}, headers=joiner.headers)
    assert unknown.status_code == 400
    assert unknown.json()["detail"].startswith("This invitation link is not valid")

    invitation, token = await _invite(
        app, client, smtp_server, team.project_id, team.owner, "late@example.com"
    )
    uow: UnitOfWork = app.state.uow
    async with uow.begin() as session:
        await session.execute(update(Invitation).values(expires_at=utcnow() - timedelta(seconds=1)))
    expired = await client.post(accept, json={"token": token}, headers=joiner.headers)
    assert expired.status_code == 400
    assert expired.json()["detail"] == "This invitation has expired; ask for a new one"

    invitation, token = await _invite(
        app, client, smtp_server, team.project_id, team.owner, "revoked@example.com"
    )
    assert (
        await client.delete(f"{API}/invitations/{invitation['id']}", headers=team.editor.headers)
    ).status_code == 403
    assert (
        await client.delete(f"{API}/invitations/{invitation['id']}", headers=team.outsider.headers)
    ).status_code == 404
    revoked = await client.delete(
        f"{API}/invitations/{invitation['id']}", headers=team.admin.headers
    )
    assert revoked.status_code == 204
    gone = await client.post(accept, json={"token": token}, headers=joiner.headers)
    assert gone.status_code == 400
    # An existing member accepting: 409, and the link still works for someone else.
    invitation, token = await _invite(
        app, client, smtp_server, team.project_id, team.owner, "shared@example.com"
    )
    already = await client.post(accept, json={"token": token}, headers=team.viewer.headers)
    assert already.status_code == 409
    joined = await client.post(accept, json={"token": token}, headers=joiner.headers)
    assert joined.status_code == 200
    projects = await client.get(f"{API}/projects/{team.project_id}", headers=joiner.headers)
    assert projects.json()["role"] == "viewer"
