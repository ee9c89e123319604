"""When a user's day starts, for the daily digest at 08:00 in their timezone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from taskflow.db import utcnow
from taskflow.users.models import User

DIGEST_HOUR = 8


def user_zone(user: User) -> tzinfo:
    """The user's timezone (`User.timezone`, SPEC §6), UTC when unset or unknown."""
    name = getattr(user, "timezone", None)
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def local_now(user: User, now: datetime | None = None) -> datetime:
    return (now or utcnow()).astimezone(user_zone(user))


def digest_day_started(user: User, now: datetime | None = None) -> date:
    """The local date of the latest 08:00 that has passed for `user`: the digest of that day
    is due (or sent)."""
    local = local_now(user, now)
    return local.date() if local.hour >= DIGEST_HOUR else local.date() - timedelta(days=1)


def digest_due(user: User, last_sent_on: date | None, now: datetime | None = None) -> date | None:
    """The day whose digest is due now (None: none is)."""
    day = digest_day_started(user, now)
    if last_sent_on is not None and last_sent_on >= day:
        return None
    return day
