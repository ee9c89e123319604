"""ids never reused on SQLite

Without AUTOINCREMENT, SQLite hands out the highest id again once its row is deleted: a
deleted account's access token named the next account registered (issue 23.1), a deleted
task's activity pointed at the next task. Every table with an integer id is rebuilt (batch
mode: a copy with AUTOINCREMENT, the data, the indexes and constraints) and its
`sqlite_sequence` starts at the highest id in use, or still referenced (`activity.task_id`
keeps the ids of deleted tasks). PostgreSQL's sequences never go back: nothing to do there.

The rebuild drops and renames tables that others reference, so SQLite's foreign keys must
be off while it runs (`migrations.runner` turns them off outside the transaction); the
result is checked with `PRAGMA foreign_key_check` before it commits.

Revision ID: f5d1ea53c964
Revises: 11cac6b6fa8b
Create Date: 2026-12-01 16:05:19.869013
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text
from sqlalchemy.engine import Connection

revision: str = "f5d1ea53c964"
down_revision: str | None = "11cac6b6fa8b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every table with an integer primary key `id` at this revision.
TABLES = (
    "users",
    "auth_sessions",
    "refresh_tokens",
    "one_time_tokens",
    "projects",
    "tasks",
    "labels",
    "comments",
    "activity",
)
# Ids that outlive their rows as references without a foreign key: (table, column) per table.
LOOSE_REFERENCES = {"tasks": (("activity", "task_id"),)}


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    _require_foreign_keys_off(bind)
    for table in TABLES:
        _rebuild(table, autoincrement=True)
        # The copy left sqlite_sequence at the highest id present (no row for an empty table).
        for other, column in LOOSE_REFERENCES.get(table, ()):
            _raise_sequence(bind, table, f"SELECT max({column}) FROM {other}")  # noqa: S608
    _check_foreign_keys(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    _require_foreign_keys_off(bind)
    for table in TABLES:
        _rebuild(table, autoincrement=False)
    _check_foreign_keys(bind)


def _rebuild(table: str, *, autoincrement: bool) -> None:
    with op.batch_alter_table(
        table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
    ):
        pass


def _raise_sequence(bind: Connection, table: str, highest_sql: str) -> None:
    """sqlite_sequence of `table` to at least what `highest_sql` returns (ids are > seq)."""
    highest = bind.execute(text(highest_sql)).scalar()
    if highest is None:
        return
    current = bind.execute(
        text("SELECT seq FROM sqlite_sequence WHERE name = :name"), {"name": table}
    ).scalar()
    if current is None:
        bind.execute(
            text("INSERT INTO sqlite_sequence (name, seq) VALUES (:name, :seq)"),
            {"name": table, "seq": highest},
        )
    elif current < highest:
        bind.execute(
            text("UPDATE sqlite_sequence SET seq = :seq WHERE name = :name"),
            {"name": table, "seq": highest},
        )


def _require_foreign_keys_off(bind: Connection) -> None:
    # Dropping a referenced table with foreign keys on would cascade: rows elsewhere deleted.
    if bind.execute(text("PRAGMA foreign_keys")).scalar():
        raise RuntimeError(
            "this revision rebuilds tables: run it with SQLite's foreign keys off "
            "(`taskflow migrate` does so)"
        )


def _check_foreign_keys(bind: Connection) -> None:
    broken = bind.execute(text("PRAGMA foreign_key_check")).all()
    if broken:
        raise RuntimeError(f"foreign keys broken by the rebuild: {broken[:5]}")
