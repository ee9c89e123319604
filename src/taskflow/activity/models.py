"""The activity table."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from taskflow.db import Base, BigIntId, IdMixin, utcnow

JsonDocument = JSON().with_variant(JSONB(), "postgresql")


class Activity(IdMixin, Base):
    __tablename__ = "activity"
    __table_args__ = (
        # Newest first per project and per task: both listings walk one of these backwards.
        Index("ix_activity_project_id_id", "project_id", "id"),
        Index("ix_activity_task_id_id", "task_id", "id"),
    )

    project_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("projects.id", ondelete="CASCADE"))
    # No foreign key on purpose: "task.deleted" outlives its task; the project cascade cleans up.
    task_id: Mapped[int | None] = mapped_column(BigIntId, default=None)
    # The actor's account may be deleted; the history stays, unattributed.
    actor_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("users.id", ondelete="SET NULL"), index=True, default=None
    )
    verb: Mapped[str] = mapped_column(String(40))
    changes: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
