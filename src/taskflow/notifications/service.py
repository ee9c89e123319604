"""Creating notifications (`notify`, called by the service that makes the change, in its own
transaction), marking them read, forgetting a removed member's, and the email settings.

`notify` is one INSERT … SELECT … RETURNING for any number of recipients: the SELECT keeps
only active users who are members of the project at that moment and drops the actor, so a
notification about a project never reaches someone who cannot see it, whoever calls. After
the commit each recipient (and only they) gets a `notification.created` event, and those whose
settings want an email get one (grouped per task, or in the daily digest: `jobs.py`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    String,
    Table,
    and_,
    bindparam,
    column,
    delete,
    false,
    func,
    insert,
    select,
    table,
    true,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.core.errors import NotFound
from taskflow.core.events import Event, emit
from taskflow.core.unit_of_work import defer_job
from taskflow.db import BigIntId, utcnow
from taskflow.db.reads import Reader
from taskflow.db.types import UTCDateTime
from taskflow.notifications.digest import digest_day_started
from taskflow.notifications.models import (
    Digest,
    JsonDocument,
    Notification,
    NotificationSettings,
    NotificationType,
    TaskWatcher,
)
from taskflow.notifications.schemas import (
    ActorPublic,
    EmailSettings,
    NotificationPublic,
    NotificationSettingsPublic,
    NotificationSettingsUpdate,
)
from taskflow.users.models import User

NOTIFICATION_CREATED = "notification.created"
EMAIL_JOB = "notifications.email"

# The membership table by name: `projects` calls `notify` (member_added, invitations), so
# this package cannot import `projects` (no cycles between domains); the one column pair it
# needs is spelled here.
_members = table("project_members", column("project_id", BigIntId), column("user_id", BigIntId))

# The setting that decides whether a type is emailed; types without one are in-app only.
EMAIL_SETTING: dict[NotificationType, str] = {
    NotificationType.ASSIGNED: "assigned",
    NotificationType.MENTIONED: "mentioned",
    NotificationType.COMMENTED: "commented",
    NotificationType.TASK_COMPLETED: "commented",  # activity on a watched task
    NotificationType.REMINDER: "reminder",
    NotificationType.MEMBER_ADDED: "member_added",
    NotificationType.INVITATION_ACCEPTED: "member_added",
}


@dataclass(frozen=True, slots=True)
class Watchers:
    """Recipients: the users watching `task_id`, but `besides` (those told otherwise)."""

    task_id: int
    besides: tuple[int, ...] = ()


Recipients = Iterable[int] | Watchers


def _email_wanted(type_: NotificationType) -> ColumnElement[bool]:
    """Whether the recipient wants this type by email (no settings row: the defaults)."""
    setting = EMAIL_SETTING.get(type_)
    if setting is None:
        return false()
    return func.coalesce(getattr(NotificationSettings, f"email_{setting}"), true())


# On the table, not the entity: ORM-enabled INSERTs take execution parameters as rows.
_NOTIFICATIONS = cast(Table, Notification.__table__)
_NOTIFICATION_COLUMNS = [
    "user_id", "type", "task_id", "project_id", "actor_id", "data", "created_at",
    "email_pending",
]  # fmt: skip


@lru_cache(maxsize=64)
def _prepared_notify(type_: NotificationType, watchers: bool, by_actor: bool) -> Any:
    """`notify`'s INSERT … SELECT … RETURNING for recipients given as ids or as a task's
    watchers, built once per shape with every value bound at execution: building it per
    change was a tenth of a comment's CPU (docs/benchmarks.md)."""
    if watchers:
        chosen = User.id.in_(
            select(TaskWatcher.user_id).where(
                TaskWatcher.task_id == bindparam("watched_task_id", type_=BigIntId),
                TaskWatcher.watching.is_(True),
                TaskWatcher.user_id.not_in(bindparam("besides", expanding=True)),
            )
        )
    else:
        chosen = User.id.in_(bindparam("ids", expanding=True))
    project_id = bindparam("n_project_id", type_=BigIntId)
    actor_id = bindparam("n_actor_id", type_=BigIntId)
    source = (
        select(
            User.id,
            bindparam("n_type", type_=String()),
            bindparam("n_task_id", type_=BigIntId),
            project_id,
            actor_id,
            bindparam("n_data", type_=JsonDocument),
            bindparam("n_now", type_=UTCDateTime()),
            _email_wanted(type_),
        )
        .join(_members, and_(_members.c.user_id == User.id, _members.c.project_id == project_id))
        .outerjoin(NotificationSettings, NotificationSettings.user_id == User.id)
        .where(chosen, User.is_active)
    )
    if by_actor:
        source = source.where(User.id != actor_id)
    return (
        insert(_NOTIFICATIONS)
        .from_select(_NOTIFICATION_COLUMNS, source)
        .returning(_NOTIFICATIONS.c.id, _NOTIFICATIONS.c.user_id, _NOTIFICATIONS.c.email_pending)
    )


