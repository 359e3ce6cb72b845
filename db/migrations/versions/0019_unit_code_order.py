"""Each unit's code in its natural order as text (``unit.code_order``, indexed), so the
database lists the first units of a scope without the roster read into memory; and
covering indexes over which the dashboard counts a year's units by sector and kind
(``roster_entry`` (year, unit, sector), ``unit`` (id, kind)).

Filled here for every unit that has a code (:func:`db.natural.code_order`).

Revision ID: 0019_unit_code_order
Revises: 0018_rollup_units
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.natural import code_order

#: As db.models.roster.ORDER_TYPE: compared character by character on PostgreSQL too.
ORDER_TYPE = sa.String(200).with_variant(sa.String(200, collation="C"), "postgresql")

revision = "0019_unit_code_order"
down_revision = "0018_rollup_units"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("unit") as batch:
        batch.add_column(sa.Column("code_order", ORDER_TYPE, nullable=True))
        batch.create_index("ix_unit_code_order", ["code_order"])
        batch.create_index("ix_unit_id_kind", ["id", "kind"])
    with op.batch_alter_table("roster_entry") as batch:
        # Never parent or cluster: SQLite would walk a subtree over it, row by row.
        batch.create_index("ix_roster_entry_cover", ["year", "unit_id", "sector"])
    unit = sa.table("unit", sa.column("id", sa.String), sa.column("code", sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(unit.c.id, unit.c.code).where(unit.c.code.is_not(None)))
    values = [{"unit_id": unit_id, "order": code_order(code)} for unit_id, code in rows]
    if values:
        connection.execute(
            sa.text("UPDATE unit SET code_order = :order WHERE id = :unit_id"), values
        )


def downgrade() -> None:
    with op.batch_alter_table("roster_entry") as batch:
        batch.drop_index("ix_roster_entry_cover")
    with op.batch_alter_table("unit") as batch:
        batch.drop_index("ix_unit_id_kind")
        batch.drop_index("ix_unit_code_order")
        batch.drop_column("code_order")
