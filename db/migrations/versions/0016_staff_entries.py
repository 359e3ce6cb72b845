"""A report archived at the federation may be a statement staff entered on a unit's
behalf (from its paper form or its filled Excel template): the package row says
from what (``source``: paper | excel, empty for the unit's signed package) and who
entered it (``entered_by``); which are such entries is read from a covering index,
never from the package rows, whose bytes come first.

Revision ID: 0016_staff_entries
Revises: 0015_value_flags
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_staff_entries"
down_revision = "0015_value_flags"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("package") as batch:
        batch.add_column(sa.Column("source", sa.String(16), nullable=False, server_default=""))
        batch.add_column(sa.Column("entered_by", sa.String(200), nullable=False, server_default=""))
    op.create_index("ix_package_source", "package", ["source", "hash"])


def downgrade() -> None:
    op.drop_index("ix_package_source", table_name="package")
    with op.batch_alter_table("package") as batch:
        batch.drop_column("entered_by")
        batch.drop_column("source")
