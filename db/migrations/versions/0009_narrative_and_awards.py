"""A period report's narrative, and the titles and commendations a plan offers.

Three text columns on ``statement`` (empty for every existing statement and
for registrations): đánh giá chung, tồn tại / hạn chế, phương hướng — typed
by the unit, carried in its report package, printed on its results report.
``plan.awards_json``: the forms of commendation the plan lists (label, issuing
level, collective and/or individual), which a unit picks its titles from.
``outbox.sent_values_json``: the values a unit last sent in a stream, so the
review before sending shows what changed since.

Revision ID: 0009_narrative_and_awards
Revises: 0008_target_period
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_narrative_and_awards"
down_revision = "0008_target_period"
branch_labels = None
depends_on = None

COLUMNS = ("assessment", "shortcomings", "direction")


def upgrade() -> None:
    with op.batch_alter_table("statement") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("plan") as batch:
        batch.add_column(sa.Column("awards_json", sa.Text(), nullable=False, server_default="[]"))
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(
            sa.Column("sent_values_json", sa.Text(), nullable=False, server_default="{}")
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("sent_values_json")
    with op.batch_alter_table("plan") as batch:
        batch.drop_column("awards_json")
    with op.batch_alter_table("statement") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
