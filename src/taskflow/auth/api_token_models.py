"""Personal API tokens: a name, scopes and a SHA-256 of the secret, per user."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from taskflow.db import Base, BigIntId, IdMixin, utcnow


class ApiToken(IdMixin, Base):
    """A token a script sends as `Authorization: Bearer tf_...`; deleting the row revokes it."""

    __tablename__ = "api_tokens"

    user_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    # Space-separated, sorted: "read" or "read write".
    scopes: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
