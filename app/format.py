"""Vietnamese number and target formatting.

Dot for thousands, comma for decimals: 700.000.000; 99,1%. Used by screens,
printed forms and spreadsheets alike so the three always agree.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from app import domain
from db.enums import Comparison, IndicatorKind


def format_number(value: Decimal | int, places: int | None = None) -> str:
    """``1234567.5`` → ``"1.234.567,5"``; trailing zero decimals dropped.

    ``places`` rounds half up to that many decimals first.
    """
    number = Decimal(value)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    number = abs(number)
    text = format(number, "f")
    whole, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    result = ".".join(groups)
    if fraction:
        result += "," + fraction
    return sign + result


def format_percent(value: Decimal | None, places: int = 1) -> str:
    return "—" if value is None else f"{format_number(value, places)}%"


def format_vnd(amount: int) -> str:
    """``700000000`` → ``"700.000.000 đ"``."""
    return f"{format_number(amount)} đ"


def format_target(indicator: domain.Indicator, target: domain.Target) -> str:
    """The target as the plan words it; built from its parts when it has no wording."""
    if target.wording:
        return target.wording
    if target.comparison is Comparison.NONE:
        return "không có"
    if indicator.kind is IndicatorKind.MONEY:
        figure = format_vnd(int(target.value))
    elif indicator.unit_of_measure == "%" or indicator.kind in (
        IndicatorKind.RATIO,
        IndicatorKind.YES_NO,
        IndicatorKind.GRADE,
    ):
        figure = f"{format_number(target.value)}%"
    else:
        figure = f"{format_number(target.value)} {indicator.unit_of_measure}".strip()
    if target.comparison is Comparison.MORE_THAN:
        return f"trên {figure}"
    if target.comparison is Comparison.AT_LEAST:
        return f"{figure} trở lên"
    if target.comparison is Comparison.AT_MOST:
        return f"không quá {figure}"
    return figure
