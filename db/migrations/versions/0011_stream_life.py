"""A package remembers when it was returned and when its receipt was written.

Receipts are owed for every merged package until written (by any screen or
the CLI, after any restart); a returned package is owed no receipt, and a
revision that names a returned package is a correction.

Revision ID: 0011_stream_life
Revises: 0010_cluster_name_length
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_stream_life"
down_revision = "0010_cluster_name_length"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("package") as batch:
        batch.add_column(sa.Column("returned_at", sa.String(40), nullable=False, server_default=""))
        batch.add_column(sa.Column("receipt_at", sa.String(40), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("package") as batch:
        batch.drop_column("receipt_at")
        batch.drop_column("returned_at")
