"""Suspicious values: a plan's thresholds for them and the flags raised on merged
statements, with staff's verification.

Revision ID: 0015_value_flags
Revises: 0014_deadlines
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_value_flags"
down_revision = "0014_deadlines"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "value_check_settings",
        sa.Column("plan_id", sa.String(length=64), nullable=False),
        sa.Column("settings_json", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", name=op.f("pk_value_check_settings")),
    )
    op.create_table(
        "value_flag",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.String(length=36), nullable=False),
        sa.Column("stream", sa.String(length=32), nullable=False),
        sa.Column("indicator_code", sa.String(length=32), nullable=False),
        sa.Column("check_kind", sa.String(length=32), nullable=False),
        sa.Column("values_json", sa.Text(), nullable=False),
        sa.Column("package_hash", sa.String(length=64), nullable=False),
        sa.Column("raised_at", sa.String(length=40), nullable=False),
        sa.Column("verified_at", sa.String(length=40), nullable=False),
        sa.Column("verified_by", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plan.id"], name=op.f("fk_value_flag_plan_id_plan"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_value_flag_unit_id_unit"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_value_flag")),
        sa.UniqueConstraint(
            "plan_id",
            "unit_id",
            "stream",
            "indicator_code",
            "check_kind",
            name=op.f("uq_value_flag_plan_id"),
        ),
    )
    op.create_index(
        "ix_value_flag_plan_verified", "value_flag", ["plan_id", "verified_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_value_flag_plan_verified", table_name="value_flag")
    op.drop_table("value_flag")
    op.drop_table("value_check_settings")
