"""The roll-up cells indexed by their key: a refresh finds each changed cell by it

``ix_rollup_cell_bucket`` (plan, family, bucket) becomes ``ix_rollup_cell_key``
(plan, family, bucket, stream, indicator): the same prefix serves every read of a
bucket's cells, and a refresh by differences finds the cell of each difference
among a handful of rows instead of every cell of its bucket (the plan's bucket holds
thousands). On PostgreSQL the cells' pages keep room (fillfactor 70) so that adding a
difference to a cell rewrites it in place, without a new entry in every index.

Revision ID: 0021_rollup_cell_key
Revises: 0020_unit_kind_index
"""

from __future__ import annotations

from alembic import op

revision = "0021_rollup_cell_key"
down_revision = "0020_unit_kind_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_rollup_cell_bucket", table_name="rollup_cell")
    op.create_index(
        "ix_rollup_cell_key",
        "rollup_cell",
        ["plan_id", "family", "bucket_id", "stream", "indicator_id"],
        unique=False,
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE rollup_cell SET (fillfactor = 70)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE rollup_cell RESET (fillfactor)")
    op.drop_index("ix_rollup_cell_key", table_name="rollup_cell")
    op.create_index(
        "ix_rollup_cell_bucket", "rollup_cell", ["plan_id", "family", "bucket_id"], unique=False
    )
