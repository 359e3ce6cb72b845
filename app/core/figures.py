"""One truth for every figure: how a figure is judged, and how it reads.

Every surface that shows a figure — the federation's dashboard, its charts
and click-through, the unit's statement table, every printed form, the
province workbook's formulas, scoring and the command line — calls this
module. None judges or formats a figure on its own, so screen, paper and
Excel cannot disagree.

The rules, stated once:

- **Exact arithmetic.** From the stored integers to the verdict nothing is
  a float: a figure is a :class:`~fractions.Fraction`, a target's decimal
  text is read as an exact fraction, and "meets" compares cross-multiplied
  integers (:func:`condition`), the same way in Python, in SQL and in the
  workbook's formulas (:class:`Formula`).
- **One rounding rule**, for display only: half up on the exact value
  (:func:`app.core.format.half_up`); percentages show one decimal (13/16 reads
  81,3%), averages two, totals none.
- **A verdict only where the plan gives one.** Đạt / Không đạt is given in the
  stream the target is set for (its own period, else the year: the plan's
  last period), and at a scope where the target means something:

  * the whole province (the federation's own scope) — every target;
  * an upper-level union's area — the targets given down to that union, and
    the province's shares, ratios, averages and each-unit targets judged on
    the area's own units;
  * a cluster — the same shares, ratios, averages and each-unit targets.

  An absolute province total ("2.000 đoàn viên") at an area or a cluster is
  that scope's **contribution** to the province's target: shown as a share
  of it, never as a failure. In any other stream (the registration, a
  period before the year) a figure shows its **progress** against the
  target, with no verdict.
- **Units.** A unit's results are read against its own registered
  commitment (:func:`read_commitment`): progress in every period, a verdict
  only in the year (or in a period the plan sets a target for that covers
  the unit).
- **Counting units.** Counts are of applicable reporting units: never the
  federation itself, never a unit the target does not cover.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any

from app.core import domain
from app.core.errors import N_
from app.core.format import format_number, format_percent, format_vnd, half_up
from app.core.i18n import Translate, gettext
from db.enums import (
    REGISTRATION_STREAM,
    Comparison,
    GradeDirection,
    IndicatorKind,
    Rollup,
    Sector,
    TargetScope,
    UnitKind,
)

HUNDRED = Fraction(100)
PERCENT_PLACES = 1
AVERAGE_PLACES = 2
DASH = "—"
#: Separates a figure's text from the arithmetic behind it; printed tables set
#: what follows in a smaller size, screens put it in the tooltip.
BASIS = "\x1f"


# --- comparisons: the one definition of "meets" --------------------------------------------

#: How each wording of a target compares a figure with its value: the symbol
#: (for spreadsheet formulas) and the operator (for Python numbers and SQL).
#: "none" ("không có …") compares with zero.
COMPARATORS: dict[Comparison, tuple[str, Callable[[Any, Any], Any]]] = {
    Comparison.REACH: (">=", operator.ge),
    Comparison.AT_LEAST: (">=", operator.ge),
    Comparison.MORE_THAN: (">", operator.gt),
    Comparison.AT_MOST: ("<=", operator.le),
    Comparison.NONE: ("=", operator.eq),
}


def goal(comparison: Comparison, value: Decimal | Fraction) -> Fraction:
    """The exact number a figure is compared with (0 for "không có")."""
    return Fraction(0) if comparison is Comparison.NONE else Fraction(value)


def meets(comparison: Comparison, figure: Fraction, value: Decimal | Fraction) -> bool:
    """Whether the exact ``figure`` attains a target worded ``comparison value``."""
    return bool(COMPARATORS[comparison][1](figure, goal(comparison, value)))


def _terms(comparison: Comparison, value: Decimal | Fraction, scale: int) -> tuple[int, int]:
    """``(a, b)`` with ``N·scale/D ⋈ goal ⇔ N·a ⋈ D·b`` for any ``D > 0``."""
    exact = goal(comparison, value)
    return scale * exact.denominator, exact.numerator


def condition(
    comparison: Comparison,
    value: Decimal | Fraction,
    numerator: Any,
    denominator: Any = 1,
    *,
    scale: int = 1,
) -> Any:
    """``numerator·scale/denominator ⋈ goal`` as cross-multiplied integers.

    Works on Python integers (a bool) and on SQL column expressions (a SQL
    condition) alike; ``scale`` is 100 for a percentage. ``denominator``
    must be positive.
    """
    a, b = _terms(comparison, value, scale)
    left = numerator if a == 1 else numerator * a
    right = denominator if b == 1 else denominator * b
    return COMPARATORS[comparison][1](left, right)


def percent_condition(
    comparison: Comparison, value: Decimal | Fraction, numerator: Any, denominator: Any
) -> Any:
    """``numerator / denominator`` of a whole, as a percentage, against a goal in percent.

    :func:`condition` with ``scale=100``. A part never exceeds its whole
    (values are checked on entry), so a goal above 100% compares exactly as
    101% would; that keeps every product below 2^63 for SQL.
    """
    exact = goal(comparison, value)
    if exact > HUNDRED:
        exact = Fraction(101)
    return condition(comparison, exact, numerator, denominator, scale=100)


def amount_condition(comparison: Comparison, value: Decimal | Fraction, amount: Any) -> Any:
    """A whole ``amount`` against a goal, without multiplying it (amounts reach 10^15).

    An integer reaches 8,5 exactly when it reaches 9, exceeds 8,5 when it
    exceeds 8, and stays at most 8,5 when it stays at most 8.
    """
    exact = goal(comparison, value)
    if exact.denominator != 1:
        floor = exact.numerator // exact.denominator
        exact = Fraction(floor + 1 if COMPARATORS[comparison][0] == ">=" else floor)
    return COMPARATORS[comparison][1](amount, int(exact))


class Formula(str):
    """Spreadsheet formula text the comparisons above build on like numbers.

    ``condition(c, v, Formula("SUM(B:B)"), Formula("SUM(C:C)"), scale=100)``
    is the formula of the very test Python and SQL run, so a workbook's
    verdict is generated from the one definition, never written by hand.
    """

    __hash__ = str.__hash__

    def __mul__(self, other: object) -> Formula:
        return Formula(f"({self})*{other}")

    def __rmul__(self, other: object) -> Formula:
        return Formula(f"{other}*({self})")

    def __ge__(self, other: object) -> Formula:  # type: ignore[override]
        return Formula(f"{self}>={other}")

    def __gt__(self, other: object) -> Formula:  # type: ignore[override]
        return Formula(f"{self}>{other}")

    def __le__(self, other: object) -> Formula:  # type: ignore[override]
        return Formula(f"{self}<={other}")

    def __lt__(self, other: object) -> Formula:  # type: ignore[override]
        return Formula(f"{self}<{other}")

    def __eq__(self, other: object) -> Formula:  # type: ignore[override]
        return Formula(f"{self}={other}")


def percent_of(numerator: int, denominator: int | None) -> Fraction | None:
    """``numerator`` as an exact percentage of ``denominator`` (None without a base)."""
    if not denominator or denominator <= 0:
        return None
    return Fraction(numerator * 100, denominator)


# --- verdicts ------------------------------------------------------------------------------


class Verdict(StrEnum):
    """What a figure says about its target."""

    MET = "met"
    NOT_MET = "not_met"
    #: Before the stream the target is set for: progress only, no verdict.
    PROGRESS = "progress"
    #: An absolute province total at an area or cluster: its share of the target.
    CONTRIBUTION = "contribution"
    #: Nothing reported yet.
    NO_DATA = "no_data"
    #: Nothing to judge: no target, a text commitment, nothing registered.
    NONE = "none"


_VERDICT_WORDS: dict[Verdict, str] = {
    Verdict.MET: N_("Met"),
    Verdict.NOT_MET: N_("Not met"),
    Verdict.PROGRESS: N_("In progress"),
    Verdict.CONTRIBUTION: N_("Contribution"),
    Verdict.NO_DATA: N_("No data yet"),
    Verdict.NONE: "",
}


def verdict_text(verdict: Verdict, tr: Translate = gettext) -> str:
    """The verdict's word: "Đạt", "Không đạt", "Đang thực hiện", "Phần đóng góp"…"""
    words = _VERDICT_WORDS[verdict]
    return tr(words) if words else ""


