"""Notification emails: instant ones grouped per user and task, and the daily digest.

A notification the recipient's settings want by email is stored with `email_pending`. Right
after its commit `notifications.email` tries its group (user, task): if no email about that
task went to that user in the last 5 minutes, everything pending in the group goes now, in
one email; otherwise it waits, and the once-a-minute `notifications.sweep` sends the group
when its window has passed (so at most one email per user and task per 5 minutes, with
everything that happened meanwhile). Users with the daily digest get nothing instantly: the
sweep sends each one digest once their local 08:00 has passed. Claims are single UPDATEs,
so any number of workers never send a notification twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.config import Settings
from taskflow.core.email import enqueue_email
from taskflow.core.jobs.registry import JobContext, job, periodic
from taskflow.db import utcnow
from taskflow.notifications import queries
from taskflow.notifications.digest import digest_due
from taskflow.notifications.emails import digest_email, instant_email
from taskflow.notifications.models import Digest, Notification, NotificationSettings
from taskflow.notifications.service import EMAIL_JOB
from taskflow.users.models import User

logger = logging.getLogger(__name__)

GROUP_WINDOW = timedelta(minutes=5)
SWEEP_BATCH = 500


def _same_task(task_id: int | None) -> ColumnElement[bool]:
    return Notification.task_id.is_(None) if task_id is None else Notification.task_id == task_id


async def _pending_unread(session: AsyncSession, ids: list[int]) -> list[int]:
    rows = await session.scalars(
        select(Notification.id).where(Notification.id.in_(ids), Notification.read_at.is_(None))
    )
    return list(rows)


async def send_group(
    session: AsyncSession,
    settings: Settings,
    user_id: int,
    task_id: int | None,
    now: datetime | None = None,
) -> int:
    """Email `user_id` what is pending about `task_id` unless an email about it went out
    within the window; the number of notifications sent."""
    now = now or utcnow()
    user = await session.get(User, user_id)
    preferences = await session.get(NotificationSettings, user_id)
    if preferences is not None and preferences.digest == Digest.DAILY.value:
        return 0  # the digest takes them
    last = await session.scalar(
        select(Notification.emailed_at)
        .where(Notification.user_id == user_id, _same_task(task_id))
        .where(Notification.emailed_at.is_not(None))
        .order_by(Notification.emailed_at.desc())
        .limit(1)
    )
    if last is not None and now - last < GROUP_WINDOW:
        return 0  # the sweep sends it once the window has passed
    claimed = list(
        await session.scalars(
            update(Notification)
            .where(
                Notification.user_id == user_id,
                _same_task(task_id),
                Notification.email_pending.is_(True),
            )
            .values(email_pending=False, emailed_at=now)
            .returning(Notification.id)
        )
    )
    # Read in the app meanwhile: no need to say it again by email.
    unread = await _pending_unread(session, claimed) if claimed else []
    if user is None or not user.is_active or not unread:
        return 0
    notifications = await queries.by_ids(session, unread)
    if not notifications:  # all about things in the trash
        return 0
    name = user.full_name or user.username
    enqueue_email(
        session, instant_email(settings, to=user.email, name=name, notifications=notifications)
    )
    return len(notifications)


async def send_digest(
    session: AsyncSession, settings: Settings, user_id: int, now: datetime | None = None
) -> int:
    """The daily digest of `user_id`, if its day's 08:00 has passed and it has not gone."""
    now = now or utcnow()
    user = await session.get(User, user_id)
    preferences = await session.get(NotificationSettings, user_id)
    if user is None or preferences is None or preferences.digest != Digest.DAILY.value:
        return 0
    day = digest_due(user, preferences.last_digest_on, now)
    if day is None:
        return 0
    taken = await session.execute(
        update(NotificationSettings)
        .where(
            NotificationSettings.user_id == user_id,
            or_(
                NotificationSettings.last_digest_on.is_(None),
                NotificationSettings.last_digest_on < day,
            ),
        )
        .values(last_digest_on=day)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        return 0  # another worker sent it
    claimed = list(
        await session.scalars(
            update(Notification)
            .where(Notification.user_id == user_id, Notification.email_pending.is_(True))
            .values(email_pending=False, emailed_at=now)
            .returning(Notification.id)
        )
    )
    unread = await _pending_unread(session, claimed) if claimed else []
    if not user.is_active or not unread:
        return 0
    notifications = await queries.by_ids(session, unread)
    if not notifications:  # all about things in the trash
        return 0
    name = user.full_name or user.username
    enqueue_email(
        session, digest_email(settings, to=user.email, name=name, notifications=notifications)
    )
    return len(notifications)


@job(EMAIL_JOB, retries=3, retry_delay=10.0, timeout=120)
async def email_group(context: JobContext, *, user_id: int, task_id: int | None) -> None:
    """Right after a notification's commit: its group's email, unless one just went."""
    async with context.uow.begin() as session:
        await send_group(session, context.settings, user_id, task_id)


async def sweep(context: JobContext, now: datetime | None = None) -> None:
    """Send the groups whose window has passed, and the digests that are due."""
    now = now or utcnow()
    daily = and_(
        NotificationSettings.user_id == Notification.user_id,
        NotificationSettings.digest == Digest.DAILY.value,
    )
    async with context.uow.begin() as session:
        groups = (
            await session.execute(
                select(Notification.user_id, Notification.task_id)
                .outerjoin(NotificationSettings, daily)
                .where(Notification.email_pending.is_(True), NotificationSettings.user_id.is_(None))
                .group_by(Notification.user_id, Notification.task_id)
                .limit(SWEEP_BATCH)
            )
        ).all()
        digest_users = list(
            await session.scalars(
                select(Notification.user_id)
                .join(NotificationSettings, daily)
                .where(Notification.email_pending.is_(True))
                .group_by(Notification.user_id)
                .limit(SWEEP_BATCH)
            )
        )
    for user_id, task_id in groups:
        async with context.uow.begin() as session:
            await send_group(session, context.settings, user_id, task_id, now)
    for user_id in digest_users:
        async with context.uow.begin() as session:
            await send_digest(session, context.settings, user_id, now)


@job("notifications.sweep", retries=1, retry_delay=30.0, timeout=300)
async def sweep_job(context: JobContext) -> None:
    await sweep(context)


periodic("notifications.sweep", cron="* * * * *", every_seconds=60)
