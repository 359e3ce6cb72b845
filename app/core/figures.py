"""One truth for every figure: how a figure is judged, and how it reads.

Every surface that shows a figure — the federation's dashboard, its charts
and click-through, the unit's statement table, every printed form, the
province workbook's formulas, scoring and the command line — calls this
module. None judges or formats a figure on its own, so screen, paper and
Excel cannot disagree.

This module is the judge; it also offers, under the same names, the pieces
it stands on: how any comparison is made (:mod:`app.core.comparisons`),
what a verdict and a judged figure are (:mod:`app.core.verdicts`) and how a
figure reads (:mod:`app.core.figure_display`).

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

from fractions import Fraction
from typing import Any

from app.core import domain
from app.core.comparisons import (
    COMPARATORS,
    HUNDRED,
    Formula,
    amount_condition,
    condition,
    goal,
    meets,
    percent_condition,
    percent_of,
)
from app.core.figure_display import (
    BASIS,
    DASH,
    attainment_text,
    basis_text,
    commitment_progress_text,
    figure_attainment_text,
    figure_text,
    figure_verdict_text,
    figure_with_basis,
    measure_text,
    percent_text,
    target_text,
    unit_goal_comparison,
    unit_goal_text,
    value_text,
    value_text_of,
    verdict_text,
    verdict_word,
)
from app.core.verdicts import (
    AVERAGE_PLACES,
    PERCENT_PLACES,
    Against,
    Commitment,
    Figure,
    Measure,
    Special,
    Verdict,
    is_verdict,
)
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


def is_absolute_total(indicator: domain.Indicator, target: domain.Target) -> bool:
    """A target on a province total (Σ), which a part of the province only contributes to."""
    return indicator.rollup is Rollup.SUM and target.scope is TargetScope.AGGREGATE


def measure_of(indicator: domain.Indicator, target: domain.Target | None) -> Measure:
    if target is not None and target.scope is TargetScope.EACH_UNIT:
        return Measure.EACH_UNIT
    return {
        Rollup.SUM: Measure.TOTAL,
        Rollup.RATIO: Measure.PERCENT,
        Rollup.AVERAGE_PER_UNIT: Measure.AVERAGE,
        Rollup.SHARE_OF_UNITS: Measure.SHARE,
    }.get(indicator.rollup, Measure.LISTED)


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


def _filled(value: domain.UnitValue | None) -> domain.UnitValue | None:
    return None if value is None or value.is_empty() else value


#: A progress percentage as integers (numerator, denominator > 0), not reduced: what
#: :func:`commitment_progress_parts` gives and :func:`commitment_progress` makes a Fraction of.
ProgressParts = tuple[int, int]


def _signed(numerator: int, denominator: int) -> ProgressParts:
    """``numerator / denominator`` with the denominator made positive (it is never 0)."""
    return (-numerator, -denominator) if denominator < 0 else (numerator, denominator)


# Looked up once: an enum member read from its class costs ten times a global.
_YES_NO, _COUNT, _MONEY, _RATIO = (
    IndicatorKind.YES_NO,
    IndicatorKind.COUNT,
    IndicatorKind.MONEY,
    IndicatorKind.RATIO,
)
_NONE, _NO_BASE, _REGISTERED_ZERO, _REGISTERED_TOTAL_ZERO = (
    Special.NONE,
    Special.NO_BASE,
    Special.REGISTERED_ZERO,
    Special.REGISTERED_TOTAL_ZERO,
)


def commitment_progress_parts(
    kind: IndicatorKind,
    registered: domain.UnitValue | None,
    achieved: domain.UnitValue | None,
) -> tuple[ProgressParts | None, Special, bool | None]:
    """:func:`commitment_progress` in integers: the progress % as (numerator, denominator),
    the denominator positive, the fraction not reduced (no gcd, no Fraction built).

    For scoring many units: compare it by cross-multiplying, and make the
    Fraction (``Fraction(*parts)``) only when the figure is shown.
    """
    if registered is not None and registered.is_empty():
        registered = None
    if achieved is None or achieved.is_empty():
        return None, _NONE, None
    return filled_progress_parts(kind, registered, achieved)


def filled_progress_parts(
    kind: IndicatorKind,
    registered: domain.UnitValue | None,
    achieved: domain.UnitValue,
) -> tuple[ProgressParts | None, Special, bool | None]:
    """:func:`commitment_progress_parts` of values already known to be filled: ``achieved``
    not empty, ``registered`` None or not empty (scoring the country looks once)."""
    if kind is _COUNT or kind is _MONEY:
        if registered is None:
            return None, _NONE, None
        want, got = registered.amount, achieved.amount
        if want is None or got is None:
            return None, _NONE, None
        if want == 0:
            return None, _REGISTERED_ZERO, True
        parts = (got * 100, want) if want > 0 else (-got * 100, -want)
        return parts, _NONE, got >= want
    if kind is _RATIO:
        got_n, got_d = achieved.numerator, achieved.denominator
        if got_n is None or got_d is None:
            return None, _NONE, None
        if got_d == 0:
            return None, _NO_BASE, None
        if got_d < 0:
            got_n, got_d = -got_n, -got_d
        if registered is None:
            return None, _NONE, None
        want_n, want_d = registered.numerator, registered.denominator
        if want_n is None or want_d is None:
            return None, _NONE, None
        if want_d == 0:
            return (got_n * 100, got_d), _REGISTERED_TOTAL_ZERO, got_n >= got_d
        if want_d < 0:
            want_n, want_d = -want_n, -want_d
        if want_n == 0:
            return None, _REGISTERED_ZERO, True
        # got / want × 100, and got >= want by cross-multiplying (denominators > 0).
        parts = _signed(got_n * want_d * 100, got_d * want_n)
        return parts, _NONE, got_n * want_d >= want_n * got_d
    if kind is _YES_NO:
        if achieved.flag is None:
            return None, _NONE, None
        return ((100, 1) if achieved.flag else (0, 1)), _NONE, bool(achieved.flag)
    return None, _NONE, None


def commitment_progress(
    indicator: domain.Indicator,
    registered: domain.UnitValue | None,
    achieved: domain.UnitValue | None,
) -> tuple[Fraction | None, Special, bool | None]:
    """(progress %, special case, whether achieved reaches the commitment).

    The last is None when there is nothing to compare (nothing registered or
    achieved, a grade or a text). Worked out in integers by
    :func:`commitment_progress_parts`.
    """
    parts, special, reaches = commitment_progress_parts(indicator.kind, registered, achieved)
    return (None if parts is None else Fraction(*parts)), special, reaches


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


__all__ = [
    "AVERAGE_PLACES",
    "BASIS",
    "COMPARATORS",
    "DASH",
    "HUNDRED",
    "PERCENT_PLACES",
    "Against",
    "Commitment",
    "Figure",
    "Formula",
    "Measure",
    "ProgressParts",
    "Special",
    "Verdict",
    "aggregate_condition",
    "amount_condition",
    "attainment_text",
    "basis_text",
    "commitment_progress",
    "commitment_progress_parts",
    "commitment_progress_text",
    "condition",
    "figure_attainment_text",
    "figure_text",
    "figure_verdict_text",
    "figure_with_basis",
    "filled_progress_parts",
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
    "unit_goal_text",
    "unit_period_targets",
    "unit_value_meets",
    "value_text",
    "value_text_of",
    "verdict_text",
    "verdict_word",
]
