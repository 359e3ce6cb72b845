"""Scoring units under their plan's rules: each indicator's points, the score, vetoes, grade.

The rules are the plan's (:mod:`app.plans.rules` says what each of them
means). Scores are never stored: they are computed from the current rules and
statements, so a change of rules re-scores everyone at once.

Arithmetic is exact (fractions); figures are rounded half up only for
display, and every figure is explained ("why this score").
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from app.core import domain, figures
from app.core.figures import ProgressParts, Special
from app.core.format import half_up_units
from app.core.i18n import gettext as _
from app.plans import (
    Band,
    Method,
    Rules,
    VetoCondition,
    grade_labels,
    grade_ranks,
    own_grade,
    thresholds_of,
)
from app.scoring.compiled_rules import Compiled, CompiledRule, compile_rules
from app.scoring.indicator_score import IndicatorScore, Status
from app.scoring.numbers import number_text, rounded, rounded_fraction
from app.scoring.scale import above_hundred
from db.enums import IndicatorKind, Sector, UnitKind

HUNDRED = Fraction(100)
ZERO = Fraction(0)


@dataclass(frozen=True)
class UnitFacts:
    """A scored unit: who it is and where it sits in the plan year."""

    id: str
    code: str
    name: str
    kind: UnitKind
    sector: Sector | None
    parent_id: str | None = None
    parent_name: str = ""
    cluster_id: str | None = None
    cluster_name: str = ""


@dataclass(frozen=True)
class ScoreInput:
    unit: UnitFacts
    registered: Mapping[str, domain.UnitValue]
    achieved: Mapping[str, domain.UnitValue]
    reported: bool  # a results statement exists for the scored period
    flags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class GroupScore:
    code: str
    title: str
    weight: Fraction
    earned: Fraction  # unweighted points
    possible: Fraction  # unweighted maximum of the indicators that count

    @property
    def weighted_earned(self) -> Fraction:
        return self.earned * self.weight

    @property
    def weighted_possible(self) -> Fraction:
        return self.possible * self.weight


@dataclass(frozen=True)
class VetoHit:
    code: str
    label: str
    no_award: bool
    max_grade: str | None  # the grade's code on the unit's scale
    #: The grade's name, as the unit's scale calls it ("Yếu").
    max_grade_label: str = ""


@dataclass(frozen=True)
class UnitScore:
    unit: UnitFacts
    #: Each indicator's outcome, in the plan's order (:attr:`indicators` explains them).
    details: tuple[_Detail, ...]
    #: The rules compiled, and each group's (earned, possible) in its ``1/scale`` (bonus
    #: points aside) and its bonus points: :attr:`groups` says them.
    compiled: Compiled
    points: tuple[tuple[int, int, Fraction], ...]
    #: (earned, possible) weighted, in ``1/compiled.scale``, the bonus points aside.
    weighted: tuple[int, int]
    exact: Fraction | None  # the score, exact
    normalised: bool
    vetoes: tuple[VetoHit, ...]
    grade_by_score: str | None
    grade: str | None
    reported: bool
    attained_count: int  # indicators attained in full
    counted_count: int  # indicators counted (those that apply and can be measured)
    bonus: Fraction  # weighted bonus points
    grade_levels: tuple[domain.GradeLevel, ...] = ()

    @functools.cached_property
    def groups(self) -> tuple[GroupScore, ...]:
        """Each group's points (made when first asked: ranking needs only the score)."""
        return tuple(
            GroupScore(
                c.group.code,
                c.group.title,
                c.group.weight,
                bonus + Fraction(earned, c.scale),
                Fraction(possible, c.scale),
            )
            for c, (earned, possible, bonus) in zip(self.compiled.groups, self.points, strict=True)
        )

    @functools.cached_property
    def earned(self) -> Fraction:
        """The weighted points earned."""
        return Fraction(self.weighted[0], self.compiled.scale) + self.bonus

    @functools.cached_property
    def possible(self) -> Fraction:
        """The weighted maximum of the indicators that count."""
        return Fraction(self.weighted[1], self.compiled.scale)

    @functools.cached_property
    def indicators(self) -> tuple[IndicatorScore, ...]:
        """Each indicator's points with their explanation, in the plan's order (made
        when first asked: a scoreboard needs only the totals)."""
        return tuple(_indicator_score(self.grade_levels, d) for d in self.details)

    @functools.cached_property
    def score(self) -> Decimal | None:
        """The score as shown and compared: two decimals, half up."""
        return rounded(self.exact) if self.exact is not None else None

    @functools.cached_property
    def score_cents(self) -> int | None:
        """:attr:`score` in hundredths of a point: what ranking compares."""
        return half_up_units(self.exact, 2) if self.exact is not None else None

    @functools.cached_property
    def shown_bonus(self) -> Fraction:
        """The weighted bonus points as shown (two decimals, half up), exact again."""
        return rounded_fraction(self.bonus)

    @functools.cached_property
    def bonus_cents(self) -> int:
        """:attr:`shown_bonus` in hundredths of a point."""
        return half_up_units(self.bonus, 2)

    @property
    def eligible(self) -> bool:
        """Ranked and eligible for commendation: a score and no barring veto."""
        return self.exact is not None and not any(v.no_award for v in self.vetoes)

    def indicator(self, code: str) -> IndicatorScore:
        return next(i for i in self.indicators if i.code == code)

    def explain(self) -> list[str]:
        """The total's arithmetic, line by line, in the current language."""
        lines: list[str] = []
        for group in self.groups:
            if not group.possible:
                continue
            lines.append(
                _("{title}: {earned} of {possible} points × weight {weight} = {weighted}.").format(
                    title=group.title,
                    earned=number_text(group.earned),
                    possible=number_text(group.possible),
                    weight=number_text(group.weight),
                    weighted=number_text(group.weighted_earned),
                )
            )
        if self.exact is None:
            lines.append(_("No indicator to score: no score."))
        elif self.normalised:
            lines.append(
                _("Score = 100 × {earned} / {possible} = {score}.").format(
                    earned=number_text(self.earned),
                    possible=number_text(self.possible),
                    score=number_text(self.exact),
                )
            )
        else:
            lines.append(
                _("Score = the weighted points = {score}.").format(score=number_text(self.exact))
            )
        if above_hundred(self.score, normalised=self.normalised):
            lines.append(
                _(
                    "Above 100 on the 100 scale: bonus points for indicators exceeded "
                    "are added to it."
                )
            )
        for veto in self.vetoes:
            effects = []
            if veto.no_award:
                effects.append(_("not ranked, no commendation"))
            if veto.max_grade:
                effects.append(
                    _("grade at most {grade}").format(grade=veto.max_grade_label or veto.max_grade)
                )
            lines.append(
                _("Veto: {label} ({effects}).").format(label=veto.label, effects="; ".join(effects))
            )
        return lines


