"""A plan's scoring rules compiled for scoring many units: each indicator rule with its
indicator, its bands' and grades' points worked out once, each group's common
denominator and the whole score's (so that :mod:`app.scoring.engine` adds a unit's
points, weighted, as integers)."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from fractions import Fraction

from app.core import domain
from app.plans import Band, GroupRule, IndicatorRule, Rules
from db.enums import Sector, UnitKind


@dataclass(frozen=True)
class CompiledRule:
    """One indicator rule with what scoring it needs, looked up once per scoring run."""

    group: GroupRule
    rule: IndicatorRule
    indicator: domain.Indicator
    #: The attainment bands, best first, each with its points (``share`` % of the rule's)
    #: and its start's numerator and denominator.
    bands: tuple[tuple[Band, Fraction, int, int], ...]
    #: A grade's (share, points) for the ``grade`` method.
    grades: dict[str, tuple[Fraction, Fraction]]
    #: The rule's cap on the attainment counted, % as (numerator, denominator).
    cap: tuple[int, int]
    #: Whether the indicator applies to a (unit kind, sector), as the units come.
    applies: dict[tuple[UnitKind, Sector | None], bool] = field(
        default_factory=dict, compare=False, repr=False
    )

    def applies_to(self, kind: UnitKind, sector: Sector | None) -> bool:
        """:meth:`app.core.domain.Indicator.applies_to`, asked once per kind and sector."""
        key = (kind, sector)
        known = self.applies.get(key)
        if known is None:
            known = self.applies[key] = self.indicator.applies_to(kind, sector)
        return known


@dataclass(frozen=True)
class CompiledGroup:
    """A group's compiled rules; its points figures in ``1/scale`` (a common denominator of
    every figure they can give), and ``factor``: a point in ``1/scale`` of the group,
    weighted, in ``1/Compiled.scale`` of the whole score."""

    group: GroupRule
    rules: tuple[CompiledRule, ...]
    scale: int
    factor: int = 1


@dataclass(frozen=True)
class Compiled:
    """The rules compiled once for every unit scored: the groups, the common denominator
    of every weighted points figure (``scale``), and where each indicator of the rules'
    order stands in the plan's order (``plan_order``)."""

    groups: tuple[CompiledGroup, ...]
    scale: int
    plan_order: tuple[int, ...]


def compile_rules(plan: domain.Plan, rules: Rules) -> Compiled:
    """The rules' groups of compiled indicator rules (once for every unit scored)."""
    by_code = {i.code: i for i in plan.indicators}
    groups = []
    for group in rules.groups:
        compiled = tuple(
            CompiledRule(
                group=group,
                rule=rule,
                indicator=by_code[rule.code],
                bands=tuple(
                    (b, share_of(rule.points, b.share), b.start.numerator, b.start.denominator)
                    for b in rules.bands_of(rule)
                ),
                grades={g: (s, share_of(rule.points, s)) for g, s in rule.grade_shares},
                cap=(rule.cap.numerator, rule.cap.denominator),
            )
            for rule in group.indicators
        )
        figures_given = [c.rule.points for c in compiled]
        figures_given += [band[1] for c in compiled for band in c.bands]
        figures_given += [p for c in compiled for _s, p in c.grades.values()]
        groups.append((group, compiled, math.lcm(1, *(f.denominator for f in figures_given))))
    # A group's point in 1/scale weighs weight/scale: all of them over one denominator.
    scale = math.lcm(1, *(s * g.weight.denominator for g, _c, s in groups))
    # Shown as the plan lists them (1, 2.1, 2.2, 3.1), whatever the rules' groups.
    order = {indicator.code: index for index, indicator in enumerate(plan.indicators)}
    flat = [c.rule.code for _g, compiled, _s in groups for c in compiled]
    plan_order = sorted(range(len(flat)), key=lambda i: order.get(flat[i], len(order)))
    return Compiled(
        groups=tuple(
            CompiledGroup(
                g,
                compiled,
                s,
                scale // (s * g.weight.denominator) * g.weight.numerator,
            )
            for g, compiled, s in groups
        ),
        scale=scale,
        plan_order=tuple(plan_order),
    )


@functools.lru_cache(maxsize=4096)
def share_of(points: Fraction, share: Fraction) -> Fraction:
    """``share`` % of ``points``."""
    return points * share / 100
