"""The calendar feed's secret: one per user, stored as its SHA-256."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from taskflow.db import Base, BigIntId, utcnow


class CalendarFeed(Base):
    """The user's feed token: a new one replaces it (the old URL dies); no row, no feed."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