def is_verdict(verdict: Verdict) -> bool:
    """Whether the figure is judged (Đạt or Không đạt)."""
    return verdict in (Verdict.MET, Verdict.NOT_MET)


# --- where a target is judged --------------------------------------------------------------


def judged_stream(plan: domain.Plan, target: domain.Target) -> str:
    """The stream a target is judged in: its own period, else the year's (last) period."""
    if target.period and any(p.code == target.period for p in plan.periods):
        return target.period
    return plan.final_period


def stream_order(plan: domain.Plan, stream: str) -> int:
    """The registration first, then the periods in the plan's order."""
    if stream == REGISTRATION_STREAM:
        return 0
    for index, period in enumerate(plan.periods, start=1):
        if period.code == stream:
            return index
    return len(plan.periods) + 1


def target_text(plan: domain.Plan, indicator: domain.Indicator, target: domain.Target) -> str:
    """A target as every surface names it: the plan's words, and the period it is set
    for when that is not the year ("6 tháng: 1.000 đoàn viên (6 tháng đầu năm 2017)")."""
    from app.core.format import format_target

    text = format_target(indicator, target)
    if target.period and target.period != plan.final_period:
        name = plan.period_name(target.period)
        if name.casefold() not in text.casefold():
            text = f"{text} ({name})"
    return text


