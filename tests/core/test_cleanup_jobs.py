"""The periodic clean-up jobs remove what they should and nothing else."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select, update

from taskflow.activity.models import Activity
from taskflow.auth.models import AuthSession, OneTimeToken, RefreshToken
from taskflow.core.jobs.registry import JobContext, get_job, periodic_jobs
from taskflow.core.security import new_opaque_token, token_digest
from taskflow.db import Database, utcnow
from tests.factories_domain import make_project, make_task, quick_user


def _context(app: FastAPI) -> JobContext:
    return JobContext(settings=app.state.settings, uow=app.state.uow)


async def test_cleanups_are_scheduled() -> None:
    assert {"auth.cleanup", "activity.cleanup"} <= set(periodic_jobs())


async def test_auth_cleanup_removes_ended_sessions_and_spent_tokens_only(app: FastAPI) -> None:
    database: Database = app.state.database
    live = await quick_user(app)
    recently_revoked = await quick_user(app)
    long_expired = await quick_user(app)
    long_revoked = await quick_user(app)
    now = utcnow()
    async with database.sessionmaker() as session, session.begin():
        await session.execute(
            update(AuthSession)
            .where(AuthSession.id == recently_revoked.tokens.session_id)
            .values(revoked_at=now - timedelta(days=1))
        )
        await session.execute(
            update(AuthSession)
            .where(AuthSession.id == long_expired.tokens.session_id)
            .values(expires_at=now - timedelta(days=8))
        )
        await session.execute(
            update(AuthSession)
            .where(AuthSession.id == long_revoked.tokens.session_id)
            .values(revoked_at=now - timedelta(days=8))
        )
        tokens = {
            "valid": OneTimeToken(
                user_id=live.id, purpose="verify", expires_at=now + timedelta(hours=1)
            ),
            "expired": OneTimeToken(
                user_id=live.id, purpose="reset", expires_at=now - timedelta(minutes=1)
            ),
            "used": OneTimeToken(
                user_id=live.id,
                purpose="verify",
                expires_at=now + timedelta(hours=1),
                used_at=now,
            ),
        }
        for token in tokens.values():
            token.token_hash = token_digest(new_opaque_token())
            session.add(token)

    await get_job("auth.cleanup").function(_context(app))

    async with database.sessionmaker() as session:
        sessions = set((await session.scalars(select(AuthSession.id))).all())
        refresh_sessions = set((await session.scalars(select(RefreshToken.session_id))).all())
        token_ids = set((await session.scalars(select(OneTimeToken.id))).all())
    kept = {live.tokens.session_id, recently_revoked.tokens.session_id}
    assert kept <= sessions
    assert long_expired.tokens.session_id not in sessions
    assert long_revoked.tokens.session_id not in sessions
    assert refresh_sessions == sessions  # refresh tokens went with their sessions
    assert token_ids == {tokens["valid"].id}


async def test_activity_cleanup_removes_entries_past_retention_only(
    app: FastAPI, client: AsyncClient
) -> None:
    database: Database = app.state.database
    owner = await quick_user(app)
    project = await make_project(client, owner, "History")
    await make_task(client, owner, "Old", project_id=project["id"])
    await make_task(client, owner, "New", project_id=project["id"])
    retention = app.state.settings.activity_retention_days
    async with database.sessionmaker() as session, session.begin():
        entries = (
            await session.scalars(
                select(Activity).where(Activity.project_id == project["id"]).order_by(Activity.id)
            )
        ).all()
        assert len(entries) == 3  # project.created, two task.created
        entries[0].created_at = utcnow() - timedelta(days=retention + 1)
        entries[1].created_at = utcnow() - timedelta(days=retention - 1)
        kept = {entries[1].id, entries[2].id}

    await get_job("activity.cleanup").function(_context(app))

    async with database.sessionmaker() as session:
        remaining = set(
            (
                await session.scalars(
                    select(Activity.id).where(Activity.project_id == project["id"])
                )
            ).all()
        )
    assert remaining == kept
