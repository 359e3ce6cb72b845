"""An index on import items by run and package.

The end of a run relabels the items of copies and of streams a later batch
settled further, one update per item found by (run, package): without the
index each update scanned the whole run (40,000 items: 97 s).

Revision ID: 0012_import_item_package_index
Revises: 0011_stream_life
"""

from __future__ import annotations

from alembic import op

revision = "0012_import_item_package_index"
down_revision = "0011_stream_life"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_import_item_package", "import_item", ["run_id", "package_hash"])


def downgrade() -> None:
    op.drop_index("ix_import_item_package", table_name="import_item")
