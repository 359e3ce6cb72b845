"""Statement values: the indicator no longer a foreign key, rows kept by primary key

``statement_value.indicator_id`` loses its foreign key to ``indicator`` and the index
``ix_statement_value_indicator`` that only served that key's cascade. An indicator is
only ever deleted with its plan (a plan with statements is never replaced), and the
plan's deletion already takes its statements, hence their values, through
``statement.plan_id`` and ``statement_value.statement_id`` (the primary key's first
column); with the key and without the index, deleting a plan would scan every value
once per indicator. On SQLite the table is rebuilt ``WITHOUT ROWID``: its small rows
are stored once, in primary-key order, instead of in a rowid table plus the key's
index. Writing the import's most numerous rows costs about a third less, and the
table takes about half the space.

Revision ID: 0022_value_indicator_by_plan
Revises: 0021_rollup_cell_key
"""

from __future__ import annotations

from alembic import op

revision = "0022_value_indicator_by_plan"
down_revision = "0021_rollup_cell_key"
branch_labels = None
depends_on = None

_KEY = "fk_statement_value_indicator_id_indicator"


def upgrade() -> None:
    with op.batch_alter_table(
        "statement_value", recreate="auto", table_kwargs={"sqlite_with_rowid": False}
    ) as batch_op:
        batch_op.drop_index("ix_statement_value_indicator")
        batch_op.drop_constraint(_KEY, type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table(
        "statement_value", recreate="auto", table_kwargs={"sqlite_with_rowid": True}
    ) as batch_op:
        batch_op.create_foreign_key(_KEY, "indicator", ["indicator_id"], ["id"], ondelete="CASCADE")
        batch_op.create_index("ix_statement_value_indicator", ["indicator_id"], unique=False)
