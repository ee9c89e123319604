"""drop the global due_at index: every due-date query is within the caller's projects
(ix_tasks_project_due); the global index let PostgreSQL pick a scan of all users' due dates
for Today at 1M tasks (docs/time.md, "Bench: Today")

Revision ID: 7a742d82b345
Revises: d259f14f8762
Create Date: 2026-12-02 02:47:08.164740
"""

from collections.abc import Sequence

from alembic import op

revision: str = "7a742d82b345"
down_revision: str | None = "d259f14f8762"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tasks_due_at"))


def downgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tasks_due_at"), ["due_at"], unique=False)