def is_absolute_total(indicator: domain.Indicator, target: domain.Target) -> bool:
    """A target on a province total (Σ), which a part of the province only contributes to."""
    return indicator.rollup is Rollup.SUM and target.scope is TargetScope.AGGREGATE


class Measure(StrEnum):
    """What a roll-up figure counts."""

    TOTAL = "total"  # Σ amount
    PERCENT = "percent"  # Σ numerator / Σ denominator
    AVERAGE = "average"  # Σ amount / applicable units
    SHARE = "share"  # units meeting the unit goal / applicable units
    EACH_UNIT = "each_unit"  # units meeting the target / applicable units
    LISTED = "listed"  # text commitments: units that reported


def measure_of(indicator: domain.Indicator, target: domain.Target | None) -> Measure:
    if target is not None and target.scope is TargetScope.EACH_UNIT:
        return Measure.EACH_UNIT
    return {
        Rollup.SUM: Measure.TOTAL,
        Rollup.RATIO: Measure.PERCENT,
        Rollup.AVERAGE_PER_UNIT: Measure.AVERAGE,
        Rollup.SHARE_OF_UNITS: Measure.SHARE,
    }.get(indicator.rollup, Measure.LISTED)


class Against(StrEnum):
    """What a figure's attainment is a percentage of."""

    TARGET = "target"  # the target, in the stream it is judged in
    YEAR_TARGET = "year_target"  # the target, before its stream (progress)
    REGISTERED_TARGET = "registered_target"  # Σ commitments against the target
    PROVINCE_TARGET = "province_target"  # a part of the province's total
    UNITS_MEETING = "units_meeting"  # an each-unit target: the share of units meeting it
    PROVINCE_CEILING = "province_ceiling"  # a part of a province maximum ("không quá")
    COMMITMENT = "commitment"  # a unit's own registered value, judged
    YEAR_COMMITMENT = "year_commitment"  # a unit's own registered value, before the year


@dataclass(frozen=True)
class Figure:
    """One target's figure in one stream over one scope, judged.

    ``numerator``/``denominator`` are the integers behind it: Σ amount (no
    denominator) for totals; Σ numerator / Σ denominator for ratios; units
    meeting / applicable units for shares and each-unit targets; Σ amount /
    applicable units for averages. ``exact`` is the figure in the target's
    terms (a percentage for ratios and shares), None when nothing was
    reported. ``attainment`` is the figure as a percentage of what it is
    measured ``against``.
    """

    measure: Measure
    numerator: int
    denominator: int | None
    reporting_units: int
    applicable_units: int
    exact: Fraction | None
    verdict: Verdict
    attainment: Fraction | None = None
    against: Against = Against.TARGET

    @property
    def met(self) -> bool | None:
        """True / False where the figure is judged, else None."""
        if self.verdict is Verdict.MET:
            return True
        return False if self.verdict is Verdict.NOT_MET else None

    @property
    def value(self) -> Decimal | None:
        """The figure as shown, rounded half up (percent: 1 place, average: 2)."""
        if self.exact is None or self.measure is Measure.LISTED:
            return None
        if self.measure is Measure.TOTAL:
            return half_up(self.exact, 0)
        places = AVERAGE_PLACES if self.measure is Measure.AVERAGE else PERCENT_PLACES
        return half_up(self.exact, places)


