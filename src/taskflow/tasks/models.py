"""The tasks, sections, labels, task_labels, votes, comments and saved_filters tables.

Every foreign key cascades in the database (ON DELETE CASCADE / SET NULL) and the ORM
relationships say `passive_deletes=True`, so a delete is one statement whatever hangs below.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Double,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    false,
    func,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from taskflow.db import Base, BigIntId, IdMixin, utcnow
from taskflow.db.trash import Trashable
from taskflow.tasks.positions import FIRST_KEY, MAX_KEY_LENGTH
from taskflow.users.models import User


class TaskStatus(enum.StrEnum):
    TODO = "todo"
    IN_PROGRESS = "in_progress"
    DONE = "done"


task_labels = Table(
    "task_labels",
    Base.metadata,
    Column("task_id", BigIntId, ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    # Indexed: the label_id filter looks tasks up by label.
    Column(
        "label_id",
        BigIntId,
        ForeignKey("labels.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


_TRASHED = text("deleted_at IS NOT NULL")
_TRASHED_WITH = text("trashed_with IS NOT NULL")
# The live rows: every listing's WHERE says `tasks.deleted_at IS NULL` (db/trash.py `live`),
# which is what lets both databases use an index with this predicate.
_LIVE = text("deleted_at IS NULL")


def _live_index(name: str, *columns: Any, **kwargs: Any) -> Index:
    """An index of the live rows only (SPEC §10): the trash, however large, neither grows it
    nor slows the listings that walk it."""
    return Index(name, *columns, postgresql_where=_LIVE, sqlite_where=_LIVE, **kwargs)


def _trash_indexes(table: str) -> tuple[Index, Index]:
    """What the trash reads: the trashed rows by time (its list, the purge) and the rows a
    deletion took with it (restore, purge). Partial: live rows cost nothing."""
    return (
        Index(
            f"ix_{table}_trashed", "deleted_at", postgresql_where=_TRASHED, sqlite_where=_TRASHED
        ),
        Index(
            f"ix_{table}_trashed_with",
            "trashed_with",
            postgresql_where=_TRASHED_WITH,
            sqlite_where=_TRASHED_WITH,
        ),
    )


def _postgresql_only(index: Index) -> Index:
    """An index that exists on PostgreSQL only (trigram, expression); see migrations/env.py."""
    index.info["postgresql_only"] = True
    return index.ddl_if(dialect="postgresql")


# Compared byte by byte: a locale's collation (en_US) would ignore case and break the keys.
POSITION_KEY = String(MAX_KEY_LENGTH).with_variant(
    String(MAX_KEY_LENGTH, collation="C"), "postgresql"
)


class Task(IdMixin, Trashable, Base):
    __tablename__ = "tasks"
    __table_args__ = (
        CheckConstraint("status IN ('todo', 'in_progress', 'done')", name="status"),
        CheckConstraint("priority BETWEEN 0 AND 4", name="priority"),
        CheckConstraint("recurrence_basis IN ('due', 'completion')", name="recurrence_basis"),
        # One index per sort, each scoped by project (listings are per project or per the
        # caller's projects) and ending in id, the tie-breaker that keeps pages stable. Of
        # the live rows only: listings never show the trash.
        _live_index("ix_tasks_project_position", "project_id", "position", "id"),
        _live_index("ix_tasks_project_created", "project_id", "created_at", "id"),
        _live_index("ix_tasks_project_due", "project_id", "due_at", "id"),
        _live_index("ix_tasks_project_start", "project_id", "start_at", "id"),
        _live_index("ix_tasks_project_priority", "project_id", "priority", "id"),
        _live_index("ix_tasks_project_votes", "project_id", "vote_count", "id"),
        # Whole (trashed rows too): a project's purge cascades to all its tasks by
        # project_id, and this is the index that finds them.
        Index("ix_tasks_project_status", "project_id", "status"),
        # section_id filter and the list's grouping: a section's tasks in their order. Whole:
        # deleting a section empties it (SET NULL) in the trash as well.
        Index("ix_tasks_section_position", "section_id", "position", "id"),
        *_trash_indexes("tasks"),
    )

    project_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("projects.id", ondelete="CASCADE"))
    # Subtasks are one level deep: a parent is always a top-level task of the same project.
    parent_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("tasks.id", ondelete="CASCADE"), index=True, default=None
    )
    # A section of the task's project, or none. Deleting the section empties it (SET NULL).
    section_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("sections.id", ondelete="SET NULL"), default=None
    )
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=TaskStatus.TODO.value)
    priority: Mapped[int] = mapped_column(SmallInteger, default=0)
    # No index of its own: every due query is within the caller's projects, which
    # ix_tasks_project_due serves; a global one tempted PostgreSQL into scanning every user's
    # due dates (docs/time.md, "Bench: Today").
    due_at: Mapped[datetime | None] = mapped_column(default=None)
    # Due on the local date of due_at (the viewer's day), no time shown (docs/time.md).
    due_all_day: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    start_at: Mapped[datetime | None] = mapped_column(default=None)
    # An RFC 5545 RRULE body (tasks/recurrence.py), on the creator's wall clock.
    recurrence: Mapped[str | None] = mapped_column(String(500), default=None)
    recurrence_basis: Mapped[str] = mapped_column(String(16), default="due", server_default="due")
    completed_at: Mapped[datetime | None] = mapped_column(default=None)
    assignee_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("users.id", ondelete="SET NULL"), index=True, default=None
    )
    # A fractional-index key (tasks/positions.py): a task moved between two others takes a
    # key between theirs; nothing is renumbered. Byte order on PostgreSQL too (COLLATE "C").
    position: Mapped[str] = mapped_column(POSITION_KEY, default=FIRST_KEY)
    # Kept in step with the votes table by atomic increments (exact under concurrency), so
    # sort=votes reads an indexed column instead of counting per row.
    vote_count: Mapped[int] = mapped_column(Integer, default=0)
    # Kept in step with the attachments table by the attachments service (tasks/counters.py),
    # so that a page of tasks shows it without counting per row.
    attachment_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_by: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("users.id", ondelete="SET NULL"), index=True, default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Incremented by every change to the task; its ETag. Updates are conditional on it.
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The members the description mentions, `[{id, username}]` (notifications/mentions.py);
    # kept with the text so a list shows them without a query per task.
    mentions: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, default=None)

    # The task whose deletion put this one in the trash (itself, or its parent); null when live.
    # Restore and purge take exactly the rows one deletion took.
    trashed_with: Mapped[int | None] = mapped_column(BigIntId, default=None)

    labels: Mapped[list[Label]] = relationship(
        secondary=task_labels, lazy="raise", passive_deletes=True, order_by="Label.name"
    )


class Section(IdMixin, Base):
    """A named group of a project's tasks (Todoist's sections, the board's columns)."""

    __tablename__ = "sections"
    __table_args__ = (Index("ix_sections_project_position", "project_id", "position", "id"),)

    project_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    # Like a task's: a new section goes last (max + 1); a move takes a midpoint.
    position: Mapped[float] = mapped_column(Double, default=0.0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SavedFilter(IdMixin, Base):
    """A user's own filter (SPEC §9): a name and an expression of the filter language."""

    __tablename__ = "saved_filters"
    __table_args__ = (Index("ix_saved_filters_user_position", "user_id", "position", "id"),)

    user_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    query: Mapped[str] = mapped_column(String(1000))
    color: Mapped[str] = mapped_column(String(7))
    position: Mapped[float] = mapped_column(Double, default=0.0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Label(IdMixin, Base):
    __tablename__ = "labels"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    project_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(50))
    color: Mapped[str] = mapped_column(String(7))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Vote(Base):
    """One vote per user and task: the primary key says so."""

    __tablename__ = "votes"

    user_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    task_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Comment(IdMixin, Trashable, Base):
    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_task_id_id", "task_id", "id"), *_trash_indexes("comments"))

    task_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("tasks.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The members the body mentions, `[{id, username}]`, as for tasks.
    mentions: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, default=None)
    # The task whose deletion took this comment to the trash; null when it was deleted alone.
    trashed_with: Mapped[int | None] = mapped_column(BigIntId, default=None)


# `search`: lower(title or description) LIKE lower('%word%') (tasks.conditions), answered by
# trigram indexes of the lowered text. The same match as ILIKE, which lowers both sides for
# every row (its pattern too): one lower() a row instead of two (docs/benchmarks.md).
for _column_name in ("title", "description"):
    _postgresql_only(
        Index(
            f"ix_tasks_{_column_name}_trgm",
            func.lower(Task.__table__.c[_column_name]).label(f"{_column_name}_lower"),
            postgresql_using="gin",
            postgresql_ops={f"{_column_name}_lower": "gin_trgm_ops"},
            postgresql_where=_LIVE,
        )
    )
# Statistics of the lowered text (PostgreSQL 14+): what the planner knows of how many tasks a
# search word matches. It reads none from the trigram indexes above, being partial; without
# these it guesses 0.8 % for a word that is in every title and reads a trigram index across
# all tasks instead of the caller's own (45 ms against 1.5 at 1M, docs/benchmarks.md).
SEARCH_STATISTICS = {
    f"st_tasks_{column}_lower": f"CREATE STATISTICS st_tasks_{column}_lower"
    f" ON (lower({column})) FROM tasks"
    for column in ("title", "description")
}


@event.listens_for(Task.__table__, "after_create")
def _create_search_statistics(_: Any, connection: Connection, **__: Any) -> None:
    """The statistics beside the table when the schema is built from the models (the tests);
    the migration that made the indexes lowered creates them too. Dropped with the table."""
    if connection.dialect.name == "postgresql":
        for statement in SEARCH_STATISTICS.values():
            connection.execute(text(statement))


# sort=title is case-insensitive: an expression index (PostgreSQL; SQLite sorts without it).
_postgresql_only(
    Index(
        "ix_tasks_project_title_lower",
        Task.project_id,
        func.lower(Task.title),
        Task.id,
        postgresql_where=_LIVE,
    )
)
# sort=-due_at keeps undated tasks last: DESC NULLS LAST is not ix_tasks_project_due backwards.
_postgresql_only(
    Index(
        "ix_tasks_project_due_desc",
        Task.project_id,
        Task.due_at.desc().nulls_last(),
        Task.id.desc(),
        postgresql_where=_LIVE,
    )
)


@event.listens_for(User, "before_delete")
def _release_votes(_: Mapper[User], connection: Connection, user: User) -> None:
    """A deleted user's votes vanish by cascade; take them off the counters first."""
    voted = select(Vote.task_id).where(Vote.user_id == user.id).scalar_subquery()
    connection.execute(
        update(Task).where(Task.id.in_(voted)).values(vote_count=Task.vote_count - 1)
    )


_postgresql_only(
    Index(
        "ix_tasks_project_start_desc",
        Task.project_id,
        Task.start_at.desc().nulls_last(),
        Task.id.desc(),
        postgresql_where=_LIVE,
    )
)


class Reminder(IdMixin, Base):
    """A personal reminder on a task (tasks/reminders.py). `fire_at` is when it is due to fire
    (the snooze, else `remind_at`; null: never, e.g. a relative one on a task without a due
    date); `sent_at` is set by the one claim that fires it."""

    __tablename__ = "reminders"
    __table_args__ = (
        Index("ix_reminders_task_user", "task_id", "user_id"),
        # The due scan: unsent reminders by time. Partial, so sent ones cost nothing.
        Index(
            "ix_reminders_due",
            "fire_at",
            sqlite_where=text("sent_at IS NULL"),
            postgresql_where=text("sent_at IS NULL"),
        ),
        CheckConstraint("before_due_minutes BETWEEN 0 AND 40320", name="before_due_minutes"),
    )

    task_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("tasks.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    remind_at: Mapped[datetime | None] = mapped_column(default=None)
    before_due_minutes: Mapped[int | None] = mapped_column(Integer, default=None)
    snoozed_until: Mapped[datetime | None] = mapped_column(default=None)
    fire_at: Mapped[datetime | None] = mapped_column(default=None)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TaskVersion(Base):
    """A task's editable fields as they were after one of its versions (SPEC §10): written
    with the change, in its transaction (tasks/history.py). The full snapshot, not a diff:
    a few hundred bytes a version, and any version reads (and reverts) in one row."""

    __tablename__ = "task_versions"

    task_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    changed_by: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("users.id", ondelete="SET NULL"), index=True, default=None
    )
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
