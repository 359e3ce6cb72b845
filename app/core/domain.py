"""Frozen domain values: what services return and the UI displays.

ORM objects never leave a service; these do. Decimal figures stay
:class:`~decimal.Decimal` so "99,1%" is never a float artefact.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from app.core.records import quick_init
from db.enums import (
    REGISTRATION_STREAM,
    SECTOR_GROUPS,
    Comparison,
    GradeDirection,
    IndicatorKind,
    Levels,
    MovementKind,
    Role,
    Rollup,
    Sector,
    TargetScope,
    UnitKind,
)

__all__ = [
    "REGISTRATION_STREAM",
    "SECTOR_GROUPS",
    "Award",
    "Cluster",
    "Comparison",
    "GradeDirection",
    "GradeLevel",
    "Indicator",
    "IndicatorGroup",
    "IndicatorKind",
    "Installation",
    "Movement",
    "Narrative",
    "Period",
    "Plan",
    "PlanSummary",
    "Role",
    "Rollup",
    "RosterUnit",
    "Sector",
    "Target",
    "TargetScope",
    "UnitKind",
    "UnitValue",
]


@dataclass(frozen=True)
class Installation:
    """Who this database belongs to."""

    role: Role
    own_unit_id: str
    own_unit_name: str
    language: str


@dataclass(frozen=True)
class GradeLevel:
    code: str
    label: str
    rank: int  # 1 is the best


@dataclass(frozen=True)
class Period:
    code: str
    name: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    due_on: dt.date | None


@dataclass(frozen=True)
class Movement:
    id: str
    code: str
    name: str
    goal: str
    sectors: tuple[Sector, ...]
    launched_on: dt.date | None
    review_on: dt.date | None
    kind: MovementKind = MovementKind.MOVEMENT

    def offered_to(self, sector: Sector | None) -> bool:
        """Whether a unit of this sector may join the movement: every unit when the plan
        limits it to no sector; a unit whose sector is not known yet is offered all."""
        return not self.sectors or sector is None or sector in self.sectors


@dataclass(frozen=True)
class Target:
    """A target on an indicator; see :class:`db.models.Target`."""

    comparison: Comparison
    value: Decimal
    wording: str
    scope: TargetScope = TargetScope.AGGREGATE
    sectors: tuple[Sector, ...] = ()
    unit_kinds: tuple[UnitKind, ...] = ()
    unit_id: str | None = None
    grade_level: str | None = None
    grade_direction: GradeDirection | None = None
    #: The reporting period the target is set for (a period code of the plan);
    #: None is the year, i.e. the plan's last period. How a figure is judged
    #: against it is :mod:`app.core.figures`' business, never this value's.
    period: str | None = None


@dataclass(frozen=True)
class Award:
    """A title or form of commendation the plan offers, with who issues it."""

    label: str  # "Cờ thi đua của LĐLĐ tỉnh Tuyên Quang"
    level: str  # "LĐLĐ tỉnh"
    collective: bool = True
    individual: bool = False


@dataclass(frozen=True)
class IndicatorGroup:
    code: str
    parent_code: str | None
    text: str


@dataclass(frozen=True)
class Indicator:
    id: str
    code: str
    group_code: str
    title: str
    kind: IndicatorKind
    rollup: Rollup
    unit_of_measure: str
    numerator_label: str
    denominator_label: str
    sectors: tuple[Sector, ...]
    unit_kinds: tuple[UnitKind, ...]
    unit_goal_comparison: Comparison | None
    unit_goal_value: Decimal | None
    targets: tuple[Target, ...]
    #: The plan's own words for the unit goal; empty when it has none.
    unit_goal_wording: str = ""
    #: How a sum counts the levels (an upper-level union's area total counted once).
    levels: Levels = Levels.EVERY_UNIT

    def applies_to(self, kind: UnitKind, sector: Sector | None) -> bool:
        """Whether a unit of this kind and sector reports the indicator."""
        if self.unit_kinds and kind not in self.unit_kinds:
            return False
        return not self.sectors or sector in self.sectors


@dataclass(frozen=True)
class PlanSummary:
    id: str
    year: int
    issuer: str
    number: str
    issued_on: dt.date | None
    title: str
    builtin: bool


@dataclass(frozen=True)
class Plan:
    id: str
    year: int
    issuer: str
    parent_issuer: str
    number: str
    issued_on: dt.date | None
    place: str
    title: str
    theme: str
    signer_name: str
    signer_title: str
    content_hash: str
    builtin: bool
    periods: tuple[Period, ...]
    grade_levels: tuple[GradeLevel, ...]
    movements: tuple[Movement, ...]
    groups: tuple[IndicatorGroup, ...]
    indicators: tuple[Indicator, ...]
    body: dict[str, object] = field(default_factory=dict, compare=False, hash=False)
    awards: tuple[Award, ...] = ()

    def indicator(self, code: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise KeyError(code)

    def grade_rank(self, code: str) -> int:
        for level in self.grade_levels:
            if level.code == code:
                return level.rank
        raise KeyError(code)

    @property
    def streams(self) -> tuple[str, ...]:
        """What a unit reports on this plan, in order: registration, then each period."""
        return (REGISTRATION_STREAM, *(p.code for p in self.periods))

    @property
    def final_period(self) -> str:
        """The stream the year's targets are judged in: the last reporting period."""
        return self.periods[-1].code if self.periods else REGISTRATION_STREAM

    def period_name(self, code: str) -> str:
        for period in self.periods:
            if period.code == code:
                return period.name
        return code


@dataclass(frozen=True)
class RosterUnit:
    """A unit as it sits in one year's roster."""

    id: str
    code: str | None
    name: str
    kind: UnitKind
    sector: Sector | None
    parent_id: str | None
    cluster_code: str | None
    member_count: int
    worker_count: int
    phone: str
    email: str
    #: Whether it leads its cluster (cụm trưởng) that year.
    leader: bool = False
    #: The union chair's name (the roster's contact for call-backs).
    chair: str = ""


@dataclass(frozen=True)
class Cluster:
    id: str
    year: int
    code: str
    name: str
    leader_unit_id: str | None


@dataclass(frozen=True)
class Narrative:
    """What a period's report says in words: the overall assessment, the shortcomings,
    and the direction for the next period (đánh giá chung, tồn tại, phương hướng)."""

    assessment: str = ""
    shortcomings: str = ""
    direction: str = ""

    def is_empty(self) -> bool:
        return not (self.assessment.strip() or self.shortcomings.strip() or self.direction.strip())


@quick_init  # an import builds 60 per package
@dataclass(frozen=True)
class UnitValue:
    """A unit's value for one indicator; the fields used depend on the kind."""

    amount: int | None = None
    numerator: int | None = None
    denominator: int | None = None
    flag: bool | None = None
    grade: str | None = None
    text: str | None = None
    note: str = ""

    def is_empty(self) -> bool:
        return (
            self.amount is None
            and self.numerator is None
            and self.denominator is None
            and self.flag is None
            and self.grade is None
            and not self.text
        )
