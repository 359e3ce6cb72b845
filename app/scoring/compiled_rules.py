"""A plan's scoring rules compiled for scoring many units: each indicator rule with its
indicator, its bands' and grades' points worked out once, and each group's common
denominator (so that :mod:`app.scoring.engine` adds a unit's points as integers)."""

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


#: Each group's compiled rules and the common denominator of every points figure they
#: can give (so that a unit's points add up as integers).
Compiled = tuple[tuple[tuple[CompiledRule, ...], int], ...]


def compile_rules(plan: domain.Plan, rules: Rules) -> Compiled:
    """The rules' groups of compiled indicator rules (once for every unit scored)."""
    by_code = {i.code: i for i in plan.indicators}
    result = []
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
        result.append((compiled, math.lcm(1, *(f.denominator for f in figures_given))))
    return tuple(result)


@functools.lru_cache(maxsize=4096)
def share_of(points: Fraction, share: Fraction) -> Fraction:
    """``share`` % of ``points``."""
    return points * share / 100
