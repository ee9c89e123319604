"""The notifications and notification_settings tables."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, String, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from taskflow.db import Base, BigIntId, IdMixin, utcnow

JsonDocument = JSON().with_variant(JSONB(), "postgresql")


class NotificationType(enum.StrEnum):
    ASSIGNED = "assigned"
    MENTIONED = "mentioned"
    COMMENTED = "commented"
    REMINDER = "reminder"
    MEMBER_ADDED = "member_added"
    INVITATION_ACCEPTED = "invitation_accepted"
    TASK_COMPLETED = "task_completed"


class Digest(enum.StrEnum):
    OFF = "off"
    DAILY = "daily"


class Notification(IdMixin, Base):
    __tablename__ = "notifications"
    __table_args__ = (
        # The inbox, newest first: walks this backwards from the user's highest id.
        Index("ix_notifications_user_id_id", "user_id", "id"),
        # The unread count and `?unread=true`: only unread rows are in it.
        Index(
            "ix_notifications_unread",
            "user_id",
            "id",
            postgresql_where=text("read_at IS NULL"),
            sqlite_where=text("read_at IS NULL"),
        ),
        # What the email jobs still have to send (instant groups and digests).
        Index(
            "ix_notifications_email_pending",
            "user_id",
            "task_id",
            postgresql_where=text("email_pending"),
            sqlite_where=text("email_pending"),
        ),
        # A removed member's unread notifications of that project go (service.forget_project).
        Index("ix_notifications_project_id_user_id", "project_id", "user_id"),
    )

    user_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("users.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(32))
    # A notification about a deleted task or project goes with it.
    task_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("tasks.id", ondelete="CASCADE"), index=True, default=None
    )
    project_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("projects.id", ondelete="CASCADE"), default=None
    )
    actor_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("users.id", ondelete="SET NULL"), index=True, default=None
    )
    data: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    read_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when the recipient's settings want this one by email and it has not gone yet.
    email_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    emailed_at: Mapped[datetime | None] = mapped_column(default=None)


class NotificationSettings(Base):
    """One row per user who changed a default (no row: every email on, digest off)."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    email_assigned: Mapped[bool] = mapped_column(Boolean, default=True)
    email_mentioned: Mapped[bool] = mapped_column(Boolean, default=True)
    email_commented: Mapped[bool] = mapped_column(Boolean, default=True)
    email_reminder: Mapped[bool] = mapped_column(Boolean, default=True)
    email_member_added: Mapped[bool] = mapped_column(Boolean, default=True)
    digest: Mapped[str] = mapped_column(String(8), default=Digest.OFF.value)
    # The user's local date of the last digest sent (one a day).
    last_digest_on: Mapped[date | None] = mapped_column(Date, default=None)


class TaskWatcher(Base):
    """Who watches a task (gets `commented` and `task_completed`). A row with `watching`
    false is an explicit unwatch: the automatic rules (creator, assignee, commenters,
    mentioned) never turn it back on; only `PUT /tasks/{id}/watch` does."""

    __tablename__ = "task_watchers"

    task_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )
    # Indexed: deleting a user cascades here.
    user_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    watching: Mapped[bool] = mapped_column(Boolean, default=True)
