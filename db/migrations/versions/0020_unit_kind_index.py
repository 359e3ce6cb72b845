"""An index on ``unit.kind``, so the dashboard counts the whole country's units by
sector and kind from the roster's sectors and the few units that are not CĐCS
(the federation and the upper levels), without looking every CĐCS up.

Revision ID: 0020_unit_kind_index
Revises: 0019_unit_code_order
"""

from __future__ import annotations

from alembic import op

revision = "0020_unit_kind_index"
down_revision = "0019_unit_code_order"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("unit") as batch:
        batch.create_index("ix_unit_kind", ["kind"])


def downgrade() -> None:
    with op.batch_alter_table("unit") as batch:
        batch.drop_index("ix_unit_kind")
