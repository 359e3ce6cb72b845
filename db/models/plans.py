"""A year's emulation plan: its grade scale, periods, movements, and the indicators and
targets of its targets section."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.enums import Comparison, GradeDirection, IndicatorKind, Rollup, TargetScope
from db.models.base import Base, enum_column, new_id


class Plan(Base):
    """A year's emulation plan (kế hoạch thi đua) issued by a federation."""

    __tablename__ = "plan"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    issuer: Mapped[str] = mapped_column(String(300))
    parent_issuer: Mapped[str] = mapped_column(String(300), default="")
    number: Mapped[str] = mapped_column(String(64), default="")
    issued_on: Mapped[dt.date | None] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(100), default="")
    title: Mapped[str] = mapped_column(Text)
    theme: Mapped[str] = mapped_column(Text, default="")
    signer_name: Mapped[str] = mapped_column(String(200), default="")
    signer_title: Mapped[str] = mapped_column(String(200), default="")
    #: The plan's prose (purposes, contents, organisation, recipients) as JSON,
    #: kept so the plan can be printed as issued.
    body_json: Mapped[str] = mapped_column(Text, default="{}")
    #: The titles and commendations the plan offers, as JSON (0009_narrative_and_awards).
    awards_json: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    #: SHA-256 of the canonical plan document; packages refer to it.
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)

    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="Indicator.sort_order"
    )


class GradeLevel(Base):
    """One level of the plan year's grade scale; rank 1 is the best."""

    __tablename__ = "grade_level"
    __table_args__ = (UniqueConstraint("plan_id", "rank"),)

    plan_id: Mapped[str] = mapped_column(
        ForeignKey("plan.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    rank: Mapped[int] = mapped_column(Integer)


class Period(Base):
    """A reporting period of a plan (6 months, year)."""

    __tablename__ = "period"

    plan_id: Mapped[str] = mapped_column(
        ForeignKey("plan.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[dt.date | None] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Movement(Base):
    """A phong trào thi đua launched by the plan."""

    __tablename__ = "movement"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(Text)
    goal: Mapped[str] = mapped_column(Text, default="")
    #: Comma-separated :class:`Sector` values, empty for every sector.
    sectors: Mapped[str] = mapped_column(String(200), default="")
    #: A :class:`db.enums.MovementKind` value.
    kind: Mapped[str] = mapped_column(String(16), default="movement", server_default="movement")
    launched_on: Mapped[dt.date | None] = mapped_column(Date)
    review_on: Mapped[dt.date | None] = mapped_column(Date)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class IndicatorGroup(Base):
    """A numbered item of the plan's targets section ("2", "9", "9a").

    Holds the item's full wording; the measurable parts are indicators.
    """

    __tablename__ = "indicator_group"

    plan_id: Mapped[str] = mapped_column(
        ForeignKey("plan.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    parent_code: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Indicator(Base):
    """One measurable chỉ tiêu of a plan, with one kind of value."""

    __tablename__ = "indicator"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    group_code: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[IndicatorKind] = mapped_column(enum_column(IndicatorKind, "indicator_kind"))
    rollup: Mapped[Rollup] = mapped_column(enum_column(Rollup, "rollup"))
    unit_of_measure: Mapped[str] = mapped_column(String(64), default="")
    numerator_label: Mapped[str] = mapped_column(String(300), default="")
    denominator_label: Mapped[str] = mapped_column(String(300), default="")
    #: Comma-separated :class:`Sector` values the indicator applies to; empty = all.
    sectors: Mapped[str] = mapped_column(String(200), default="")
    #: Comma-separated :class:`UnitKind` values that report it; empty = all.
    unit_kinds: Mapped[str] = mapped_column(String(100), default="")
    #: For ``share_of_units`` over a ratio: when one unit counts as meeting it.
    unit_goal_comparison: Mapped[Comparison | None] = mapped_column(
        enum_column(Comparison, "unit_goal_comparison")
    )
    unit_goal_value: Mapped[str | None] = mapped_column(String(32))
    #: The plan's own words for the unit goal ("80% trở lên công nhân, lao động").
    unit_goal_wording: Mapped[str] = mapped_column(String(300), default="", server_default="")
    #: A :class:`db.enums.Levels` value: how a sum counts the levels of the organisation.
    levels: Mapped[str] = mapped_column(
        String(16), default="every_unit", server_default="every_unit"
    )
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    plan: Mapped[Plan] = relationship(back_populates="indicators")
    targets: Mapped[list[Target]] = relationship(
        back_populates="indicator", cascade="all, delete-orphan", order_by="Target.sort_order"
    )


class Target(Base):
    """A target on an indicator, for a set of sectors/kinds or one unit.

    ``value`` is decimal text: a percentage for ratio and share roll-ups, a
    count or VND amount for sums, a per-unit figure for averages.
    """

    __tablename__ = "target"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    indicator_id: Mapped[str] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    comparison: Mapped[Comparison] = mapped_column(enum_column(Comparison, "comparison"))
    value: Mapped[str] = mapped_column(String(32))
    scope: Mapped[TargetScope] = mapped_column(
        enum_column(TargetScope, "target_scope"), default=TargetScope.AGGREGATE
    )
    sectors: Mapped[str] = mapped_column(String(200), default="")
    unit_kinds: Mapped[str] = mapped_column(String(100), default="")
    #: Set when the target is given down to one unit.
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    grade_level: Mapped[str | None] = mapped_column(String(32))
    grade_direction: Mapped[GradeDirection | None] = mapped_column(
        enum_column(GradeDirection, "grade_direction")
    )
    #: The plan's own words for this target, e.g. "trên 85%".
    wording: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    #: The period code the target is set for; NULL is the year (0008_target_period).
    period: Mapped[str | None] = mapped_column(String(32))

    indicator: Mapped[Indicator] = relationship(back_populates="targets")