def aggregate_condition(
    measure: Measure, target: domain.Target, numerator: Any, denominator: Any
) -> Any:
    """Whether a roll-up figure meets its target, over integers, SQL or :class:`Formula`.

    Totals compare the whole amount; averages cross-multiply by the units;
    percentages (ratios, shares, each-unit counts) by :func:`percent_condition`.
    """
    if measure is Measure.TOTAL:
        return amount_condition(target.comparison, target.value, numerator)
    if measure is Measure.AVERAGE:
        return condition(target.comparison, target.value, numerator, denominator)
    return percent_condition(target.comparison, target.value, numerator, denominator)


def judge_figure(
    plan: domain.Plan,
    indicator: domain.Indicator,
    target: domain.Target | None,
    *,
    stream: str,
    numerator: int,
    denominator: int | None,
    reporting_units: int,
    applicable_units: int,
    whole: bool,
    own: bool = False,
) -> Figure:
    """Judge one roll-up figure (see the module docstring for the rules).

    ``numerator``/``denominator`` as :class:`Figure` holds them; ``whole``
    when the scope is the whole province; ``own`` when ``target`` is given
    down to the scope's own unit.
    """
    measure = measure_of(indicator, target)
    exact: Fraction | None = None
    if reporting_units and measure is not Measure.LISTED:
        if measure is Measure.TOTAL:
            exact = Fraction(numerator)
        elif measure is Measure.AVERAGE:
            exact = Fraction(numerator, denominator) if denominator else None
        else:
            exact = percent_of(numerator, denominator)
    verdict: Verdict
    attainment: Fraction | None = None
    against = Against.TARGET
    if target is None or measure is Measure.LISTED:
        verdict = Verdict.NONE
    elif exact is None:
        verdict = Verdict.NO_DATA
    elif stream_order(plan, stream) > stream_order(plan, judged_stream(plan, target)):
        verdict = Verdict.NONE  # a target set for an earlier period says nothing here
    else:
        ceiling = target.comparison in (Comparison.AT_MOST, Comparison.NONE)
        if measure is Measure.EACH_UNIT:
            attainment, against = exact, Against.UNITS_MEETING
        elif not ceiling and target.value > 0:
            attainment = exact * 100 / Fraction(target.value)
        if not whole and not own and is_absolute_total(indicator, target):
            verdict, against = Verdict.CONTRIBUTION, Against.PROVINCE_TARGET
            if ceiling:
                against = Against.PROVINCE_CEILING
                if target.comparison is Comparison.AT_MOST and target.value > 0:
                    attainment = exact * 100 / Fraction(target.value)
        elif stream != judged_stream(plan, target):
            verdict = Verdict.PROGRESS
            if against is Against.TARGET:
                against = (
                    Against.REGISTERED_TARGET
                    if stream == REGISTRATION_STREAM
                    else Against.YEAR_TARGET
                )
        elif measure is Measure.EACH_UNIT:
            verdict = Verdict.MET if numerator == denominator else Verdict.NOT_MET
        else:
            verdict = (
                Verdict.MET
                if aggregate_condition(measure, target, numerator, denominator)
                else Verdict.NOT_MET
            )
    return Figure(
        measure=measure,
        numerator=numerator,
        denominator=denominator,
        reporting_units=reporting_units,
        applicable_units=applicable_units,
        exact=exact,
        verdict=verdict,
        attainment=attainment,
        against=against,
    )


# --- one unit ------------------------------------------------------------------------------


def grade_counts(plan: domain.Plan, target: domain.Target, grade: str | None) -> bool:
    """Whether a unit's grade is at or above (below) the target's level."""
    if grade is None or target.grade_level is None:
        return False
    try:
        rank, level = plan.grade_rank(grade), plan.grade_rank(target.grade_level)
    except KeyError:
        return False
    if target.grade_direction is GradeDirection.AT_OR_BELOW:
        return rank >= level
    return rank <= level


