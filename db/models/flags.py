"""Suspicious values: the checks a federation tunes per plan, and the flags they raise
on merged statements, with staff's verification (0015_value_flags)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base


class ValueCheckSettings(Base):
    """A plan's thresholds for suspicious values, as JSON.

    No foreign key to ``plan``, as :class:`ScoringRules`: rewriting the plan
    document must not drop them. Without a row the default thresholds apply.
    """

    __tablename__ = "value_check_settings"

    plan_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    settings_json: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[str] = mapped_column(String(40), default="")
    updated_by: Mapped[str] = mapped_column(String(200), default="")


class ValueFlag(Base):
    """A suspicious value in a unit's merged statement of one stream.

    ``indicator_code`` is empty for a check on the unit itself (members more
    than workers). ``values_json`` holds the figures that raised it; a flag
    whose figures are unchanged keeps its verification when recomputed.
    """

    __tablename__ = "value_flag"
    __table_args__ = (
        UniqueConstraint("plan_id", "unit_id", "stream", "indicator_code", "check_kind"),
        Index("ix_value_flag_plan_verified", "plan_id", "verified_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    unit_id: Mapped[str] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    stream: Mapped[str] = mapped_column(String(32))
    indicator_code: Mapped[str] = mapped_column(String(32), default="")
    check_kind: Mapped[str] = mapped_column(String(32))
    values_json: Mapped[str] = mapped_column(Text, default="{}")
    package_hash: Mapped[str] = mapped_column(String(64), default="")
    raised_at: Mapped[str] = mapped_column(String(40), default="")
    verified_at: Mapped[str] = mapped_column(String(40), default="")
    verified_by: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