def _attainment(
    compiled: CompiledRule,
    registered: domain.UnitValue | None,
    achieved: domain.UnitValue,
) -> tuple[Status, ProgressParts | None, str]:
    """(status, attainment % as integers, special case) of an attainment-scored indicator.

    The attainment is :func:`app.core.figures.commitment_progress` — the same
    percentage of the registered value the unit's screen and its printed
    report show (here in integers, :func:`app.core.figures.commitment_progress_parts`);
    only what scoring does with the special cases is its own.
    """
    kind = compiled.indicator.kind
    progress, special, _reaches = figures.commitment_progress_parts(kind, registered, achieved)
    if kind is IndicatorKind.YES_NO:
        return Status.SCORED, progress or (0, 1), ""
    if special is Special.NO_BASE:
        return Status.NO_BASE, None, ""
    if kind is IndicatorKind.RATIO and (achieved.numerator is None or achieved.denominator is None):
        return Status.NOT_REPORTED, None, ""
    if special is Special.REGISTERED_ZERO:
        got_nothing = (
            not achieved.numerator if kind is IndicatorKind.RATIO else not (achieved.amount or 0)
        )
        return Status.SCORED, ((100, 1) if got_nothing else compiled.cap), special.value
    if special is Special.REGISTERED_TOTAL_ZERO:
        return Status.SCORED, progress, special.value
    if progress is None:
        return Status.NOT_REGISTERED, None, ""
    return Status.SCORED, progress, ""


def _at_least(value: Fraction, threshold: Fraction) -> bool:
    """``value >= threshold`` in integers (Fractions keep positive denominators)."""
    return value.numerator * threshold.denominator >= threshold.numerator * value.denominator


