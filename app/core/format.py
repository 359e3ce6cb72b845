"""Vietnamese number and target formatting, and a cluster's name in Vietnamese words.

Dot for thousands, comma for decimals: 700.000.000; 99,1%. Used by screens,
printed forms and spreadsheets alike so the three always agree.

One rounding rule, stated here once: a figure is rounded **half up on its
exact value** (a :class:`~fractions.Fraction` or :class:`~decimal.Decimal`,
never a float), only when it is shown: 13/16 = 81,25% reads 81,3%.
How many places each kind of figure shows is :mod:`app.core.figures`' business.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from app.core import domain
from db.enums import Comparison, IndicatorKind


def half_up(value: Fraction | Decimal | int, places: int) -> Decimal:
    """``value`` rounded half up (away from zero) to ``places`` decimals, exactly.

    A Fraction is rounded on its exact value: ``Fraction(13, 16) * 100`` →
    ``81.3`` at one place; so is a Decimal (``Decimal("81.25")`` → ``81.3``).
    """
    if isinstance(value, Fraction):
        result = Decimal(_half_up_whole(value, places)).scaleb(-places)
        # The sign from the numerator (a Fraction's denominator is positive): comparing
        # the Fraction with 0 costs as much as the rounding, for every score ranked.
        return -result if value.numerator < 0 else result
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _half_up_whole(value: Fraction, places: int) -> int:
    """``abs(value)`` rounded half up to ``places`` decimals, in units of ``10**-places``."""
    power: int = 10**places
    numerator, denominator = abs(value.numerator) * power, value.denominator
    return (numerator * 2 + denominator) // (2 * denominator)


def half_up_units(value: Fraction, places: int) -> int:
    """:func:`half_up` of ``value`` in units of ``10**-places`` (``int(half_up(v, 2) * 100)``),
    in integers: for comparing many rounded figures (ranking scores as shown)."""
    whole = _half_up_whole(value, places)
    return -whole if value.numerator < 0 else whole


def format_number(
    value: Fraction | Decimal | int, places: int | None = None, *, fixed: bool = False
) -> str:
    """``1234567.5`` → ``"1.234.567,5"``; trailing zero decimals dropped unless ``fixed``.

    ``places`` rounds half up to that many decimals first (see :func:`half_up`);
    with ``fixed`` it also shows exactly that many (``89,0``), as a
    spreadsheet's number format does.
    """
    if isinstance(value, Fraction):
        number = half_up(value, 6 if places is None else places)
    elif places is not None:
        number = half_up(value, places)
    else:
        number = Decimal(value)
    sign = "-" if number < 0 else ""
    number = abs(number)
    text = format(number, "f")
    whole, _, fraction = text.partition(".")
    if not (fixed and places):
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


def format_percent(value: Fraction | Decimal | None, places: int = 1) -> str:
    """A percentage (already ×100) rounded half up, always with ``places`` decimals:
    ``Fraction(325, 4)`` → ``"81,3%"``, ``89`` → ``"89,0%"``."""
    return "—" if value is None else f"{format_number(value, places, fixed=True)}%"


#: Between an amount and "đ": a no-break space, so "đ" never wraps onto a line of its own.
CURRENCY_SPACE = "\u00a0"


def format_vnd(amount: int) -> str:
    """``700000000`` → ``"700.000.000 đ"`` (a no-break space before "đ")."""
    return f"{format_number(amount)}{CURRENCY_SPACE}đ"


def cluster_label(name: str) -> str:
    """A cluster as Vietnamese text names it: ``Cụm thi đua 2``, or its name as is
    when it already says "Cụm"."""
    return name if name.casefold().startswith("cụm") else f"Cụm thi đua {name}"


def file_slug(text: str, *, lower: bool = True) -> str:
    """``text`` as part of a file name any USB stick and e-mail keeps: Vietnamese
    letters without their marks (đ → d), words joined by "-" ("Kết quả: 6 tháng đầu
    năm 2017" → "ket-qua-6-thang-dau-nam-2017")."""
    import unicodedata

    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    words = re.findall(r"[A-Za-z0-9]+", plain)
    slug = "-".join(words)[:80]
    return slug.lower() if lower else slug


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
