"""Deadlines: the last day a report of each stream of a plan may arrive, and the
later days granted to single units (extensions).

Revision ID: 0014_deadlines
Revises: 0013_package_return_indexes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_deadlines"
down_revision = "0013_package_return_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deadline",
        sa.Column("plan_id", sa.String(length=64), nullable=False),
        sa.Column("stream", sa.String(length=32), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("set_at", sa.String(length=40), nullable=False),
        sa.Column("set_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plan.id"], name=op.f("fk_deadline_plan_id_plan"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("plan_id", "stream", name=op.f("pk_deadline")),
    )
    op.create_table(
        "deadline_extension",
        sa.Column("plan_id", sa.String(length=64), nullable=False),
        sa.Column("stream", sa.String(length=32), nullable=False),
        sa.Column("unit_id", sa.String(length=36), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("granted_at", sa.String(length=40), nullable=False),
        sa.Column("granted_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plan.id"],
            name=op.f("fk_deadline_extension_plan_id_plan"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["unit.id"],
            name=op.f("fk_deadline_extension_unit_id_unit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("plan_id", "stream", "unit_id", name=op.f("pk_deadline_extension")),
    )


def downgrade() -> None:
    op.drop_table("deadline_extension")
    op.drop_table("deadline")
