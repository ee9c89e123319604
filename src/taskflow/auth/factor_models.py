"""Second factors and outside identities: a user's TOTP secret, recovery codes, and the
OpenID Connect identities linked to the account."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from taskflow.db import Base, BigIntId, IdMixin, utcnow


class TotpCredential(IdMixin, Base):
    """A user's TOTP secret (encrypted with a key derived from TASKFLOW_SECRET_KEY).

    Set up but not yet confirmed while `users.two_factor_enabled` is false. `last_used_step`
    is the newest 30 s step a code was accepted for: a code is accepted only for a later step,
    so a code works once, whichever process sees it (the update is conditional).
    """

    __tablename__ = "totp_credentials"

    user_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    secret: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_step: Mapped[int | None] = mapped_column(BigInteger, default=None)


class RecoveryCode(IdMixin, Base):
    """A single-use recovery code, stored as its SHA-256 (50 random bits each)."""

    __tablename__ = "recovery_codes"
    __table_args__ = (Index("ix_recovery_codes_user_hash", "user_id", "code_hash", unique=True),)

    user_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("users.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(default=None)


class OidcIdentity(IdMixin, Base):
    """An account at an OpenID Connect provider (`iss` + `sub`) linked to a user."""

    __tablename__ = "oidc_identities"
    __table_args__ = (UniqueConstraint("issuer", "subject", name="uq_oidc_identities_issuer_sub"),)

    user_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    issuer: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime] = mapped_column(default=utcnow)
