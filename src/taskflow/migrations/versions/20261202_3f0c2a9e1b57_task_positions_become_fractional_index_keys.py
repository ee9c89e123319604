"""task positions become fractional-index keys (issue 17): float midpoints lose precision
after some fifty moves into one gap; a key can always be made between two others. Each
project's tasks get keys `generate_n_keys_between(None, None, n)` in their (position, id)
order, trashed ones included. Sections and saved filters keep their numbers.

The keys for ranks 1..n (n: the largest project) are made once in Python and loaded into a
temporary table, joined to each task's rank in its project (a window function): set-based on
both databases, not a statement per row. On PostgreSQL the column then changes type in one
table rewrite (`ALTER COLUMN … TYPE … USING` a lookup of that mapping), which builds every
index of the table anew in bulk: far cheaper than an UPDATE of every row, which maintains
each index (the trigram GIN ones included) row by row and leaves the old versions behind.
On SQLite a new column is filled by one UPDATE and takes the old one's place. The column is
compared byte by byte: `COLLATE "C"` on PostgreSQL (SQLite compares bytes).

Downgrade: numbers 1, 2, 3, … per project in key order.

Revision ID: 3f0c2a9e1b57
Revises: 7a742d82b345
Create Date: 2026-12-02 06:00:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from fractional_indexing import generate_n_keys_between

revision: str = "3f0c2a9e1b57"
down_revision: str | None = "7a742d82b345"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LIVE = sa.text("deleted_at IS NULL")
_BATCH = 10_000
# Each task's rank in its project (1, 2, …) in (position, id) order, joined to its new value.
_LARGEST = (
    "SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM tasks GROUP BY project_id) AS c"
)
_TO_KEYS = """
UPDATE tasks SET position_key = position_keys.value
FROM (SELECT id, row_number() OVER (PARTITION BY project_id ORDER BY position, id) AS rank_no
      FROM tasks) AS ranked
JOIN position_keys ON position_keys.rank_no = ranked.rank_no
WHERE tasks.id = ranked.id
"""
# PostgreSQL: the same mapping by task id, read by the type change's USING (a function: a
# USING expression cannot hold a subquery).
_PG_KEYS_BY_ID = """
CREATE TEMPORARY TABLE task_positions AS
SELECT ranked.id, position_keys.value
FROM (SELECT id, row_number() OVER (PARTITION BY project_id ORDER BY position, id) AS rank_no
      FROM tasks) AS ranked
JOIN position_keys ON position_keys.rank_no = ranked.rank_no
"""
_PG_RANKS_BY_ID = """
CREATE TEMPORARY TABLE task_positions AS
SELECT id,
       CAST(row_number() OVER (PARTITION BY project_id ORDER BY position, id) AS DOUBLE PRECISION)
       AS value
FROM tasks
"""
_PG_LOOKUP = """
CREATE FUNCTION pg_temp.task_position(task_id BIGINT) RETURNS {type} LANGUAGE sql STABLE
AS $$ SELECT value FROM task_positions WHERE id = task_id $$
"""
_TO_NUMBERS = """
UPDATE tasks SET position_number = ranked.rank_no
FROM (SELECT id, row_number() OVER (PARTITION BY project_id ORDER BY position, id) AS rank_no
      FROM tasks) AS ranked
WHERE tasks.id = ranked.id
"""


def _drop_indexes() -> None:
    op.drop_index("ix_tasks_project_position", table_name="tasks")
    op.drop_index("ix_tasks_section_position", table_name="tasks")


def _create_indexes() -> None:
    op.create_index(
        "ix_tasks_project_position",
        "tasks",
        ["project_id", "position", "id"],
        postgresql_where=_LIVE,
        sqlite_where=_LIVE,
    )
    op.create_index("ix_tasks_section_position", "tasks", ["section_id", "position", "id"])


def _swap(new_column: sa.Column[Any]) -> None:
    """SQLite: `new_column` (filled) replaces `position`, under the same indexes."""
    _drop_indexes()
    op.execute('ALTER TABLE tasks DROP COLUMN "position"')
    op.execute(f'ALTER TABLE tasks RENAME COLUMN {new_column.name} TO "position"')
    # SQLite keeps the default the new column was added with (dropping it would rebuild the
    # table); it is never used: the application always sends a position.
    _create_indexes()


def _no_statement_timeout() -> None:
    """Every task is rewritten: minutes at millions of tasks, past the application's
    statement timeout (`TASKFLOW_DB_STATEMENT_TIMEOUT_MS`), which the migration's session
    has too. For this transaction only."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SET LOCAL statement_timeout = 0")


def _load_keys(bind: sa.Connection) -> None:
    """The temporary table position_keys: the keys of ranks 1…n, n the largest project."""
    largest = bind.execute(sa.text(_LARGEST)).scalar_one()
    op.execute(
        "CREATE TEMPORARY TABLE position_keys (rank_no INTEGER PRIMARY KEY, value TEXT NOT NULL)"
    )
    keys = generate_n_keys_between(None, None, int(largest))
    insert = sa.text("INSERT INTO position_keys (rank_no, value) VALUES (:rank_no, :value)")
    for start in range(0, len(keys), _BATCH):
        rows = [
            {"rank_no": start + offset + 1, "value": key}
            for offset, key in enumerate(keys[start : start + _BATCH])
        ]
        bind.execute(insert, rows)


def _pg_retype(mapping: str, value_type: str, new_type: str) -> None:
    """PostgreSQL: `position` becomes `new_type`, each task's value looked up in `mapping`
    (a statement creating task_positions (id, value)), in one rewrite of the table."""
    op.execute(mapping)
    op.execute("ALTER TABLE task_positions ADD PRIMARY KEY (id)")
    op.execute(_PG_LOOKUP.format(type=value_type))
    op.execute(
        f'ALTER TABLE tasks ALTER COLUMN "position" TYPE {new_type} USING pg_temp.task_position(id)'
    )
    op.execute("DROP FUNCTION pg_temp.task_position(BIGINT)")
    op.execute("DROP TABLE task_positions")


def upgrade() -> None:
    bind = op.get_bind()
    _no_statement_timeout()
    _load_keys(bind)
    if bind.dialect.name == "postgresql":
        _pg_retype(_PG_KEYS_BY_ID, "TEXT", 'VARCHAR(255) COLLATE "C"')
        op.execute("DROP TABLE position_keys")
        return
    column = sa.Column("position_key", sa.String(255), nullable=False, server_default="a0")
    op.add_column("tasks", column)
    op.execute(_TO_KEYS)
    op.execute("DROP TABLE position_keys")
    _swap(column)


def downgrade() -> None:
    _no_statement_timeout()
    if op.get_bind().dialect.name == "postgresql":
        _pg_retype(_PG_RANKS_BY_ID, "DOUBLE PRECISION", "DOUBLE PRECISION")
        return
    column: sa.Column[Any] = sa.Column(
        "position_number", sa.Double(), nullable=False, server_default="0"
    )
    op.add_column("tasks", column)
    op.execute(_TO_NUMBERS)
    _swap(column)
