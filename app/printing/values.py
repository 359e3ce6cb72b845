"""How values read on paper: :mod:`app.core.figures` in Vietnamese.

Printed forms are always Vietnamese: every figure, basis and verdict comes
from the one judge and formatter (:mod:`app.core.figures`) through the
Vietnamese catalogue, so paper says what a Vietnamese screen says.
"""

from __future__ import annotations

from dataclasses import replace

from app.core import domain, figures
from app.core.figures import BASIS, DASH, Figure, verdict_word
from app.core.format import format_target
from app.core.i18n import vietnamese
from app.printing.sources import UnitInfo
from db.enums import UnitKind

__all__ = [
    "BASIS",
    "DASH",
    "NO_TARGET",
    "format_figure",
    "format_unit_value",
    "target_covers",
    "unit_target_text",
    "verdict",
    "verdict_word",
]


def format_unit_value(
    plan: domain.Plan, indicator: domain.Indicator, value: domain.UnitValue | None
) -> str:
    """A unit's value as the form shows it; empty when nothing was entered.

    Counts ``1.250``; money ``15.000.000 đ``; ratios ``380/420 (90,5%)``;
    yes/no ``Có``/``Không``; grades by their label; text as typed.
    """
    return figures.value_text(plan, indicator, value, vietnamese)


def target_covers(target: domain.Target, unit: UnitInfo) -> bool:
    if target.unit_id is not None:
        return target.unit_id == unit.id
    if target.sectors and unit.sector not in target.sectors:
        return False
    return not (target.unit_kinds and unit.kind not in target.unit_kinds)


#: The target cell of an indicator the plan gives no target for at the unit's level.
NO_TARGET = f"{DASH} (kế hoạch không giao)"
#: Before the targets an upper-level union's grassroots unions are given.
FOR_GRASSROOTS = "CĐCS trực thuộc: "


def unit_target_text(indicator: domain.Indicator, unit: UnitInfo) -> str:
    """The target given to this unit, else the province's wording that covers it.

    An upper-level union that no target covers is shown the targets of its
    grassroots unions ("CĐCS trực thuộc: …"), which it answers for; a cell
    is never left empty: without any target it says the plan gives none.
    """
    own = [t for t in indicator.targets if t.unit_id == unit.id]
    chosen = own or [t for t in indicator.targets if t.unit_id is None and target_covers(t, unit)]
    if chosen:
        return "; ".join(format_target(indicator, t) for t in chosen)
    if unit.kind is UnitKind.UPPER:
        below = replace(unit, kind=UnitKind.GRASSROOTS, sector=None)
        theirs = [t for t in indicator.targets if t.unit_id is None and target_covers(t, below)]
        if theirs:
            return FOR_GRASSROOTS + "; ".join(format_target(indicator, t) for t in theirs)
    return NO_TARGET


def format_figure(indicator: domain.Indicator, figure: Figure | None) -> str:
    """A roll-up figure, then (after :data:`BASIS`) the arithmetic behind it.

    ``"89,9%\x1f3.383 / 3.764"`` for a ratio, ``"85%\x1f17 / 20 đơn vị"`` for
    a share of units, ``"1,25\x1ftổng 250"`` for an average per unit.
    """
    return figures.figure_with_basis(indicator, figure, vietnamese)


def verdict(figure: Figure | None) -> str:
    """The figure's verdict, then (after :data:`BASIS`) what it measures against."""
    word = figures.figure_verdict_text(figure, vietnamese) or DASH
    attained = figures.figure_attainment_text(figure, vietnamese)
    return f"{word}{BASIS}{attained}" if attained else word
