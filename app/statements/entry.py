"""What a chair types into a value cell, read into a value of the indicator's kind.

The screen, the CLI and any other surface read typed text here, so "15 triệu",
"1,5 tỷ", "700.000.000 đ", "380/420", "Có" or "x" mean the same everywhere.
A :class:`ParseError` carries an English msgid the caller translates.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from app.core import domain
from app.core.errors import N_
from app.core.i18n import gettext as _
from app.core.values import MAX_AMOUNT
from db.enums import IndicatorKind

#: Words for amounts of money: "15 triệu", "1,5 tỷ", "2 tỷ 300 triệu", "700 nghìn".
MULTIPLIERS = {
    "tỷ": 10**9,
    "tỉ": 10**9,
    "ty": 10**9,
    "triệu": 10**6,
    "trieu": 10**6,
    "tr": 10**6,
    "nghìn": 10**3,
    "nghin": 10**3,
    "ngàn": 10**3,
    "ngan": 10**3,
}
YES = {"có", "co", "yes", "x", "1", "đã", "rồi"}
NO = {"không", "khong", "no", "0", "chưa"}
_CURRENCY = re.compile(r"(?:vnđ|vnd|đồng|dong|đ)\.?$", re.IGNORECASE)
_PART = re.compile(r"(\d[\d.,]*)\s*([^\d\s.,]*)")


class ParseError(ValueError):
    """The text is not in the kind's form; ``message`` is an English msgid."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _number(text: str) -> Decimal:
    """A Vietnamese number: dots group thousands, a comma is the decimal mark."""
    if "," in text:
        whole, _sep, fraction = text.partition(",")
        if "," in fraction or "." in fraction:
            raise ParseError(N_("Type a whole number, e.g. 1.500."))
        text = f"{whole.replace('.', '')}.{fraction}"
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")
    elif "." in text:
        raise ParseError(N_("Type a whole number, e.g. 1.500."))
    if len(text.replace(".", "")) > 18:
        raise ParseError(N_("The number is too large."))
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise ParseError(N_("Type a whole number, e.g. 1.500.")) from exc


def parse_amount(text: str, *, money: bool = False) -> int | None:
    """A whole number ("1.500"), or an amount in words for money ("1,5 tỷ")."""
    cleaned = text.strip().lower()
    if money:
        cleaned = _CURRENCY.sub("", cleaned).strip()
    cleaned = cleaned.replace("\u00a0", " ")
    if not cleaned:
        return None
    if re.fullmatch(r"-\s*\d.*", cleaned):
        raise ParseError(N_("The number cannot be negative."))
    digits_only = re.sub(r"[\s.]", "", cleaned)
    if digits_only.isdigit():
        if len(digits_only) > 18:
            raise ParseError(N_("The number is too large."))
        value = _number(cleaned.replace(" ", ""))
    else:
        if not money:
            raise ParseError(N_("Type a whole number, e.g. 1.500."))
        value = Decimal(0)
        position = 0
        for match in _PART.finditer(cleaned):
            if cleaned[position : match.start()].strip():
                raise ParseError(N_("Type an amount in đồng, e.g. 15.000.000 or 15 triệu."))
            position = match.end()
            word = match.group(2)
            if word and word not in MULTIPLIERS:
                raise ParseError(N_("Type an amount in đồng, e.g. 15.000.000 or 15 triệu."))
            value += _number(match.group(1)) * MULTIPLIERS.get(word, 1)
        if position == 0 or cleaned[position:].strip():
            raise ParseError(N_("Type an amount in đồng, e.g. 15.000.000 or 15 triệu."))
    if value != value.to_integral_value():
        raise ParseError(
            N_("An amount of money is in whole đồng.")
            if money
            else N_("Type a whole number, e.g. 1.500.")
        )
    if value > (MAX_AMOUNT if money else 10**18):
        raise ParseError(N_("The number is too large."))
    return int(value)


def parse_text(
    indicator: domain.Indicator, text: str, plan: domain.Plan, note: str = ""
) -> domain.UnitValue:
    """Read what was typed into a value of the indicator's kind (empty text: no value)."""
    text = text.strip()
    kind = indicator.kind
    if kind in (IndicatorKind.COUNT, IndicatorKind.MONEY):
        return domain.UnitValue(
            amount=parse_amount(text, money=kind is IndicatorKind.MONEY), note=note
        )
    if kind is IndicatorKind.RATIO:
        if not text:
            return domain.UnitValue(note=note)
        parts = re.split(r"\s*(?:/|trên|of)\s*", text)
        if len(parts) != 2:
            raise ParseError(N_("Type the number achieved and the total, e.g. 170 / 200."))
        return domain.UnitValue(
            numerator=parse_amount(parts[0]), denominator=parse_amount(parts[1]), note=note
        )
    if kind is IndicatorKind.YES_NO:
        lowered = text.lower()
        if not lowered:
            return domain.UnitValue(note=note)
        if lowered in YES or lowered == _("Yes").lower():
            return domain.UnitValue(flag=True, note=note)
        if lowered in NO or lowered == _("No").lower():
            return domain.UnitValue(flag=False, note=note)
        raise ParseError(N_("Choose Yes or No."))
    if kind is IndicatorKind.GRADE:
        if not text:
            return domain.UnitValue(note=note)
        for level in plan.grade_levels:
            if text.lower() in (level.label.lower(), level.code):
                return domain.UnitValue(grade=level.code, note=note)
        raise ParseError(N_("Choose a grade from the year's scale."))
    return domain.UnitValue(text=text or None, note=note)


__all__ = ["MULTIPLIERS", "ParseError", "parse_amount", "parse_text"]