def unit_counts_towards(
    plan: domain.Plan,
    indicator: domain.Indicator,
    target: domain.Target | None,
    value: domain.UnitValue | None,
) -> bool | None:
    """Whether one unit's value counts towards a share or each-unit target.

    None where the target does not count units (sums, ratios, averages). A
    unit that sent nothing does not count. Yes counts for yes/no; a grade at
    or above (below) the target's level; a ratio reaching the indicator's
    unit goal; for a target every unit must meet, the unit's own amount or
    percentage against the target's value.
    """
    each_unit = target is not None and target.scope is TargetScope.EACH_UNIT
    if not each_unit and indicator.rollup is not Rollup.SHARE_OF_UNITS:
        return None
    if value is None or value.is_empty():
        return False
    if each_unit:
        assert target is not None
        return unit_value_meets(plan, indicator, target, value)
    if indicator.kind is IndicatorKind.YES_NO:
        return bool(value.flag)
    if indicator.kind is IndicatorKind.GRADE:
        return target is not None and grade_counts(plan, target, value.grade)
    if indicator.unit_goal_value is None or not value.denominator or value.numerator is None:
        return False
    return bool(
        percent_condition(
            unit_goal_comparison(indicator),
            indicator.unit_goal_value,
            value.numerator,
            value.denominator,
        )
    )


def unit_goal_comparison(indicator: domain.Indicator) -> Comparison:
    """How a unit's ratio is compared with the indicator's unit goal ("at least" by default;
    "none" makes no sense for a goal and reads as "at least")."""
    comparison = indicator.unit_goal_comparison
    if comparison is None or comparison is Comparison.NONE:
        return Comparison.AT_LEAST
    return comparison


def unit_value_meets(
    plan: domain.Plan,
    indicator: domain.Indicator,
    target: domain.Target,
    value: domain.UnitValue | None,
) -> bool:
    """Whether one unit's own value meets ``target`` (an every-unit target, or one
    given down to the unit): its amount, its percentage, yes, or its grade."""
    if value is None or value.is_empty():
        return False
    kind = indicator.kind
    if kind is IndicatorKind.RATIO:
        if not value.denominator or value.numerator is None:
            return False
        return bool(
            percent_condition(target.comparison, target.value, value.numerator, value.denominator)
        )
    if kind is IndicatorKind.YES_NO:
        return bool(value.flag)
    if kind is IndicatorKind.GRADE:
        return grade_counts(plan, target, value.grade)
    if value.amount is None:
        return False
    return bool(amount_condition(target.comparison, target.value, value.amount))


class Special(StrEnum):
    """A commitment that cannot be measured against in the usual way."""

    NONE = ""
    REGISTERED_ZERO = "registered_zero"  # a count or amount of 0 registered
    REGISTERED_TOTAL_ZERO = "registered_total_zero"  # a ratio over 0 registered: vs 100%
    NO_BASE = "no_base"  # a ratio achieved over a total of 0


@dataclass(frozen=True)
class Commitment:
    """A unit's achieved value read against its own registered commitment.

    ``progress`` is achieved as a percentage of the registered value (counts
    and money the amounts, ratios the two percentages, yes/no 100 or 0),
    None where there is no percentage (grades, text, nothing registered).
    """

    verdict: Verdict
    progress: Fraction | None
    special: Special = Special.NONE
    against: Against = Against.COMMITMENT


def _filled(value: domain.UnitValue | None) -> domain.UnitValue | None:
    return None if value is None or value.is_empty() else value


