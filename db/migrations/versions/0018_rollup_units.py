"""Roll-up cells kept by differences: what each unit adds to them

``rollup_unit`` holds each unit's part of the roll-up cells per (stream,
indicator, grade, goal met), with the parent, cluster, sector and kind it was
added under, so a refresh subtracts a changed unit's old part and adds its new
one instead of recomputing whole buckets. Every plan starts marked whole: its
cells and unit rows are rebuilt together by the next refresh.

Revision ID: 0018_rollup_units
Revises: 0017_plan_content
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_rollup_units"
down_revision = "0017_plan_content"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rollup_unit",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.String(length=36), nullable=False),
        sa.Column("bucket_id", sa.String(length=36), nullable=False),
        sa.Column("cluster_id", sa.String(length=36), nullable=True),
        sa.Column("sector", sa.String(length=32), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("stream", sa.String(length=32), nullable=False),
        sa.Column("indicator_id", sa.String(length=36), nullable=False),
        sa.Column("grade", sa.String(length=32), nullable=True),
        sa.Column("goal_met", sa.Integer(), nullable=False),
        sa.Column("units", sa.BigInteger(), nullable=False),
        sa.Column("amounts", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("cluster_amount", sa.BigInteger(), nullable=False),
        sa.Column("numerator", sa.BigInteger(), nullable=False),
        sa.Column("denominator", sa.BigInteger(), nullable=False),
        sa.Column("yes", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rollup_unit")),
    )
    op.create_index("ix_rollup_unit_unit", "rollup_unit", ["plan_id", "unit_id"], unique=False)
    # The cells were computed without unit rows: rebuild both on the next refresh.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "INSERT INTO rollup_dirty (plan_id, unit_id) SELECT id, '*' FROM plan "
            "ON CONFLICT (plan_id, unit_id) DO NOTHING"
        )
    else:
        op.execute("INSERT OR IGNORE INTO rollup_dirty (plan_id, unit_id) SELECT id, '*' FROM plan")


def downgrade() -> None:
    op.drop_index("ix_rollup_unit_unit", table_name="rollup_unit")
    op.drop_table("rollup_unit")
