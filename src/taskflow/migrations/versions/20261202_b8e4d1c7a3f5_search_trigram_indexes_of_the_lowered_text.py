"""search's trigram indexes of the lowered text: `ix_tasks_title_trgm` and
`ix_tasks_description_trgm` index lower(title) and lower(description), which the search now
matches with LIKE (tasks.conditions: lower(column) LIKE lower('%word%'), the same match as
ILIKE with one lower() a row instead of two), and statistics of those two expressions
(CREATE STATISTICS, PostgreSQL 14+), without which the planner, reading none from a partial
index, would guess how many tasks a word matches. PostgreSQL only; SQLite has neither.

Each index is dropped and built again in the migration's transaction: the tasks table takes
no writes while they are built (seconds per million tasks).

Revision ID: b8e4d1c7a3f5
Revises: 3f0c2a9e1b57
Create Date: 2026-12-02 10:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b8e4d1c7a3f5"
down_revision: str | None = "3f0c2a9e1b57"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = ("title", "description")


def _rebuild(*, lowered: bool) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for column in _COLUMNS:
        if lowered:
            op.execute(f"CREATE STATISTICS st_tasks_{column}_lower ON (lower({column})) FROM tasks")
        else:
            op.execute(f"DROP STATISTICS st_tasks_{column}_lower")
        name = f"ix_tasks_{column}_trgm"
        expression = f"lower({column})" if lowered else column
        op.drop_index(name, table_name="tasks")
        op.create_index(
            name,
            "tasks",
            [sa.text(f"{expression} gin_trgm_ops")],
            postgresql_using="gin",
            postgresql_where=sa.text("deleted_at IS NULL"),
        )


def upgrade() -> None:
    _rebuild(lowered=True)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ANALYZE tasks")  # the new statistics, before the first search plans


def downgrade() -> None:
    _rebuild(lowered=False)
