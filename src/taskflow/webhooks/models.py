"""Webhooks and their deliveries (one row per event and webhook, updated per attempt)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from taskflow.db import Base, BigIntId, IdMixin, utcnow


class Webhook(IdMixin, Base):
    __tablename__ = "webhooks"
    __table_args__ = (Index("ix_webhooks_project_id_active", "project_id", "active"),)

    project_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("projects.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list[str]] = mapped_column(JSON)
    # The HMAC key: kept as is (it signs every delivery), shown once at creation.
    secret: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_delivery_at: Mapped[datetime | None] = mapped_column(default=None)
    # Failed attempts in a row; 20 turn the webhook off.
    failure_count: Mapped[int] = mapped_column(Integer, default=0)


class WebhookDelivery(IdMixin, Base):
    """One event for one webhook: the payload's fields (the body is rebuilt byte for byte on
    every attempt), and the last attempt's outcome."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_webhook_id_id", "webhook_id", "id"),)

    webhook_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("webhooks.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(64))
    project_id: Mapped[int] = mapped_column(BigIntId)
    task_id: Mapped[int | None] = mapped_column(BigIntId, default=None)
    actor_id: Mapped[int | None] = mapped_column(BigIntId, default=None)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A manual redelivery of another delivery (sent even if the webhook is off).
    redelivery_of: Mapped[int | None] = mapped_column(BigIntId, default=None)
    state: Mapped[str] = mapped_column(String(16), default="pending")  # succeeded | failed
    attempt: Mapped[int] = mapped_column(Integer, default=0)
    status_code: Mapped[int | None] = mapped_column(Integer, default=None)
    duration_ms: Mapped[int | None] = mapped_column(Integer, default=None)
    error: Mapped[str | None] = mapped_column(String(500), default=None)
    response_body: Mapped[str | None] = mapped_column(Text, default=None)
    last_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