def _fraction(parts: ProgressParts | None) -> Fraction | None:
    return None if parts is None else Fraction(*parts)


#: One indicator's outcome: (status, attainment, counted, band, share, base, bonus, special);
#: the attainment and the attainment as counted in integers (made Fractions when shown).
_Outcome = tuple[
    Status,
    ProgressParts | None,
    ProgressParts | None,
    Band | None,
    Fraction,
    Fraction,
    Fraction,
    str,
]
#: One indicator of one unit: (its rule, registered, achieved, outcome).
_Detail = tuple[CompiledRule, domain.UnitValue | None, domain.UnitValue | None, _Outcome]
_NOT_APPLICABLE: _Outcome = (Status.NOT_APPLICABLE, None, None, None, ZERO, ZERO, ZERO, "")
_NOT_REPORTED: _Outcome = (Status.NOT_REPORTED, None, None, None, ZERO, ZERO, ZERO, "")


def _outcome(
    compiled: CompiledRule,
    registered: domain.UnitValue | None,
    achieved: domain.UnitValue | None,
) -> _Outcome:
    """How one indicator stands for one unit that it applies to (its values already
    emptied of blanks)."""
    rule = compiled.rule
    if achieved is None:
        return _NOT_REPORTED
    if rule.method is Method.REPORTED:
        return (Status.SCORED, None, None, None, HUNDRED, rule.points, ZERO, "")
    if rule.method is Method.GRADE:
        share, base = compiled.grades.get(achieved.grade or "", (ZERO, ZERO))
        return (Status.SCORED, None, None, None, share, base, ZERO, "")
    status, attainment, special = _attainment(compiled, registered, achieved)
    if status is not Status.SCORED or attainment is None:
        return (status, attainment, None, None, ZERO, ZERO, ZERO, special)
    band, share, base = None, ZERO, ZERO
    numerator, denominator = attainment
    for candidate, points, start_n, start_d in compiled.bands:
        if numerator * start_d >= start_n * denominator:  # attainment >= the band's start
            band, share, base = candidate, candidate.share, points
            break
    cap_n, cap_d = compiled.cap
    counted = attainment if cap_n * denominator >= numerator * cap_d else compiled.cap
    bonus = ZERO
    if counted[0] > 100 * counted[1] and rule.bonus_per_percent:  # counted above 100%
        bonus = (Fraction(*counted) - HUNDRED) * rule.bonus_per_percent
    return (status, attainment, counted, band, share, base, bonus, special)


def score_unit(plan: domain.Plan, rules: Rules, item: ScoreInput) -> UnitScore:
    """Score one unit under ``rules`` (:mod:`app.plans.rules` says what they mean)."""
    return _score(plan, rules, compile_rules(plan, rules), item)


