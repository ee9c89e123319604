"""live rows' partial indexes: the task listings' sort and search indexes cover the rows not
in the trash only (WHERE deleted_at IS NULL), so the trash neither grows them nor changes the
listings' plans. ix_tasks_project_status and ix_tasks_section_position stay whole: a project's
purge and a section's deletion find the trashed tasks through them.

Each index is dropped and built again in the migration's transaction: the tasks table takes
no writes while they are built (seconds per million tasks and index).

Revision ID: d259f14f8762
Revises: 5e1a7c0d2b93
Create Date: 2026-12-02 02:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d259f14f8762"
down_revision: str | None = "5e1a7c0d2b93"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LIVE = sa.text("deleted_at IS NULL")

# On both databases: name -> columns.
_BOTH: dict[str, list[str]] = {
    "ix_tasks_project_position": ["project_id", "position", "id"],
    "ix_tasks_project_created": ["project_id", "created_at", "id"],
    "ix_tasks_project_due": ["project_id", "due_at", "id"],
    "ix_tasks_project_start": ["project_id", "start_at", "id"],
    "ix_tasks_project_priority": ["project_id", "priority", "id"],
    "ix_tasks_project_votes": ["project_id", "vote_count", "id"],
}
# PostgreSQL only (expression and trigram indexes): name -> (columns, create_index options).
_POSTGRESQL: dict[str, tuple[list[str | sa.TextClause], dict[str, object]]] = {
    "ix_tasks_project_title_lower": (["project_id", sa.text("lower(title)"), "id"], {}),
    "ix_tasks_project_due_desc": (
        ["project_id", sa.text("due_at DESC NULLS LAST"), sa.text("id DESC")],
        {},
    ),
    "ix_tasks_project_start_desc": (
        ["project_id", sa.text("start_at DESC NULLS LAST"), sa.text("id DESC")],
        {},
    ),
    "ix_tasks_title_trgm": (
        ["title"],
        {"postgresql_using": "gin", "postgresql_ops": {"title": "gin_trgm_ops"}},
    ),
    "ix_tasks_description_trgm": (
        ["description"],
        {"postgresql_using": "gin", "postgresql_ops": {"description": "gin_trgm_ops"}},
    ),
}


def _rebuild(*, live_only: bool) -> None:
    where = {"postgresql_where": _LIVE, "sqlite_where": _LIVE} if live_only else {}
    for name, columns in _BOTH.items():
        op.drop_index(name, table_name="tasks")
        op.create_index(name, "tasks", columns, **where)  # type: ignore[arg-type]
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, (expressions, options) in _POSTGRESQL.items():
        op.drop_index(name, table_name="tasks")
        op.create_index(name, "tasks", expressions, **options, **where)  # type: ignore[arg-type]


def upgrade() -> None:
    _rebuild(live_only=True)


def downgrade() -> None:
    _rebuild(live_only=False)
