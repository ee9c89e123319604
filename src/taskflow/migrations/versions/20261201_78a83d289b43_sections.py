"""sections: named groups of a project's tasks, and tasks.section_id

On SQLite the tasks table is rebuilt (batch mode) to gain its foreign key; it keeps
AUTOINCREMENT (revision 94b06b620748) through `table_kwargs`, and its `sqlite_sequence`
(the copy would restart it at the highest id present, handing a deleted task's id out again).

Revision ID: 78a83d289b43
Revises: 94b06b620748
Create Date: 2026-12-01 19:02:06.365397
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import taskflow.db
from taskflow.migrations.sqlite_sequence import restore_sqlite_sequence, sqlite_sequence_of

revision: str = "78a83d289b43"
down_revision: str | None = "94b06b620748"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    seq = sqlite_sequence_of("tasks")
    op.create_table(
        "sections",
        sa.Column(
            "project_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Double(), nullable=False),
        sa.Column("created_at", taskflow.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_sections_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sections")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("sections", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sections_project_position", ["project_id", "position", "id"], unique=False
        )

    with op.batch_alter_table(
        "tasks", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.add_column(
            sa.Column(
                "section_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
            )
        )
        batch_op.create_index(
            "ix_tasks_section_position", ["section_id", "position", "id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_tasks_section_id_sections"),
            "sections",
            ["section_id"],
            ["id"],
            ondelete="SET NULL",
        )
    restore_sqlite_sequence("tasks", seq)


def downgrade() -> None:
    seq = sqlite_sequence_of("tasks")
    with op.batch_alter_table(
        "tasks", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_tasks_section_id_sections"), type_="foreignkey")
        batch_op.drop_index("ix_tasks_section_position")
        batch_op.drop_column("section_id")
    restore_sqlite_sequence("tasks", seq)

    with op.batch_alter_table("sections", schema=None) as batch_op:
        batch_op.drop_index("ix_sections_project_position")

    op.drop_table("sections")
