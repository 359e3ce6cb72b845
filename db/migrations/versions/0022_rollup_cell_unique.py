"""The roll-up cells' whole key unique: a refresh on PostgreSQL adds its differences
with one INSERT … ON CONFLICT DO UPDATE

``ix_rollup_cell_key`` (plan, family, bucket, stream, indicator) becomes unique over the
cell's whole key (… sector, kind, grade, goal met; NULLS NOT DISTINCT on PostgreSQL,
where a missing sector or grade is one value like any other). The same prefix serves
every read of a bucket's cells; PostgreSQL finds the cell of each difference through
the index itself while it writes, instead of a join planned from fresh statistics.

Revision ID: 0022_rollup_cell_unique
Revises: 0021_rollup_cell_key
"""

from __future__ import annotations

from alembic import op

revision = "0022_rollup_cell_unique"
down_revision = "0021_rollup_cell_key"
branch_labels = None
depends_on = None

_KEY = ["plan_id", "family", "bucket_id", "stream", "indicator_id"]
_WHOLE_KEY = [*_KEY, "sector", "kind", "grade", "goal_met"]


def upgrade() -> None:
    op.drop_index("ix_rollup_cell_key", table_name="rollup_cell")
    key = ", ".join(_WHOLE_KEY)
    twice = op.get_bind().exec_driver_sql(
        f"SELECT 1 FROM rollup_cell GROUP BY {key} HAVING count(*) > 1 LIMIT 1"
    )
    if twice.first() is not None:
        # Never written so, but derived data: emptied and rebuilt on the next refresh
        # rather than an upgrade that cannot finish.
        op.execute("DELETE FROM rollup_cell")
        op.execute("DELETE FROM rollup_unit")
        if op.get_bind().dialect.name == "postgresql":
            op.execute(
                "INSERT INTO rollup_dirty (plan_id, unit_id) SELECT id, '*' FROM plan "
                "ON CONFLICT (plan_id, unit_id) DO NOTHING"
            )
        else:
            op.execute(
                "INSERT OR IGNORE INTO rollup_dirty (plan_id, unit_id) SELECT id, '*' FROM plan"
            )
    op.create_index(
        "ix_rollup_cell_key",
        "rollup_cell",
        _WHOLE_KEY,
        unique=True,
        postgresql_nulls_not_distinct=True,
    )


def downgrade() -> None:
    op.drop_index("ix_rollup_cell_key", table_name="rollup_cell")
    op.create_index("ix_rollup_cell_key", "rollup_cell", _KEY, unique=False)
