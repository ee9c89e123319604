"""The calendar feed's secret URL (rotate, delete) and the feed itself."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.config import Settings
from taskflow.core.errors import NotFound
from taskflow.core.security import new_opaque_token, token_digest
from taskflow.db import utcnow
from taskflow.db.reads import Reader
from taskflow.feeds.models import CalendarFeed
from taskflow.tasks import project_reads
from taskflow.tasks.models import Task
from taskflow.users.models import User


def feed_url(settings: Settings, token: str) -> str:
    return f"{settings.public_url.rstrip('/')}/api/v1/calendar/{token}.ics"


async def rotate(session: AsyncSession, settings: Settings, user: User) -> str:
    """A new secret URL for the user's feed; the previous one stops working."""
    token = new_opaque_token()
    await session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
    session.add(CalendarFeed(user_id=user.id, token_hash=token_digest(token), created_at=utcnow()))
    await session.flush()
    return feed_url(settings, token)


async def remove(session: AsyncSession, user: User) -> None:
    """End the user's feed (idempotent: no feed is already the outcome)."""
    await session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))


async def feed(session: Reader, settings: Settings, token: str, *, project_id: int | None) -> bytes:
    """The .ics of the feed owner's open tasks with a due date; 404 for an unknown token or
    an inactive owner."""
    user, tasks = await feed_tasks(session, token, project_id=project_id)
    host = urlsplit(settings.public_url).hostname or "taskflow"
    # Imported by the first feed a worker serves: icalendar (and its time zone tables) is
    # ~2 MB of RSS every API worker would carry from start for calendar clients (issue 22).
    from taskflow.feeds import ics

    return ics.render(
        tasks, public_url=settings.public_url, host=host, now=utcnow(), viewer_zone=user.timezone
    )


async def feed_tasks(
    session: Reader, token: str, *, project_id: int | None
) -> tuple[User, Sequence[tuple[Task, str | None]]]:
    """The feed owner and their open tasks with a due date (each with its creator's zone)."""
    user = (
        await session.execute(
            select(User)
            .join(CalendarFeed, CalendarFeed.user_id == User.id)
            .where(CalendarFeed.token_hash == token_digest(token), User.is_active.is_(True))
        )
    ).scalar_one_or_none()
    if user is None:
        raise NotFound("Calendar feed not found")
    tasks = await project_reads.open_tasks_due(session, user.id, project_id=project_id)
    return user, tasks