def commitment_progress(
    indicator: domain.Indicator,
    registered: domain.UnitValue | None,
    achieved: domain.UnitValue | None,
) -> tuple[Fraction | None, Special, bool | None]:
    """(progress %, special case, whether achieved reaches the commitment).

    The last is None when there is nothing to compare (nothing registered or
    achieved, a grade or a text).
    """
    registered, achieved = _filled(registered), _filled(achieved)
    if achieved is None:
        return None, Special.NONE, None
    kind = indicator.kind
    if kind is IndicatorKind.YES_NO:
        if achieved.flag is None:
            return None, Special.NONE, None
        return (HUNDRED if achieved.flag else Fraction(0)), Special.NONE, bool(achieved.flag)
    if kind in (IndicatorKind.COUNT, IndicatorKind.MONEY):
        if registered is None or registered.amount is None or achieved.amount is None:
            return None, Special.NONE, None
        if registered.amount == 0:
            return None, Special.REGISTERED_ZERO, True
        progress = Fraction(achieved.amount * 100, registered.amount)
        return progress, Special.NONE, achieved.amount >= registered.amount
    if kind is IndicatorKind.RATIO:
        if achieved.numerator is None or achieved.denominator is None:
            return None, Special.NONE, None
        if achieved.denominator == 0:
            return None, Special.NO_BASE, None
        got = Fraction(achieved.numerator, achieved.denominator)
        if registered is None or registered.numerator is None or registered.denominator is None:
            return None, Special.NONE, None
        if registered.denominator == 0:
            return got * 100, Special.REGISTERED_TOTAL_ZERO, got >= 1
        want = Fraction(registered.numerator, registered.denominator)
        if want == 0:
            return None, Special.REGISTERED_ZERO, True
        return got / want * 100, Special.NONE, got >= want
    return None, Special.NONE, None


def _grade_reaches(
    plan: domain.Plan, registered: domain.UnitValue | None, achieved: domain.UnitValue
) -> bool | None:
    if registered is None or registered.grade is None or achieved.grade is None:
        return None
    try:
        return plan.grade_rank(achieved.grade) <= plan.grade_rank(registered.grade)
    except KeyError:
        return None


def unit_period_targets(
    plan: domain.Plan,
    indicator: domain.Indicator,
    *,
    stream: str,
    unit_id: str,
    kind: UnitKind,
    sector: Sector | None,
) -> list[domain.Target]:
    """Targets set for a period before the year that judge one unit on its own:
    given down to the unit, or every-unit targets that cover its kind and sector."""
    if stream in (REGISTRATION_STREAM, plan.final_period):
        return []
    chosen = []
    for target in indicator.targets:
        if target.period != stream:
            continue
        if target.unit_id is not None:
            if target.unit_id == unit_id:
                chosen.append(target)
            continue
        if target.scope is not TargetScope.EACH_UNIT:
            continue
        if target.sectors and sector not in target.sectors:
            continue
        if target.unit_kinds and kind not in target.unit_kinds:
            continue
        chosen.append(target)
    return chosen


def read_unit_result(
    plan: domain.Plan,
    indicator: domain.Indicator,
    registered: domain.UnitValue | None,
    achieved: domain.UnitValue | None,
    *,
    stream: str,
    unit_id: str,
    kind: UnitKind,
    sector: Sector | None,
) -> Commitment:
    """:func:`read_commitment` for one unit, with the period targets that cover it:
    what the unit's statement table, its printed results report and scoring show."""
    return read_commitment(
        plan,
        indicator,
        registered,
        achieved,
        stream=stream,
        period_targets=unit_period_targets(
            plan, indicator, stream=stream, unit_id=unit_id, kind=kind, sector=sector
        ),
    )


def read_commitment(
    plan: domain.Plan,
    indicator: domain.Indicator,
    registered: domain.UnitValue | None,
    achieved: domain.UnitValue | None,
    *,
    stream: str,
    period_targets: list[domain.Target] | None = None,
) -> Commitment:
    """A unit's achieved value in ``stream`` against its registered commitment.

    In the year's stream: Đạt when the achieved value reaches the registered
    one (counts and money the amounts, ratios the exact fractions, a grade
    at or above the registered grade, yes/no when yes). In a period before
    the year: progress only, unless the plan sets a target for that period
    that covers the unit (``period_targets``, see :func:`unit_period_targets`),
    which then judges the achieved value.
    """
    registered, achieved = _filled(registered), _filled(achieved)
    if achieved is None:
        return Commitment(Verdict.NO_DATA, None)
    progress, special, reaches = commitment_progress(indicator, registered, achieved)
    if indicator.kind is IndicatorKind.GRADE:
        reaches = _grade_reaches(plan, registered, achieved)
    if stream != plan.final_period:
        if period_targets:
            met = all(unit_value_meets(plan, indicator, t, achieved) for t in period_targets)
            return Commitment(
                Verdict.MET if met else Verdict.NOT_MET, progress, special, Against.YEAR_COMMITMENT
            )
        verdict = Verdict.NONE if reaches is None else Verdict.PROGRESS
        return Commitment(verdict, progress, special, Against.YEAR_COMMITMENT)
    if reaches is None:
        return Commitment(Verdict.NONE, progress, special)
    return Commitment(Verdict.MET if reaches else Verdict.NOT_MET, progress, special)


