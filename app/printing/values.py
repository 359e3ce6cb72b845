"""How values read on paper: a unit's value, a target, a roll-up figure, a verdict.

Numbers follow :mod:`app.format` (dot for thousands, comma for decimals).
"""

from __future__ import annotations

from decimal import Decimal

from app import domain
from app.format import format_number, format_percent, format_target, format_vnd
from app.printing.sources import UnitInfo
from app.rollup import Figure
from db.enums import IndicatorKind, Rollup, TargetScope

MET = "Đạt"
NOT_MET = "Không đạt"
NO_DATA = "Chưa có số liệu"
NOT_REPORTED = "Chưa báo cáo"
DASH = "—"


def ratio_percent(numerator: int, denominator: int) -> Decimal | None:
    if denominator <= 0:
        return None
    return Decimal(numerator) * 100 / Decimal(denominator)


def format_unit_value(
    plan: domain.Plan, indicator: domain.Indicator, value: domain.UnitValue | None
) -> str:
    """A unit's value as the form shows it; empty when nothing was entered.

    Counts ``1.250``; money ``15.000.000 đ``; ratios ``380/420 (90,5%)``;
    yes/no ``Có``/``Không``; grades by their label; text as typed.
    """
    if value is None or value.is_empty():
        return ""
    kind = indicator.kind
    if kind is IndicatorKind.COUNT and value.amount is not None:
        return format_number(value.amount)
    if kind is IndicatorKind.MONEY and value.amount is not None:
        return format_vnd(value.amount)
    if kind is IndicatorKind.RATIO and value.numerator is not None and value.denominator:
        percent = ratio_percent(value.numerator, value.denominator)
        return (
            f"{format_number(value.numerator)}/{format_number(value.denominator)}"
            f" ({format_percent(percent)})"
        )
    if kind is IndicatorKind.YES_NO and value.flag is not None:
        return "Có" if value.flag else "Không"
    if kind is IndicatorKind.GRADE and value.grade is not None:
        for level in plan.grade_levels:
            if level.code == value.grade:
                return level.label
        return value.grade
    return value.text or ""


def target_covers(target: domain.Target, unit: UnitInfo) -> bool:
    if target.unit_id is not None:
        return target.unit_id == unit.id
    if target.sectors and unit.sector not in target.sectors:
        return False
    return not (target.unit_kinds and unit.kind not in target.unit_kinds)


def unit_target_text(indicator: domain.Indicator, unit: UnitInfo) -> str:
    """The target given to this unit, else the province's wording that covers it."""
    own = [t for t in indicator.targets if t.unit_id == unit.id]
    chosen = own or [t for t in indicator.targets if t.unit_id is None and target_covers(t, unit)]
    return "; ".join(format_target(indicator, t) for t in chosen)


def assess(
    plan: domain.Plan,
    indicator: domain.Indicator,
    registered: domain.UnitValue | None,
    achieved: domain.UnitValue | None,
) -> tuple[str, str]:
    """(percentage of the registered value, verdict) for a results report.

    Counts and money compare the amounts; ratios compare the percentages;
    yes/no is met when the achieved answer is yes; grades by rank (1 is the
    best). Verdict ``""`` when the kind cannot be judged (text).
    """
    if achieved is None or achieved.is_empty():
        return DASH, NOT_REPORTED
    kind = indicator.kind
    reg = registered if registered is not None and not registered.is_empty() else None
    if kind is IndicatorKind.YES_NO:
        return DASH, MET if achieved.flag else NOT_MET
    if kind is IndicatorKind.GRADE:
        if reg is None or reg.grade is None or achieved.grade is None:
            return DASH, DASH
        try:
            met = plan.grade_rank(achieved.grade) <= plan.grade_rank(reg.grade)
        except KeyError:
            return DASH, DASH
        return DASH, MET if met else NOT_MET
    if kind in (IndicatorKind.COUNT, IndicatorKind.MONEY):
        if reg is None or reg.amount is None or achieved.amount is None:
            return DASH, DASH
        if reg.amount == 0:
            return DASH, MET
        share = Decimal(achieved.amount) * 100 / Decimal(reg.amount)
        return format_percent(share), MET if achieved.amount >= reg.amount else NOT_MET
    if kind is IndicatorKind.RATIO:
        if reg is None or reg.numerator is None or not reg.denominator:
            return DASH, DASH
        if achieved.numerator is None or not achieved.denominator:
            return DASH, DASH
        want = ratio_percent(reg.numerator, reg.denominator)
        got = ratio_percent(achieved.numerator, achieved.denominator)
        assert want is not None and got is not None
        # Exact comparison of the two fractions, not of rounded percentages.
        met = achieved.numerator * reg.denominator >= reg.numerator * achieved.denominator
        share_text = format_percent(got * 100 / want) if want else DASH
        return share_text, MET if met else NOT_MET
    return DASH, ""


#: Separates a figure from the arithmetic behind it; tables set the rest smaller.
BASIS = "\x1f"


def format_figure(
    indicator: domain.Indicator, figure: Figure | None, target: domain.Target | None = None
) -> str:
    """A roll-up figure in the target's terms, then (after :data:`BASIS`) its basis.

    ``"89,9%\x1f3.383 / 3.764"`` for a ratio, ``"85%\x1f17 / 20 đơn vị"`` for
    a share of units, ``"1,25\x1ftổng 250"`` for an average per unit. For a
    target every unit must meet, the basis counts the units meeting it.
    """
    if figure is None or figure.reporting_units == 0:
        return DASH
    rollup = indicator.rollup
    numerator = format_number(figure.numerator or 0)
    denominator = format_number(figure.denominator or 0)
    if target is not None and target.scope is TargetScope.EACH_UNIT:
        shown = format_percent(figure.value) if figure.value is not None else DASH
        return f"{shown}{BASIS}{numerator} / {denominator} đơn vị đạt"
    if rollup is Rollup.SUM:
        total = figure.numerator or 0
        return format_vnd(total) if indicator.kind is IndicatorKind.MONEY else format_number(total)
    if rollup in (Rollup.RATIO, Rollup.SHARE_OF_UNITS):
        # From the exact fraction: the roll-up's value is already rounded to
        # 0,01 and rounding it again to 0,1 could differ from the true figure.
        percent = ratio_percent(figure.numerator or 0, figure.denominator or 0)
        if figure.value is None or percent is None:
            return DASH
        units = " đơn vị" if rollup is Rollup.SHARE_OF_UNITS else ""
        return f"{format_percent(percent)}{BASIS}{numerator} / {denominator}{units}"
    if rollup is Rollup.AVERAGE_PER_UNIT:
        if figure.value is None:
            return DASH
        return f"{format_number(figure.value, 2)}{BASIS}tổng {numerator}"
    return f"{format_number(figure.reporting_units)} đơn vị"


def verdict(figure: Figure | None) -> str:
    if figure is None or figure.reporting_units == 0 or figure.met is None:
        return NO_DATA
    return MET if figure.met else NOT_MET
