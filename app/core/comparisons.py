"""The one definition of "meets": a figure against a target's value, exactly.

From the stored integers to the verdict nothing is a float: a target's
decimal text is read as an exact fraction, and "meets" compares
cross-multiplied integers (:func:`condition`), the same way in Python, in
SQL and in the workbook's formulas (:class:`Formula`). The judge
(:mod:`app.core.figures`) says *which* comparison a figure gets; this module
is *how* any comparison is made.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

from db.enums import Comparison

__all__ = [
    "COMPARATORS",
    "HUNDRED",
    "Formula",
    "amount_condition",
    "condition",
    "goal",
    "meets",
    "percent_condition",
    "percent_of",
]

HUNDRED = Fraction(100)

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
