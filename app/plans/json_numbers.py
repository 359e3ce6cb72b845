"""Exact numbers in the plans' JSON documents (scoring rules, checks for suspicious values)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction


def json_number(value: Fraction) -> int | str:
    """Integers as JSON numbers; other values as exact decimal text."""
    if value.denominator == 1:
        return value.numerator
    text = format(Decimal(value.numerator) / Decimal(value.denominator), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


__all__ = ["json_number"]
