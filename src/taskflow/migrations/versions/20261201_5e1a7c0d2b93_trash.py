"""trash: deleted_at/deleted_by on tasks, comments and projects, trashed_with on tasks and
comments; the lists' indexes keep live rows only on PostgreSQL

Revision ID: 5e1a7c0d2b93
Revises: 44bb21afa855
Create Date: 2026-12-01 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import taskflow.db

revision: str = "5e1a7c0d2b93"
down_revision: str | None = "44bb21afa855"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TRASHED = sa.text("deleted_at IS NOT NULL")
_TRASHED_WITH = sa.text("trashed_with IS NOT NULL")
_LIVE = sa.text("deleted_at IS NULL")

# The lists' indexes (name, columns) that become partial (live rows) on PostgreSQL.
_LIST_INDEXES: list[tuple[str, list[str | sa.TextClause]]] = [
    ("ix_tasks_project_position", ["project_id", "position", "id"]),
    ("ix_tasks_project_created", ["project_id", "created_at", "id"]),
    ("ix_tasks_project_due", ["project_id", "due_at", "id"]),
    ("ix_tasks_project_start", ["project_id", "start_at", "id"]),
    ("ix_tasks_project_priority", ["project_id", "priority", "id"]),
    ("ix_tasks_project_votes", ["project_id", "vote_count", "id"]),
    ("ix_tasks_section_position", ["section_id", "position", "id"]),
]
_POSTGRESQL_LIST_INDEXES: list[tuple[str, list[str | sa.TextClause]]] = [
    ("ix_tasks_project_title_lower", ["project_id", sa.text("lower(title)"), "id"]),
    (
        "ix_tasks_project_due_desc",
        ["project_id", sa.text("due_at DESC NULLS LAST"), sa.text("id DESC")],
    ),
    (
        "ix_tasks_project_start_desc",
        ["project_id", sa.text("start_at DESC NULLS LAST"), sa.text("id DESC")],
    ),
]


def _trash_columns(table: str, *, trashed_with: bool) -> None:
    # Nullable columns without keys: SQLite adds them in place (no rebuild of the table).
    op.add_column(
        table, sa.Column("deleted_at", taskflow.db.UTCDateTime(timezone=True), nullable=True)
    )
    op.add_column(table, sa.Column("deleted_by", _ID, nullable=True))
    op.create_index(
        f"ix_{table}_trashed",
        table,
        ["deleted_at"],
        postgresql_where=_TRASHED,
        sqlite_where=_TRASHED,
    )
    if trashed_with:
        op.add_column(table, sa.Column("trashed_with", _ID, nullable=True))
        op.create_index(
            f"ix_{table}_trashed_with",
            table,
            ["trashed_with"],
            postgresql_where=_TRASHED_WITH,
            sqlite_where=_TRASHED_WITH,
        )


def upgrade() -> None:
    _trash_columns("tasks", trashed_with=True)
    _trash_columns("comments", trashed_with=True)
    _trash_columns("projects", trashed_with=False)
    if op.get_bind().dialect.name == "postgresql":
        for name, columns in _LIST_INDEXES + _POSTGRESQL_LIST_INDEXES:
            op.drop_index(name, table_name="tasks")
            op.create_index(name, "tasks", columns, postgresql_where=_LIVE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, columns in _LIST_INDEXES + _POSTGRESQL_LIST_INDEXES:
            op.drop_index(name, table_name="tasks")
            op.create_index(name, "tasks", columns)
    for table in ("tasks", "comments", "projects"):
        if table != "projects":
            op.drop_index(f"ix_{table}_trashed_with", table_name=table)
        op.drop_index(f"ix_{table}_trashed", table_name=table)
        # In place (SQLite >= 3.35 drops a column without rebuilding the table).
        if table != "projects":
            op.drop_column(table, "trashed_with")
        op.drop_column(table, "deleted_by")
        op.drop_column(table, "deleted_at")
