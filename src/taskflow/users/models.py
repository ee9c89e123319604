"""The users table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from taskflow.db import Base, IdMixin, utcnow


def _trigram_index(column: str) -> Index:
    """Backs the superuser's `?search=` (ILIKE '%…%') on PostgreSQL; a plain index on SQLite."""
    return Index(
        f"ix_users_{column}_trgm",
        column,
        postgresql_using="gin",
        postgresql_ops={column: "gin_trgm_ops"},
    )


class User(IdMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        _trigram_index("email"),
        _trigram_index("username_key"),
        _trigram_index("full_name"),
    )

    # Stored lower-cased: emails compare case-insensitively, and the unique index enforces it.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    username: Mapped[str] = mapped_column(String(32))
    # The lower-cased username carries the case-insensitive uniqueness (and the login lookup).
    username_key: Mapped[str] = mapped_column(String(32), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    # An IANA name (core/clock.py): the user's local days.
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    hashed_password: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    is_superuser: Mapped[bool] = mapped_column(Boolean, default=False)
    # TOTP is on: a login needs a code too (the secret and recovery codes live in auth).
    two_factor_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Bumped by every password change: one-time tokens issued before it stop working.
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
