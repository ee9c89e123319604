"""The inbox reads: a user's notifications newest first, and the unread count.

Both walk one index (`ix_notifications_user_id_id`, or the partial unread one) from the
user's newest row; the actor's username comes in the same statement.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Integer, bindparam, func, select

from taskflow.core.pagination import Page, Pagination
from taskflow.db import BigIntId
from taskflow.db.driver import read_rows
from taskflow.db.reads import Reader
from taskflow.db.trash import refers_to_live
from taskflow.notifications.models import Notification, NotificationType
from taskflow.notifications.schemas import ActorPublic, NotificationPublic
from taskflow.users.models import User

_USER = bindparam("user_id", type_=BigIntId)
_UNREAD = Notification.read_at.is_(None)
# A notification about a task or project in the trash is out of sight with it (SPEC §10).
_LIVE = (
    refers_to_live(Notification.task_id, "tasks"),
    refers_to_live(Notification.project_id, "projects"),
)

_COLUMNS = (
    Notification.id,
    Notification.type,
    Notification.task_id,
    Notification.project_id,
    Notification.actor_id,
    User.username.label("actor_username"),
    Notification.data,
    Notification.read_at,
    Notification.created_at,
)


def _count(*where: Any) -> Any:
    return (
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == _USER, *_LIVE, *where)
    )


def _page(*where: Any) -> Any:
    # The total rides on the page as an uncorrelated subquery: one round trip (as tasks).
    return (
        select(*_COLUMNS, _count(*where).correlate(None).scalar_subquery().label("total"))
        .outerjoin(User, User.id == Notification.actor_id)
        .where(Notification.user_id == _USER, *_LIVE, *where)
        .order_by(Notification.id.desc())
        .limit(bindparam("limit", type_=Integer()))
        .offset(bindparam("offset", type_=Integer()))
    )


_ALL = _page()
_UNREAD_PAGE = _page(_UNREAD)
_COUNT_ALL = _count()
_COUNT_UNREAD = _count(_UNREAD)


def _public(row: Mapping[str, Any]) -> NotificationPublic:
    actor_id = row["actor_id"]
    return NotificationPublic(
        id=row["id"],
        type=NotificationType(row["type"]),
        task_id=row["task_id"],
        project_id=row["project_id"],
        actor=ActorPublic(id=actor_id, username=row["actor_username"])
        if actor_id is not None
        else None,
        data=row["data"] or {},
        read_at=row["read_at"],
        created_at=row["created_at"],
    )


async def list_notifications(
    session: Reader, user_id: int, page: Pagination, *, unread: bool
) -> Page[NotificationPublic]:
    """Newest first; only the unread ones with `unread`."""
    params = {"user_id": user_id, "limit": page.limit, "offset": page.offset}
    rows = await read_rows(session, _UNREAD_PAGE if unread else _ALL, params)
    if rows:
        total = int(rows[0]["total"])
    elif page.offset:  # past the end: the count alone
        counted = await read_rows(session, _COUNT_UNREAD if unread else _COUNT_ALL, params)
        total = int(next(iter(counted[0].values())))
    else:
        total = 0
    return Page(
        items=[_public(row) for row in rows], total=total, limit=page.limit, offset=page.offset
    )


async def unread_count(session: Reader, user_id: int) -> int:
    rows = await read_rows(session, _COUNT_UNREAD, {"user_id": user_id})
    return int(next(iter(rows[0].values())))


async def by_ids(session: Reader, ids: list[int]) -> list[NotificationPublic]:
    """The notifications `ids`, oldest first (for an email)."""
    statement = (
        select(*_COLUMNS)
        .outerjoin(User, User.id == Notification.actor_id)
        .where(Notification.id.in_(ids), *_LIVE)
        .order_by(Notification.id)
    )
    return [_public(row) for row in await read_rows(session, statement)]
