"""The unit of work that requests, jobs and the CLI share: one transaction, the activity rows
in it, and what waits for its commit (events, jobs, emails), released only after it.

Services never commit and never publish. They write through the session they are given and
declare what must follow the commit: `emit` (core.events) for real-time events,
`defer_job` for background jobs (emails go through it: core.email.enqueue_email), and
`after_commit` for anything else. Whoever calls a service opens the unit of work around it:

- a request: the session dependency (`core.dependencies.SessionDep`);
- a job: `async with context.uow.begin() as session:`;
- the CLI: `async with running(settings) as runtime:` (core.runtime), then `runtime.uow.begin()`.

A rolled-back unit releases nothing: what it emitted or deferred dies with it. A refusal
that must stick although the unit fails (revoking a stolen refresh token's session before
answering 401) is declared with `commit_regardless`: it runs in a unit of its own once this
one has ended, whichever way it ended.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.core.events import Event, EventBus, pending, take_pending
from taskflow.db import Database
from taskflow.db.deferred import discard_deferred, write_deferred
from taskflow.db.driver import start_autocommit_read
from taskflow.db.reads import has_pending_changes

logger = logging.getLogger(__name__)

AfterCommit = Callable[[], Awaitable[None]]
BeforeCommit = Callable[[AsyncSession, list[Event]], Awaitable[None]]
IndependentWrite = Callable[[AsyncSession], Awaitable[None]]

_JOBS_KEY = "taskflow_deferred_jobs"
_ACTIONS_KEY = "taskflow_after_commit"
_REGARDLESS_KEY = "taskflow_commit_regardless"


_before_commit: list[BeforeCommit] = []


def on_events_before_commit(hook: BeforeCommit) -> BeforeCommit:
    """Register `hook(session, events)`: run in every unit of work that emitted events, just
    before its commit, in its transaction (a transactional outbox: the webhook deliveries an
    event causes are saved with the change, or not at all). Registered by a domain's module
    at import (the composition roots import them through `taskflow.jobs`); core imports none."""
    _before_commit.append(hook)
    return hook


_SUBSCRIBERS_KEY = "taskflow_projects_subscribed"


def note_subscribers(session: AsyncSession, project_id: int, subscribed: bool) -> None:
    """Record what a statement of this unit read anyway (an access check): whether
    `project_id` has anything subscribed to its events (active webhooks). A before-commit hook
    can then skip asking again for projects known to have nothing (`unsubscribed`)."""
    session.info.setdefault(_SUBSCRIBERS_KEY, {})[project_id] = bool(subscribed)


def unsubscribed(session: AsyncSession) -> set[int]:
    """The projects this unit has seen without subscribers."""
    known: dict[int, bool] = session.info.get(_SUBSCRIBERS_KEY, {})
    return {project_id for project_id, subscribed in known.items() if not subscribed}


def forget_subscribers(session: AsyncSession) -> None:
    """Subscriptions change in this unit (a webhook created or turned on): ask again."""
    session.info.pop(_SUBSCRIBERS_KEY, None)


class JobSink(Protocol):
    """Where a unit of work queues its jobs (core.jobs.queue.JobQueue is one)."""

    async def enqueue(
        self,
        job_name: str,
        /,
        *,
        key: str | None = None,
        delay_seconds: float = 0.0,
        **kwargs: Any,
    ) -> None: ...


@dataclass(frozen=True, slots=True)
class _DeferredJob:
    name: str
    key: str | None
    kwargs: dict[str, Any]
    delay_seconds: float = 0.0


def defer_job(
    session: AsyncSession,
    job_name: str,
    /,
    *,
    key: str | None = None,
    delay_seconds: float = 0.0,
    **kwargs: Any,
) -> None:
    """Queue the job `job_name` once `session`'s transaction has committed (never if it rolls
    back): a job never sees data its unit of work did not save. `delay_seconds`: run it no
    sooner than that after the commit (a webhook's next attempt)."""
    session.info.setdefault(_JOBS_KEY, []).append(
        _DeferredJob(job_name, key, kwargs, delay_seconds)
    )


def after_commit(session: AsyncSession, action: AfterCommit) -> None:
    """Run `action` once `session`'s transaction has committed (never if it rolls back)."""
    session.info.setdefault(_ACTIONS_KEY, []).append(action)


def commit_regardless(session: AsyncSession, write: IndependentWrite) -> None:
    """Run `write(session)` in a unit of work of its own once this one has ended, committed or
    not: for a refusal whose side effect must be saved although the refusal fails the unit."""
    session.info.setdefault(_REGARDLESS_KEY, []).append(write)


class UnitOfWork:
    """Opens sessions and sees each through to its commit and what follows it."""

    def __init__(self, database: Database, events: EventBus, jobs: JobSink) -> None:
        self.database = database
        self.events = events
        self.jobs = jobs

    @asynccontextmanager
    async def begin(self, *, read_only: bool = False) -> AsyncIterator[AsyncSession]:
        """A session whose transaction commits when the block ends without an exception and
        rolls back otherwise; then its events, jobs and after-commit actions are released.

        `read_only` (GET requests): on PostgreSQL the session runs in autocommit, each
        statement its own snapshot, no BEGIN/COMMIT round trips (db.reads); a read-only unit
        commits only if something was written through it all the same.
        """
        async with self.database.sessionmaker() as session:
            autocommit = read_only and not self.database.is_sqlite
            if autocommit:
                await start_autocommit_read(session)
            try:
                yield session
                if _before_commit and (events := pending(session)):
                    for hook in _before_commit:
                        await hook(session, events)
                await write_deferred(session)  # what no statement carried (db/deferred.py)
                # In autocommit every statement is already committed: only changes still
                # pending in the session would need the commit (its flush).
                if session.in_transaction() and (not autocommit or has_pending_changes(session)):
                    await session.commit()
            except BaseException:
                await session.rollback()
                _discard_effects(session)
                await self._commit_regardless(session)
                raise
            await self._commit_regardless(session)
            await self.release(session)

    async def release(self, session: AsyncSession) -> None:
        """Publish what a committed session emitted, queue its jobs, run its after-commit
        actions. Failures are logged, never raised: the change is saved already."""
        events = take_pending(session)
        if events:
            await self.events.publish(events)
        for deferred in session.info.pop(_JOBS_KEY, []):
            try:
                options: dict[str, Any] = {"key": deferred.key}
                if deferred.delay_seconds > 0:
                    options["delay_seconds"] = deferred.delay_seconds
                await self.jobs.enqueue(deferred.name, **options, **deferred.kwargs)
            except Exception:
                logger.exception("job %s could not be queued after commit", deferred.name)
        for action in session.info.pop(_ACTIONS_KEY, []):
            try:
                await action()
            except Exception:
                logger.exception("an after-commit action failed")

    async def _commit_regardless(self, session: AsyncSession) -> None:
        writes: list[IndependentWrite] = session.info.pop(_REGARDLESS_KEY, [])
        for write in writes:
            try:
                async with self.begin() as independent:
                    await write(independent)
            except Exception:
                logger.exception("a write that had to stick failed")


def _discard_effects(session: AsyncSession) -> None:
    take_pending(session)
    discard_deferred(session)
    session.info.pop(_JOBS_KEY, None)
    session.info.pop(_ACTIONS_KEY, None)