async def notify(
    session: AsyncSession,
    *,
    type: NotificationType,
    recipients: Recipients,
    actor: User | None,
    project_id: int,
    task_id: int | None = None,
    data: Mapping[str, Any] | None = None,
) -> list[int]:
    """Notify `recipients` (ids, or a task's watchers) of a change to
    `project_id` made by `actor` (None: the system, e.g. a reminder). One statement whatever
    their number; the actor, inactive users and non-members are dropped. Returns who was
    notified."""
    actor_id = actor.id if actor is not None else None
    payload = dict(data or {})
    now = utcnow()
    params: dict[str, Any]
    if isinstance(recipients, Watchers):
        params = {"watched_task_id": recipients.task_id, "besides": list(recipients.besides)}
    else:
        ids = sorted(set(recipients))
        if not ids:
            return []
        params = {"ids": ids}
    statement = _prepared_notify(type, isinstance(recipients, Watchers), actor_id is not None)
    params |= {
        "n_type": type.value,
        "n_task_id": task_id,
        "n_project_id": project_id,
        "n_actor_id": actor_id,
        "n_data": payload,
        "n_now": now,
    }
    rows = (await session.execute(statement, params)).all()
    actor_public = ActorPublic(id=actor.id, username=actor.username) if actor is not None else None
    for notification_id, user_id, email_pending in rows:
        _announce(
            session,
            NotificationPublic(
                id=notification_id,
                type=type,
                task_id=task_id,
                project_id=project_id,
                actor=actor_public,
                data=payload,
                read_at=None,
                created_at=now,
            ),
            user_id,
            email_pending=email_pending,
        )
    return [user_id for _, user_id, _ in rows]


def _announce(
    session: AsyncSession, public: NotificationPublic, user_id: int, *, email_pending: bool
) -> None:
    """After the commit: the `notification.created` event to its user, and its email job."""
    emit(
        session,
        Event(type=NOTIFICATION_CREATED, user_id=user_id, data=public.model_dump(mode="json")),
    )
    if email_pending:
        defer_job(session, EMAIL_JOB, user_id=user_id, task_id=public.task_id)


@dataclass(frozen=True, slots=True)
class Notice:
    """One notification of `notify_each`: to `user_id`, about `task_id` in `project_id`."""

    user_id: int
    project_id: int
    task_id: int | None
    data: Mapping[str, Any]