def _score(plan: domain.Plan, rules: Rules, compiled: Compiled, item: ScoreInput) -> UnitScore:
    unit = item.unit
    details: list[_Detail] = []
    points: list[tuple[int, int, Fraction]] = []
    attained = counted_count = 0
    earned_all = possible_all = 0  # weighted, in 1/compiled.scale, the bonus aside
    bonus_w = ZERO
    for group in compiled.groups:
        bonus_g = ZERO
        earned_n = possible_n = 0  # in 1/group.scale
        scale = group.scale
        for rule in group.rules:
            code = rule.rule.code
            registered = item.registered.get(code)
            achieved = item.achieved.get(code)
            if registered is not None and registered.is_empty():
                registered = None
            if achieved is not None and achieved.is_empty():
                achieved = None
            outcome = (
                _outcome(rule, registered, achieved)
                if rule.applies_to(unit.kind, unit.sector)
                else _NOT_APPLICABLE
            )
            details.append((rule, registered, achieved, outcome))
            status, share, base, bonus = outcome[0], outcome[4], outcome[5], outcome[6]
            if status is Status.NOT_APPLICABLE or status is Status.NO_BASE:
                continue
            counted_count += 1
            maximum = rule.rule.points
            possible_n += maximum.numerator * scale // maximum.denominator
            if base:
                earned_n += base.numerator * scale // base.denominator
            if bonus:
                bonus_g += bonus
                bonus_w += bonus * group.group.weight
            if status is Status.SCORED and _at_least(share, HUNDRED):
                attained += 1
        points.append((earned_n, possible_n, bonus_g))
        earned_all += earned_n * group.factor
        possible_all += possible_n * group.factor
    exact: Fraction | None
    if possible_all == 0:
        exact = None
    elif rules.normalise:
        if bonus_w:
            exact = (bonus_w * compiled.scale + earned_all) * 100 / possible_all
        else:
            exact = Fraction(earned_all * 100, possible_all)
    else:
        exact = Fraction(earned_all, compiled.scale) + bonus_w
    vetoes = _vetoes(plan, rules, item) if rules.vetoes else ()
    # An upper-level union is graded on its own scale when the rules give one.
    grade_by_score = _grade_for(thresholds_of(rules, unit.kind), exact)
    grade = grade_by_score
    ranks = grade_ranks(plan, rules) if vetoes else {}
    for veto in vetoes:
        if veto.max_grade and (grade is None or ranks[grade] < ranks[veto.max_grade]):
            grade = veto.max_grade if exact is not None else grade
    return UnitScore(
        unit=unit,
        # Shown as the plan lists them (1, 2.1, 2.2, 3.1), whatever the rules' groups.
        details=tuple([details[i] for i in compiled.plan_order]),
        compiled=compiled,
        points=tuple(points),
        weighted=(earned_all, possible_all),
        exact=exact,
        normalised=rules.normalise,
        vetoes=vetoes,
        grade_by_score=grade_by_score,
        grade=grade,
        reported=item.reported,
        attained_count=attained,
        counted_count=counted_count,
        bonus=bonus_w,
        grade_levels=plan.grade_levels,
    )


def _indicator_score(
    grade_levels: tuple[domain.GradeLevel, ...], detail: _Detail
) -> IndicatorScore:
    """One indicator's score, with everything needed to explain it, from its outcome."""
    compiled, registered, achieved, outcome = detail
    status, attainment, counted, band, share, base, bonus, special = outcome
    rule = compiled.rule
    return IndicatorScore(
        code=rule.code,
        title=compiled.indicator.title,
        group_code=compiled.group.code,
        kind=compiled.indicator.kind,
        method=rule.method,
        status=status,
        registered=registered,
        achieved=achieved,
        grade_levels=grade_levels,
        max_points=rule.points,
        weight=compiled.group.weight,
        attainment=_fraction(attainment),
        counted=_fraction(counted),
        band=band,
        share=share,
        base=base,
        bonus=bonus,
        special=special,
        cap=rule.cap,
        bonus_per_percent=rule.bonus_per_percent,
    )


def _vetoes(plan: domain.Plan, rules: Rules, item: ScoreInput) -> tuple[VetoHit, ...]:
    ranks = {g.code: g.rank for g in plan.grade_levels}
    labels = grade_labels(plan, rules)
    hits: list[VetoHit] = []
    for veto in rules.vetoes:
        hit = False
        if veto.when is VetoCondition.FLAG:
            hit = veto.flag in item.flags
        elif veto.when is VetoCondition.NO_REPORT:
            hit = not item.reported
        elif veto.when is VetoCondition.GRADE and veto.indicator:
            value = item.achieved.get(veto.indicator)
            hit = bool(
                value is not None
                and value.grade in ranks
                and veto.at_or_below in ranks
                and ranks[value.grade or ""] >= ranks[veto.at_or_below or ""]
            )
        if hit:
            cap = own_grade(plan, rules, item.unit.kind, veto.max_grade) if veto.max_grade else None
            label = labels.get(cap or "", cap or "")
            hits.append(VetoHit(veto.code, veto.label, veto.no_award, cap, label))
    return tuple(hits)


def _grade_for(thresholds: tuple[tuple[str, Fraction], ...], score: Fraction | None) -> str | None:
    if score is None:
        return None
    for grade, min_score in thresholds:
        if score >= min_score:
            return grade
    return None


def score_units(plan: domain.Plan, rules: Rules, inputs: Iterable[ScoreInput]) -> list[UnitScore]:
    """Score every unit given, in the order given."""
    compiled = compile_rules(plan, rules)
    return [_score(plan, rules, compiled, item) for item in inputs]