# --- how it reads --------------------------------------------------------------------------

_AGAINST_WORDS: dict[Against, str] = {
    Against.TARGET: N_("{percent} of the target"),
    Against.YEAR_TARGET: N_("{percent} of the year's target"),
    Against.REGISTERED_TARGET: N_("registered {percent} of the target"),
    Against.PROVINCE_TARGET: N_("{percent} of the province's target"),
    Against.UNITS_MEETING: N_("{percent} of the units meet it"),
    Against.PROVINCE_CEILING: N_("{percent} of the province's maximum"),
    Against.COMMITMENT: N_("{percent} of the registered"),
    Against.YEAR_COMMITMENT: N_("{percent} of the year's registered"),
}


def percent_text(value: Fraction | None) -> str:
    """A percentage as every surface shows it: ``81,3%``; ``—`` for none."""
    return format_percent(value, PERCENT_PLACES) if value is not None else DASH


def attainment_text(percent: Fraction | None, against: Against, tr: Translate = gettext) -> str:
    """``"bằng 28% chỉ tiêu của tỉnh"``, ``"đạt 47,6% mức đăng ký cả năm"``; "" for none."""
    if percent is None:
        return ""
    return tr(_AGAINST_WORDS[against]).format(percent=percent_text(percent))


def figure_text(indicator: domain.Indicator, figure: Figure | None, tr: Translate = gettext) -> str:
    """The figure itself: ``2.182``, ``89,9%``, ``1,47``; ``—`` for none.

    Percentages show one decimal and averages two, always (``89,0%``,
    ``1,50``), as the workbook's number formats do. A target every unit must
    meet reads as the share of units meeting it (``75,0%``; the basis says
    ``6 of 8 units meet it``).
    """
    if figure is None or figure.reporting_units == 0:
        return DASH
    if figure.measure is Measure.LISTED:
        return tr(N_("{count} units")).format(count=format_number(figure.reporting_units))
    if figure.exact is None:
        return DASH
    if figure.measure is Measure.TOTAL:
        if indicator.kind is IndicatorKind.MONEY:
            return format_vnd(figure.numerator)
        return format_number(figure.numerator)
    if figure.measure is Measure.AVERAGE:
        return format_number(figure.exact, AVERAGE_PLACES, fixed=True)
    return percent_text(figure.exact)


def basis_text(figure: Figure | None, tr: Translate = gettext) -> str:
    """The arithmetic behind a figure: ``3.383 / 3.764``, ``17 / 20 đơn vị``, ``tổng 250``."""
    if figure is None or figure.reporting_units == 0:
        return tr(N_("No unit has sent a value yet."))
    numerator = format_number(figure.numerator)
    denominator = format_number(figure.denominator or 0)
    if figure.measure is Measure.PERCENT:
        return f"{numerator} / {denominator}"
    if figure.measure is Measure.SHARE:
        return tr(N_("{count} of {units} units")).format(count=numerator, units=denominator)
    if figure.measure is Measure.EACH_UNIT:
        return tr(N_("{met} of {units} units meet it")).format(met=numerator, units=denominator)
    if figure.measure is Measure.AVERAGE:
        return tr(N_("total {total}")).format(total=numerator)
    return tr(N_("{count} units reported")).format(count=format_number(figure.reporting_units))


def figure_with_basis(
    indicator: domain.Indicator, figure: Figure | None, tr: Translate = gettext
) -> str:
    """Figure and basis for a printed cell (:data:`BASIS` between them); totals alone."""
    text = figure_text(indicator, figure, tr)
    if figure is None or text == DASH or figure.measure in (Measure.TOTAL, Measure.LISTED):
        return text
    return f"{text}{BASIS}{basis_text(figure, tr)}"


