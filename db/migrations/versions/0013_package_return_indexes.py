"""Indexes on when a package was returned and when its receipt was written.

A package row holds its signed bytes before these columns: reading them row by
row followed every overflow page of every merged package. The dashboard (who
was returned) and the receipts owed read them through these covering indexes.

Revision ID: 0013_package_return_indexes
Revises: 0012_import_item_package_index
"""

from __future__ import annotations

from alembic import op

revision = "0013_package_return_indexes"
down_revision = "0012_import_item_package_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_package_returned", "package", ["returned_at", "hash"])
    op.create_index("ix_package_receipt", "package", ["receipt_at", "hash"])


def downgrade() -> None:
    op.drop_index("ix_package_receipt", table_name="package")
    op.drop_index("ix_package_returned", table_name="package")
