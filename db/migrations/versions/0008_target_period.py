"""A target may be set for a reporting period before the year.

``target.period`` holds the period code ("h1"); NULL (every existing target)
is the year, judged in the plan's last period. See ``app.core.figures``.

Revision ID: 0008_target_period
Revises: 0007_roster_cluster_index
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_target_period"
down_revision = "0007_roster_cluster_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("target") as batch:
        batch.add_column(sa.Column("period", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("target") as batch:
        batch.drop_column("period")
