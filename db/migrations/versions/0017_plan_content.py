"""The plan's content as its text says it: the wording of an indicator's per-unit
threshold ("80% trở lên công nhân, lao động"), kept beside its comparison and value
so every surface can quote it; what each of the plan's movements is (a movement, a
campaign, a short themed campaign, the đề tài and sáng kiến units register); how a sum
counts the levels (``levels``: an upper-level union's area total is not added to its
members' values again).

Revision ID: 0017_plan_content
Revises: 0016_staff_entries
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_plan_content"
down_revision = "0016_staff_entries"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("movement") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(16), nullable=False, server_default="movement")
        )
    with op.batch_alter_table("indicator") as batch:
        batch.add_column(
            sa.Column("unit_goal_wording", sa.String(300), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("levels", sa.String(16), nullable=False, server_default="every_unit")
        )


def downgrade() -> None:
    with op.batch_alter_table("indicator") as batch:
        batch.drop_column("levels")
        batch.drop_column("unit_goal_wording")
    with op.batch_alter_table("movement") as batch:
        batch.drop_column("kind")
