"""time: user timezone, task due_all_day, start_at, recurrence

On SQLite the tasks table is rebuilt (batch mode, for the check constraint); it keeps
AUTOINCREMENT through `table_kwargs`, and its `sqlite_sequence` (the copy would restart it at
the highest id present, handing a deleted task's id out again), as revision 78a83d289b43 does.

Revision ID: ae3b3a98fc54
Revises: 78a83d289b43
Create Date: 2026-12-01 19:04:57.970300
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import taskflow.db
from taskflow.migrations.sqlite_sequence import restore_sqlite_sequence, sqlite_sequence_of

revision: str = "ae3b3a98fc54"
down_revision: str | None = "78a83d289b43"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    seq = sqlite_sequence_of("tasks")
    with op.batch_alter_table(
        "tasks", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.add_column(
            sa.Column("due_all_day", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("start_at", taskflow.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("recurrence", sa.String(length=500), nullable=True))
        batch_op.add_column(
            sa.Column(
                "recurrence_basis", sa.String(length=16), server_default="due", nullable=False
            )
        )
        batch_op.create_index(
            "ix_tasks_project_start", ["project_id", "start_at", "id"], unique=False
        )
        batch_op.create_check_constraint(
            op.f("ck_tasks_recurrence_basis"), "recurrence_basis IN ('due', 'completion')"
        )
    restore_sqlite_sequence("tasks", seq)

    if op.get_bind().dialect.name == "postgresql":
        # sort=-start_at keeps tasks without a start last (as -due_at does).
        op.create_index(
            "ix_tasks_project_start_desc",
            "tasks",
            ["project_id", sa.text("start_at DESC NULLS LAST"), sa.text("id DESC")],
        )

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("timezone", sa.String(length=64), server_default="UTC", nullable=False)
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_tasks_project_start_desc", table_name="tasks")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("timezone")

    seq = sqlite_sequence_of("tasks")
    with op.batch_alter_table(
        "tasks", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_constraint(op.f("ck_tasks_recurrence_basis"), type_="check")
        batch_op.drop_index("ix_tasks_project_start")
        batch_op.drop_column("recurrence_basis")
        batch_op.drop_column("recurrence")
        batch_op.drop_column("start_at")
        batch_op.drop_column("due_all_day")
    restore_sqlite_sequence("tasks", seq)
