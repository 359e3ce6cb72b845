"""Scoring's exact figures as shown: rounded half up, written the Vietnamese way."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from app.core.format import format_number, format_percent, half_up


def rounded(value: Fraction, places: int = 2) -> Decimal:
    """``value`` rounded half up to ``places`` decimals (:func:`app.core.format.half_up`)."""
    return half_up(value, places)


def number_text(value: Fraction, places: int = 2) -> str:
    """Vietnamese figure: ``12,5``; ``100``."""
    return format_number(rounded(value, places))


def score_text(value: Decimal | None) -> str:
    """A score as shown and compared, always two decimals: ``84,00``; ``—`` for none."""
    if value is None:
        return "—"
    return format_number(value, 2, fixed=True)


def percent_text(value: Fraction, places: int = 1) -> str:
    """A percentage as every figure reads (:func:`app.core.format.format_percent`): ``80,0%``;
    rule parameters use ``places=0`` (``75%``)."""
    return format_percent(value, places)


def rounded_fraction(value: Fraction) -> Fraction:
    """``value`` as shown (two decimals, half up), exact again: what ranking compares."""
    return Fraction(rounded(value))
