"""A cluster's code holds its name as federations write it.

The roster's "Cụm thi đua" column is both the cluster's code and its name; a
realistic name ("Cụm thi đua các doanh nghiệp ngoài nhà nước", 43 characters)
did not fit the 32 characters the code had, and PostgreSQL refused the whole
roster. 120 characters, checked row by row on import.

Revision ID: 0010_cluster_name_length
Revises: 0009_narrative_and_awards
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_cluster_name_length"
down_revision = "0009_narrative_and_awards"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cluster") as batch:
        batch.alter_column("code", existing_type=sa.String(32), type_=sa.String(120))


def downgrade() -> None:
    with op.batch_alter_table("cluster") as batch:
        batch.alter_column("code", existing_type=sa.String(120), type_=sa.String(32))
