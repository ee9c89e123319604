"""The projects and project_members tables."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from taskflow.db import Base, BigIntId, IdMixin, utcnow
from taskflow.db.trash import Trashable
from taskflow.users.models import User


class Role(enum.StrEnum):
    """A member's role; each one may do everything the ones below it may."""

    VIEWER = "viewer"  # read, comment, vote
    EDITOR = "editor"  # tasks
    ADMIN = "admin"  # members, settings, labels
    OWNER = "owner"  # delete, transfer ownership

    @property
    def rank(self) -> int:
        return _RANK[self]

    def at_least(self, other: Role) -> bool:
        return self.rank >= other.rank


_RANK = {Role.VIEWER: 0, Role.EDITOR: 1, Role.ADMIN: 2, Role.OWNER: 3}

DEFAULT_COLOR = "#808080"
INBOX_NAME = "Inbox"


class Project(IdMixin, Trashable, Base):
    __tablename__ = "projects"
    __table_args__ = (
        # One Inbox per user, whatever races happen at registration.
        Index(
            "uq_projects_owner_inbox",
            "owner_id",
            unique=True,
            sqlite_where=text("is_inbox"),
            postgresql_where=text("is_inbox"),
        ),
        # The trash's projects by time (its list, the purge); live ones cost nothing.
        Index(
            "ix_projects_trashed",
            "deleted_at",
            sqlite_where=text("deleted_at IS NOT NULL"),
            postgresql_where=text("deleted_at IS NOT NULL"),
        ),
    )

    # The owner is also a member with role owner; this column exists so deleting the user
    # deletes the projects they own (ON DELETE CASCADE) and "projects I own" is one index away.
    owner_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    color: Mapped[str] = mapped_column(String(7), default=DEFAULT_COLOR)
    is_inbox: Mapped[bool] = mapped_column(Boolean, default=False)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    members: Mapped[list[ProjectMember]] = relationship(
        back_populates="project", cascade="all, delete-orphan", passive_deletes=True
    )


class ProjectMember(Base):
    __tablename__ = "project_members"
    __table_args__ = (
        CheckConstraint("role IN ('owner', 'admin', 'editor', 'viewer')", name="role"),
    )

    project_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    # Indexed: "the projects I belong to" scopes every listing.
    user_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    project: Mapped[Project] = relationship(back_populates="members")
    user: Mapped[User] = relationship(lazy="raise")


class Invitation(IdMixin, Base):
    """An invitation to join a project by email: the link's token is stored only as its
    SHA-256; single use (`accepted_at`), valid 7 days; revoking deletes it."""

    __tablename__ = "invitations"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'editor', 'viewer')", name="role"),
        # A project's pending invitations, newest first.
        Index("ix_invitations_project_id_id", "project_id", "id"),
    )

    project_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("projects.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320))  # lower-cased
    role: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("users.id", ondelete="SET NULL"), index=True, default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    accepted_at: Mapped[datetime | None] = mapped_column(default=None)
    accepted_by: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("users.id", ondelete="SET NULL"), index=True, default=None
    )