async def notify_each(
    session: AsyncSession, *, type: NotificationType, notices: Sequence[Notice]
) -> list[Notice]:
    """System notifications (no actor), each with its own recipient, task and data (fired
    reminders): two statements whatever their number — who of them is an active member of
    the project at this moment (and wants an email), then one multi-row INSERT. The others
    are dropped, as `notify` drops them. Returns the notices created."""
    if not notices:
        return []
    eligible = {
        (user_id, project_id): bool(email)
        for user_id, project_id, email in await session.execute(
            select(User.id, _members.c.project_id, _email_wanted(type))
            .join(_members, _members.c.user_id == User.id)
            .outerjoin(NotificationSettings, NotificationSettings.user_id == User.id)
            .where(
                User.id.in_({notice.user_id for notice in notices}),
                _members.c.project_id.in_({notice.project_id for notice in notices}),
                User.is_active,
            )
        )
    }
    chosen = [notice for notice in notices if (notice.user_id, notice.project_id) in eligible]
    if not chosen:
        return []
    now = utcnow()
    statement = (
        insert(Notification)
        .values(
            [
                {
                    "user_id": notice.user_id,
                    "type": type.value,
                    "task_id": notice.task_id,
                    "project_id": notice.project_id,
                    "actor_id": None,
                    "data": dict(notice.data),
                    "created_at": now,
                    "email_pending": eligible[notice.user_id, notice.project_id],
                }
                for notice in chosen
            ]
        )
        .returning(
            Notification.id,
            Notification.user_id,
            Notification.task_id,
            Notification.project_id,
            Notification.data,
            Notification.email_pending,
        )
    )
    # One multi-row VALUES statement; what each event says comes from its own returned row.
    for row in await session.execute(statement):
        _announce(
            session,
            NotificationPublic(
                id=row.id,
                type=type,
                task_id=row.task_id,
                project_id=row.project_id,
                actor=None,
                data=row.data,
                read_at=None,
                created_at=now,
            ),
            row.user_id,
            email_pending=row.email_pending,
        )
    return chosen


async def mark_read(
    session: AsyncSession, user: User, *, ids: list[int] | None, everything: bool
) -> None:
    """Mark the caller's notifications read: `ids` (all of them the caller's, else 404 and
    nothing changes) or all. Already-read ones keep their time."""
    where = [Notification.user_id == user.id, Notification.read_at.is_(None)]
    if not everything:
        wanted = set(ids or ())
        owned = await session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.id.in_(wanted), Notification.user_id == user.id)
        )
        if owned != len(wanted):
            raise NotFound("Notification not found")
        where.append(Notification.id.in_(wanted))
    await session.execute(update(Notification).where(*where).values(read_at=utcnow()))


async def forget_project(session: AsyncSession, *, project_id: int, user_id: int) -> None:
    """A member leaves or is removed: their unread notifications of that project go."""
    await session.execute(
        delete(Notification).where(
            Notification.project_id == project_id,
            Notification.user_id == user_id,
            Notification.read_at.is_(None),
        )
    )


def _settings_public(row: NotificationSettings | None) -> NotificationSettingsPublic:
    if row is None:
        return NotificationSettingsPublic(email=EmailSettings(), digest=Digest.OFF)
    return NotificationSettingsPublic(
        email=EmailSettings(
            assigned=row.email_assigned,
            mentioned=row.email_mentioned,
            commented=row.email_commented,
            reminder=row.email_reminder,
            member_added=row.email_member_added,
        ),
        digest=Digest(row.digest),
    )


async def get_settings(session: Reader, user: User) -> NotificationSettingsPublic:
    row = await session.scalar(
        select(NotificationSettings).where(NotificationSettings.user_id == user.id)
    )
    return _settings_public(row)


async def update_settings(
    session: AsyncSession, user: User, data: NotificationSettingsUpdate
) -> NotificationSettingsPublic:
    row = await session.get(NotificationSettings, user.id, with_for_update=True)
    if row is None:
        row = NotificationSettings(
            user_id=user.id,
            email_assigned=True,
            email_mentioned=True,
            email_commented=True,
            email_reminder=True,
            email_member_added=True,
            digest=Digest.OFF.value,
        )
        session.add(row)
    if data.email is not None:
        for name, value in data.email.model_dump(exclude_none=True).items():
            setattr(row, f"email_{name}", value)
    if data.digest is not None and data.digest.value != row.digest:
        row.digest = data.digest.value
        if data.digest is Digest.DAILY:
            # The first digest is the next 08:00 to come, not one at once for today.
            row.last_digest_on = digest_day_started(user)
    await session.flush()
    return _settings_public(row)
