"""Keep a table's AUTOINCREMENT counter across an Alembic batch rebuild on SQLite.

A batch operation copies the table into a new one, and SQLite drops the old table's row in
`sqlite_sequence` with it: without this, a deleted row's id would be handed out again. Read
the counter before the rebuild (`sqlite_sequence_of`), put it back after (`restore`).
"""

from alembic import op
from sqlalchemy import text


def sqlite_sequence_of(table: str) -> int | None:
    """The table's counter on SQLite; None elsewhere or when it has none yet."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return None
    query = text("SELECT seq FROM sqlite_sequence WHERE name = :name")
    seq = bind.execute(query, {"name": table}).scalar()
    return int(seq) if seq is not None else None


def restore_sqlite_sequence(table: str, seq: int | None) -> None:
    """Put back a counter read by `sqlite_sequence_of` (nothing to do for None)."""
    if seq is None:
        return
    bind = op.get_bind()
    bind.execute(text("DELETE FROM sqlite_sequence WHERE name = :name"), {"name": table})
    bind.execute(
        text("INSERT INTO sqlite_sequence (name, seq) VALUES (:name, :seq)"),
        {"name": table, "seq": seq},
    )
