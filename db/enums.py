"""Closed vocabularies shared by the database and the core.

They live in ``db`` because the schema stores them; ``app`` re-exports them.
Values are stable identifiers written into databases and packages: never
rename one, add a new one instead.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What this installation is: the federation or a reporting unit."""

    FEDERATION = "federation"
    UNIT = "unit"


class UnitKind(StrEnum):
    """Level of a union in the organisation tree."""

    FEDERATION = "federation"  # Liên đoàn Lao động tỉnh
    UPPER = "upper"  # công đoàn cấp trên trực tiếp cơ sở
    GRASSROOTS = "grassroots"  # công đoàn cơ sở (CĐCS)


class Sector(StrEnum):
    """The kind of employer a union sits in; targets often split by it."""

    ADMINISTRATIVE = "administrative"  # cơ quan hành chính, đơn vị sự nghiệp
    STATE_ENTERPRISE = "state_enterprise"  # doanh nghiệp nhà nước
    NON_STATE_ENTERPRISE = "non_state_enterprise"  # doanh nghiệp ngoài nhà nước
    FDI = "fdi"  # doanh nghiệp có vốn đầu tư nước ngoài (ngoài nhà nước)


#: Sector groups the plans speak of. "Non-state" includes foreign-invested
#: enterprises, as in the 2017 plan's wording.
SECTOR_GROUPS: dict[str, tuple[Sector, ...]] = {
    "enterprise": (Sector.STATE_ENTERPRISE, Sector.NON_STATE_ENTERPRISE, Sector.FDI),
    "non_state": (Sector.NON_STATE_ENTERPRISE, Sector.FDI),
}


class IndicatorKind(StrEnum):
    """What a unit types for an indicator."""

    COUNT = "count"
    MONEY = "money"  # integer VND
    RATIO = "ratio"  # numerator of denominator
    YES_NO = "yes_no"
    GRADE = "grade"  # a level of the plan's grade scale
    TEXT = "text"


class Rollup(StrEnum):
    """How unit values combine over a subtree of the organisation."""

    SUM = "sum"
    RATIO = "ratio"  # sum of numerators over sum of denominators
    SHARE_OF_UNITS = "share_of_units"  # share of applicable units that meet the unit goal
    AVERAGE_PER_UNIT = "average_per_unit"  # sum over the number of applicable units
    NONE = "none"  # text: listed, not computed


class Comparison(StrEnum):
    """How a target is worded, and so how attainment is judged.

    ``reach`` is a plain figure ("100%"), judged as at least; ``at_least`` is
    "trở lên" / "ít nhất" / "từ … trở lên"; ``more_than`` is "trên";
    ``none`` is "không có" (the value must be zero).
    """

    REACH = "reach"
    AT_LEAST = "at_least"
    MORE_THAN = "more_than"
    AT_MOST = "at_most"
    NONE = "none"


class TargetScope(StrEnum):
    """Whether a target is met by the aggregate or by every unit on its own."""

    AGGREGATE = "aggregate"
    EACH_UNIT = "each_unit"


class Levels(StrEnum):
    """How a summed indicator counts the levels of the organisation.

    ``every_unit``: every unit's value is added. ``area_total``: an upper-level union
    reports its area's total, so where it reported, the values of the units directly
    under it are not added again (a scope that holds both counts the union's total; a
    scope without the union counts its members). See :mod:`app.rollup.cache`.
    """

    EVERY_UNIT = "every_unit"
    AREA_TOTAL = "area_total"


class MovementKind(StrEnum):
    """What a plan's movement is: a phong trào thi đua, a cuộc vận động (III.4), a short
    themed campaign (thi đua ngắn hạn theo đợt, chuyên đề, IV.3) or the đề tài and sáng kiến
    units register (IV.3); units join each the same way, in their registration."""

    MOVEMENT = "movement"
    CAMPAIGN = "campaign"
    SHORT_TERM = "short_term"
    INITIATIVE = "initiative"


class GradeDirection(StrEnum):
    """For grade targets: count the units at or above, or at or below, a level."""

    AT_OR_ABOVE = "at_or_above"
    AT_OR_BELOW = "at_or_below"


#: The registration stream; reporting streams use the plan's period codes.
REGISTRATION_STREAM = "registration"
