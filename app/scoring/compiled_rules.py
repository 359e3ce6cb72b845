"""A plan's scoring rules compiled for scoring many units: each indicator rule with its
indicator, its bands' and grades' points worked out once, each group's common
denominator and the whole score's (so that :mod:`app.scoring.engine` adds a unit's
points, weighted, as integers), and the grade scales looked up once."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from fractions import Fraction

from app.core import domain
from app.core.records import cached
from app.plans import (
    Band,
    GroupRule,
    IndicatorRule,
    Method,
    Rules,
    grade_labels,
    grade_ranks,
)
from app.plans import thresholds_of as plan_thresholds
from db.enums import IndicatorKind, Sector, UnitKind

HUNDRED = Fraction(100)

#: A share of a rule's points: (share %, points, points in ``1/scale`` of the group,
#: whether the share is the full 100%).
Share = tuple[Fraction, Fraction, int, bool]


@dataclass(frozen=True)
class CompiledRule:
    """One indicator rule with what scoring it needs, looked up once per scoring run."""

    group: GroupRule
    rule: IndicatorRule
    indicator: domain.Indicator
    #: The rule's indicator code and method, and the indicator's kind (read for every unit).
    code: str
    method: Method
    kind: IndicatorKind
    #: The rule's points in ``1/scale`` of its group.
    points: int
    #: The attainment bands, best first, each with its start's numerator and denominator
    #: and its share of the rule's points.
    bands: tuple[tuple[Band, int, int, Share], ...]
    #: A grade's share of the points, for the ``grade`` method.
    grades: dict[str, Share]
    #: The rule's cap on the attainment counted, % as (numerator, denominator), and its
    #: bonus points per % above 100.
    cap: tuple[int, int]
    bonus_per_percent: tuple[int, int]


@dataclass(frozen=True)
class CompiledGroup:
    """A group's compiled rules; its points figures in ``1/scale`` (a common denominator of
    every figure they can give), and ``factor``: a point in ``1/scale`` of the group,
    weighted, in ``1/Compiled.scale`` of the whole score."""

    group: GroupRule
    rules: tuple[CompiledRule, ...]
    scale: int
    factor: int = 1

    @cached
    def weight(self) -> tuple[int, int]:
        """The group's weight as (numerator, denominator)."""
        return self.group.weight.numerator, self.group.weight.denominator


@dataclass(frozen=True)
class Compiled:
    """The rules compiled once for every unit scored: the groups, the common denominator
    of every weighted points figure (``scale``), where each indicator of the rules'
    order stands in the plan's order (``plan_order``), and the grade scales."""

    groups: tuple[CompiledGroup, ...]
    scale: int
    plan_order: tuple[int, ...]
    #: Every grade code of both scales → its place, and → its name.
    ranks: dict[str, int]
    labels: dict[str, str]
    rules: Rules
    #: The plan's own grades → their place (a graded value's scale).
    plan_ranks: dict[str, int] = field(default_factory=dict)
    #: Which rules of each group apply to a (unit kind, sector), as the units come.
    applies: dict[tuple[UnitKind, Sector | None], tuple[tuple[bool, ...], ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    by_kind: dict[UnitKind, tuple[tuple[str, int, int], ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @functools.cached_property
    def flat(self) -> tuple[CompiledRule, ...]:
        """Every rule, in the rules' order."""
        return tuple(rule for group in self.groups for rule in group.rules)

    def applicable(self, kind: UnitKind, sector: Sector | None) -> tuple[tuple[bool, ...], ...]:
        """Per group, whether each rule's indicator applies to a unit of this kind and sector
        (:meth:`app.core.domain.Indicator.applies_to`, asked once per kind and sector)."""
        key = (kind, sector)
        known = self.applies.get(key)
        if known is None:
            known = self.applies[key] = tuple(
                tuple(r.indicator.applies_to(kind, sector) for r in group.rules)
                for group in self.groups
            )
        return known

    def floors_of(self, kind: UnitKind) -> tuple[tuple[str, int, int], ...]:
        """:func:`app.plans.thresholds_of`, once per unit kind: each grade with its minimum
        score as (numerator, denominator)."""
        known = self.by_kind.get(kind)
        if known is None:
            known = self.by_kind[kind] = tuple(
                (grade, least.numerator, least.denominator)
                for grade, least in plan_thresholds(self.rules, kind)
            )
        return known


def _share(points: Fraction, share: Fraction, scale: int) -> Share:
    given = share_of(points, share)
    return (share, given, given.numerator * scale // given.denominator, share >= HUNDRED)


def compile_rules(plan: domain.Plan, rules: Rules) -> Compiled:
    """The rules' groups of compiled indicator rules (once for every unit scored)."""
    by_code = {i.code: i for i in plan.indicators}
    groups = []
    for group in rules.groups:
        figures_given = []
        for rule in group.indicators:
            figures_given.append(rule.points)
            figures_given += [share_of(rule.points, b.share) for b in rules.bands_of(rule)]
            figures_given += [share_of(rule.points, s) for _g, s in rule.grade_shares]
        scale = math.lcm(1, *(f.denominator for f in figures_given))
        compiled = tuple(
            CompiledRule(
                group=group,
                rule=rule,
                indicator=by_code[rule.code],
                code=rule.code,
                method=rule.method,
                kind=by_code[rule.code].kind,
                points=rule.points.numerator * scale // rule.points.denominator,
                bands=tuple(
                    (b, b.start.numerator, b.start.denominator, _share(rule.points, b.share, scale))
                    for b in rules.bands_of(rule)
                ),
                grades={g: _share(rule.points, s, scale) for g, s in rule.grade_shares},
                cap=(rule.cap.numerator, rule.cap.denominator),
                bonus_per_percent=(
                    rule.bonus_per_percent.numerator,
                    rule.bonus_per_percent.denominator,
                ),
            )
            for rule in group.indicators
        )
        groups.append((group, compiled, scale))
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
        ranks=grade_ranks(plan, rules),
        labels=grade_labels(plan, rules),
        rules=rules,
        plan_ranks={g.code: g.rank for g in plan.grade_levels},
    )


@functools.lru_cache(maxsize=4096)
def share_of(points: Fraction, share: Fraction) -> Fraction:
    """``share`` % of ``points``."""
    return points * share / 100
