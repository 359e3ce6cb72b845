"""How a figure reads: its text, the arithmetic behind it, its verdict's word.

Every surface (screens, printed forms, the command line) shows a figure,
a unit's value, a target and a verdict through these, so they read the same
everywhere. One rounding rule, for display only: half up on the exact value
(:func:`app.core.format.half_up`); percentages show one decimal (13/16 reads
81,3%), averages two, totals none.
"""

from __future__ import annotations

from fractions import Fraction

from app.core import domain
from app.core.comparisons import percent_of
from app.core.errors import N_
from app.core.format import format_number, format_percent, format_target, format_vnd
from app.core.i18n import Translate, gettext, vietnamese
from app.core.verdicts import (
    AVERAGE_PLACES,
    PERCENT_PLACES,
    Against,
    Commitment,
    Figure,
    Measure,
    Verdict,
)
from db.enums import Comparison, IndicatorKind

__all__ = [
    "BASIS",
    "DASH",
    "attainment_text",
    "basis_text",
    "commitment_progress_text",
    "figure_attainment_text",
    "figure_text",
    "figure_verdict_text",
    "figure_with_basis",
    "measure_text",
    "percent_text",
    "target_text",
    "unit_goal_comparison",
    "unit_goal_text",
    "value_text",
    "value_text_of",
    "verdict_text",
]

DASH = "—"
#: Separates a figure's text from the arithmetic behind it; printed tables set
#: what follows in a smaller size, screens put it in the tooltip.
BASIS = "\x1f"


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


def verdict_word(verdict: Verdict) -> str:
    """The verdict's word as paper says it, always in Vietnamese (printed forms and
    workbooks): "Đạt", "Không đạt", "Đang thực hiện"…"""
    return verdict_text(verdict, vietnamese)


def target_text(plan: domain.Plan, indicator: domain.Indicator, target: domain.Target) -> str:
    """A target as every surface names it: the plan's words, and the period it is set
    for when that is not the year ("6 tháng: 1.000 đoàn viên (6 tháng đầu năm 2017)")."""

    text = format_target(indicator, target)
    if target.period and target.period != plan.final_period:
        name = plan.period_name(target.period)
        if name.casefold() not in text.casefold():
            text = f"{text} ({name})"
    return text


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


def unit_goal_text(indicator: domain.Indicator, tr: Translate = gettext) -> str:
    """What each unit must reach to count as meeting a ratio indicator ("Mức mỗi đơn vị
    phải đạt: 80% trở lên công nhân, lao động"), in the plan's words when it has them;
    empty when the indicator has no such goal."""
    if indicator.unit_goal_value is None:
        return ""
    goal = format_target(
        indicator,
        domain.Target(
            comparison=unit_goal_comparison(indicator),
            value=indicator.unit_goal_value,
            wording=indicator.unit_goal_wording,
        ),
    )
    return tr(N_("Goal each unit must reach: {goal}")).format(goal=goal)


def unit_goal_comparison(indicator: domain.Indicator) -> Comparison:
    """How a unit's ratio is compared with the indicator's unit goal ("at least" by default;
    "none" makes no sense for a goal and reads as "at least")."""
    comparison = indicator.unit_goal_comparison
    if comparison is None or comparison is Comparison.NONE:
        return Comparison.AT_LEAST
    return comparison
