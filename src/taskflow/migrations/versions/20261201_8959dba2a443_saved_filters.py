"""saved filters: a user's named filter-language expressions (SPEC §9)

Revision ID: 8959dba2a443
Revises: 1d938be43047
Create Date: 2026-12-01 19:37:19.247934
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import taskflow.db

revision: str = "8959dba2a443"
down_revision: str | None = "1d938be43047"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "saved_filters",
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("query", sa.String(length=1000), nullable=False),
        sa.Column("color", sa.String(length=7), nullable=False),
        sa.Column("position", sa.Double(), nullable=False),
        sa.Column("created_at", taskflow.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_saved_filters_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_filters")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("saved_filters", schema=None) as batch_op:
        batch_op.create_index(
            "ix_saved_filters_user_position", ["user_id", "position", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("saved_filters", schema=None) as batch_op:
        batch_op.drop_index("ix_saved_filters_user_position")

    op.drop_table("saved_filters")