def figure_attainment_text(figure: Figure | None, tr: Translate = gettext) -> str:
    """A figure's attainment against what it is measured against ("" for none)."""
    if figure is None:
        return ""
    return attainment_text(figure.attainment, figure.against, tr)


def figure_verdict_text(figure: Figure | None, tr: Translate = gettext) -> str:
    """The verdict of a figure ("Chưa có số liệu" for a missing one)."""
    if figure is None:
        return verdict_text(Verdict.NO_DATA, tr)
    return verdict_text(figure.verdict, tr)


def commitment_progress_text(
    indicator: domain.Indicator, reading: Commitment, tr: Translate = gettext
) -> str:
    """``47,6%`` — the progress shown beside a unit's value ("" where there is none).

    Yes/no shows no percentage (it is yes or no).
    """
    if reading.progress is None or indicator.kind is IndicatorKind.YES_NO:
        return ""
    return percent_text(reading.progress)


def measure_text(indicator: domain.Indicator, tr: Translate = gettext) -> str:
    """The unit of measure of one unit's value: "Có/Không" for yes/no, "Xếp loại" for a
    grade (the plan's "%" is the province's share of units, not the unit's answer)."""
    if indicator.kind is IndicatorKind.YES_NO:
        return tr(N_("Yes/No"))
    if indicator.kind is IndicatorKind.GRADE:
        return tr(N_("Grade"))
    if indicator.kind is IndicatorKind.TEXT:
        return ""
    return indicator.unit_of_measure


def value_text(
    plan: domain.Plan,
    indicator: domain.Indicator,
    value: domain.UnitValue | None,
    tr: Translate = gettext,
    *,
    with_percent: bool = True,
) -> str:
    """One unit's value: ``1.250``, ``15.000.000 đ``, ``380/420 (90,5%)``, ``Có``.

    "" when nothing was entered. ``with_percent=False`` leaves the ratio's
    percentage out (how it is typed).
    """
    return value_text_of(indicator.kind, plan.grade_levels, value, tr, with_percent=with_percent)


def value_text_of(
    kind: IndicatorKind,
    grade_levels: tuple[domain.GradeLevel, ...],
    value: domain.UnitValue | None,
    tr: Translate = gettext,
    *,
    with_percent: bool = True,
) -> str:
    """:func:`value_text` from an indicator's kind and the year's grade scale."""
    if value is None or value.is_empty():
        return ""
    if kind is IndicatorKind.MONEY and value.amount is not None:
        return format_vnd(value.amount)
    if kind is IndicatorKind.COUNT and value.amount is not None:
        return format_number(value.amount)
    if kind is IndicatorKind.RATIO:
        num = "" if value.numerator is None else format_number(value.numerator)
        den = "" if value.denominator is None else format_number(value.denominator)
        text = f"{num}/{den}"
        percent = (
            percent_of(value.numerator, value.denominator) if value.numerator is not None else None
        )
        if with_percent and percent is not None:
            text += f" ({percent_text(percent)})"
        return text
    if kind is IndicatorKind.YES_NO and value.flag is not None:
        return tr(N_("Yes")) if value.flag else tr(N_("No"))
    if kind is IndicatorKind.GRADE and value.grade:
        return next((g.label for g in grade_levels if g.code == value.grade), value.grade)
    return value.text or ""


__all__ = [
    "BASIS",
    "COMPARATORS",
    "DASH",
    "HUNDRED",
    "Against",
    "Commitment",
    "Figure",
    "Formula",
    "Measure",
    "Special",
    "Verdict",
    "aggregate_condition",
    "amount_condition",
    "attainment_text",
    "basis_text",
    "commitment_progress",
    "commitment_progress_text",
    "condition",
    "figure_attainment_text",
    "figure_text",
    "figure_verdict_text",
    "figure_with_basis",
    "goal",
    "grade_counts",
    "is_absolute_total",
    "is_verdict",
    "judge_figure",
    "judged_stream",
    "measure_of",
    "measure_text",
    "meets",
    "percent_condition",
    "percent_of",
    "percent_text",
    "read_commitment",
    "read_unit_result",
    "stream_order",
    "target_text",
    "unit_counts_towards",
    "unit_goal_comparison",
    "unit_period_targets",
    "unit_value_meets",
    "value_text",
    "value_text_of",
]
