"""trash: deleted_at/deleted_by on tasks, comments and projects, trashed_with on tasks and
comments, each table's trashed rows in a partial index; task_versions (history)

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
    op.create_table(
        "task_versions",
        sa.Column("task_id", _ID, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_by", _ID, nullable=True),
        sa.Column("changed_at", taskflow.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by"],
            ["users.id"],
            name=op.f("fk_task_versions_changed_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["tasks.id"],
            name=op.f("fk_task_versions_task_id_tasks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("task_id", "version", name=op.f("pk_task_versions")),
    )
    op.create_index(
        op.f("ix_task_versions_changed_by"), "task_versions", ["changed_by"], unique=False
    )
    _trash_columns("tasks", trashed_with=True)
    _trash_columns("comments", trashed_with=True)
    _trash_columns("projects", trashed_with=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_task_versions_changed_by"), table_name="task_versions")
    op.drop_table("task_versions")
    for table in ("tasks", "comments", "projects"):
        if table != "projects":
            op.drop_index(f"ix_{table}_trashed_with", table_name=table)
        op.drop_index(f"ix_{table}_trashed", table_name=table)
        # In place (SQLite >= 3.35 drops a column without rebuilding the table).
        if table != "projects":
            op.drop_column(table, "trashed_with")
        op.drop_column(table, "deleted_by")
        op.drop_column(table, "deleted_at")
