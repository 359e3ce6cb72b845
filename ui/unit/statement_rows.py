"""The statement table's columns and rows: the plan's indicators under its numbered items."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from app.core import domain, figures
from app.core.i18n import gettext as _


class Column(IntEnum):
    CODE = 0
    TITLE = 1
    UNIT = 2
    TARGET = 3
    REGISTERED = 4
    VALUE = 5
    PERCENT = 6
    VERDICT = 7
    NOTE = 8
    MESSAGE = 9

    def header(self, registration: bool, final: bool = True) -> str:
        return {
            Column.CODE: _("Code"),
            Column.TITLE: _("Indicator"),
            Column.UNIT: _("Unit of measure"),
            Column.TARGET: _("Target"),
            Column.REGISTERED: _("Registered"),
            Column.VALUE: _("Commitment") if registration else _("Achieved"),
            Column.PERCENT: _("% of registered") if final else _("% of the year's registered"),
            Column.VERDICT: _("Assessment"),
            Column.NOTE: _("Notes"),
            Column.MESSAGE: _("Check"),
        }[self]


def two_lines(text: str, longest: int = 14) -> str:
    """A long header on two lines, broken at the space nearest its middle."""
    if len(text) <= longest or " " not in text:
        return text
    middle = len(text) // 2
    spaces = [i for i, c in enumerate(text) if c == " "]
    cut = min(spaces, key=lambda i: abs(i - middle))
    return f"{text[:cut]}\n{text[cut + 1 :]}"


# --- text ⇄ value -------------------------------------------------------------------------


def value_text(
    indicator: domain.Indicator, value: domain.UnitValue | None, plan: domain.Plan
) -> str:
    """How a value is typed and edited ("380/420", "15.000.000 đ", "Có")."""
    return figures.value_text(plan, indicator, value, with_percent=False)


# --- rows ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    indicator: domain.Indicator | None  # None for a group heading
    group_text: str = ""
    group_code: str = ""


def build_rows(plan: domain.Plan) -> list[Row]:
    """Indicators under the plan's numbered items ("2", "9" › "9a"), in plan order."""
    groups = {g.code: g for g in plan.groups}
    rows: list[Row] = []
    shown: set[str] = set()
    for indicator in plan.indicators:
        chain: list[str] = []
        code: str | None = indicator.group_code
        while code is not None and code in groups:
            chain.insert(0, code)
            code = groups[code].parent_code
        for group_code in chain:
            if group_code not in shown:
                shown.add(group_code)
                rows.append(Row(None, groups[group_code].text, group_code))
        rows.append(Row(indicator))
    return rows


__all__ = ["Column", "Row", "build_rows", "two_lines", "value_text"]
