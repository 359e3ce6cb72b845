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
from enum import StrEnum
from fractions import Fraction

from app.core import domain, figures
from app.core.figures import ProgressParts, Special
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
from app.scoring.numbers import number_text, percent_text, rounded, rounded_fraction
from app.scoring.scale import above_hundred
from db.enums import IndicatorKind, Sector, UnitKind

HUNDRED = Fraction(100)
ZERO = Fraction(0)


class Status(StrEnum):
    """How one indicator stands for one unit."""

    SCORED = "scored"
    NOT_APPLICABLE = "not_applicable"  # not the unit's kind or sector: not counted
    NO_BASE = "no_base"  # a ratio with an achieved total of 0: not counted
    NOT_REGISTERED = "not_registered"  # 0 of the maximum
    NOT_REPORTED = "not_reported"  # 0 of the maximum


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
class IndicatorScore:
    """One indicator's points for one unit, with everything needed to explain them."""

    code: str
    title: str
    group_code: str
    kind: IndicatorKind
    method: Method
    status: Status
    registered: domain.UnitValue | None
    achieved: domain.UnitValue | None
    grade_levels: tuple[domain.GradeLevel, ...]
    max_points: Fraction
    weight: Fraction
    attainment: Fraction | None = None  # %
    counted: Fraction | None = None  # attainment as counted (capped), %
    band: Band | None = None
    share: Fraction = Fraction(0)  # % of the points
    base: Fraction = Fraction(0)
    bonus: Fraction = Fraction(0)
    special: str = ""  # registered_zero | registered_total_zero
    cap: Fraction = HUNDRED
    bonus_per_percent: Fraction = Fraction(0)

    @property
    def points(self) -> Fraction:
        return self.base + self.bonus

    @property
    def registered_text(self) -> str:
        return _value_text(self.kind, self.grade_levels, self.registered)

    @property
    def achieved_text(self) -> str:
        return _value_text(self.kind, self.grade_levels, self.achieved)

    @property
    def counts(self) -> bool:
        """Whether the indicator is in the unit's possible points."""
        return self.status not in (Status.NOT_APPLICABLE, Status.NO_BASE)

    @property
    def attained(self) -> bool:
        """Attained in full (100% of the registered value, a full-share grade, yes)."""
        return self.status is Status.SCORED and self.share >= HUNDRED

    def explain(self) -> str:
        """Why this many points, in the current language, with the arithmetic."""
        maximum = number_text(self.max_points)
        if self.status is Status.NOT_APPLICABLE:
            return _("Does not apply to this unit's kind or sector: not counted.")
        if self.status is Status.NO_BASE:
            return _("The total achieved is 0, so there is nothing to measure: not counted.")
        if self.status is Status.NOT_REGISTERED:
            return _("Nothing registered: 0 of {maximum} points.").format(maximum=maximum)
        if self.status is Status.NOT_REPORTED:
            return _("No result reported: 0 of {maximum} points.").format(maximum=maximum)
        if self.method is Method.REPORTED:
            return _("Reported: all {maximum} points.").format(maximum=maximum)
        if self.method is Method.GRADE:
            return _("Grade {grade}: {share} of {maximum} points = {points}.").format(
                grade=self.achieved_text,
                share=percent_text(self.share, 0),
                maximum=maximum,
                points=number_text(self.points),
            )
        parts: list[str] = []
        if self.kind is IndicatorKind.YES_NO:
            parts.append(
                _("Achieved {achieved}: counted as {attainment}.").format(
                    achieved=self.achieved_text,
                    attainment=percent_text(self.attainment or Fraction(0)),
                )
            )
        elif self.special == "registered_zero":
            parts.append(
                _(
                    "Registered {registered}, achieved {achieved}: more than a registered 0 "
                    "counts as {attainment}."
                ).format(
                    registered=self.registered_text,
                    achieved=self.achieved_text,
                    attainment=percent_text(self.attainment or Fraction(0)),
                )
            )
        elif self.special == "registered_total_zero":
            parts.append(
                _(
                    "Registered {registered} (a total of 0, compared against 100%), "
                    "achieved {achieved}: {attainment}."
                ).format(
                    registered=self.registered_text,
                    achieved=self.achieved_text,
                    attainment=percent_text(self.attainment or Fraction(0)),
                )
            )
        else:
            parts.append(
                _(
                    "Registered {registered}, achieved {achieved}: {attainment} of the registered."
                ).format(
                    registered=self.registered_text,
                    achieved=self.achieved_text,
                    attainment=percent_text(self.attainment or Fraction(0)),
                )
            )
        if self.band is not None:
            parts.append(
                _("Band from {start}: {share} of {maximum} points = {base}.").format(
                    start=percent_text(self.band.start, 0),
                    share=percent_text(self.share, 0),
                    maximum=maximum,
                    base=number_text(self.base),
                )
            )
        else:
            parts.append(_("Below every band: 0 of {maximum} points.").format(maximum=maximum))
        if self.bonus:
            parts.append(
                _(
                    "Bonus: ({counted} − 100) × {per} = {bonus} points (counted up to {cap})."
                ).format(
                    counted=number_text(self.counted or HUNDRED),
                    per=number_text(self.bonus_per_percent, 3),
                    bonus=number_text(self.bonus),
                    cap=percent_text(self.cap, 0),
                )
            )
        return " ".join(parts)


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
    groups: tuple[GroupScore, ...]
    earned: Fraction  # weighted
    possible: Fraction  # weighted
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
        return int(self.score.scaleb(2)) if self.score is not None else None

    @functools.cached_property
    def shown_bonus(self) -> Fraction:
        """The weighted bonus points as shown (two decimals, half up), exact again."""
        return rounded_fraction(self.bonus)

    @functools.cached_property
    def bonus_cents(self) -> int:
        """:attr:`shown_bonus` in hundredths of a point."""
        return int(self.shown_bonus * 100)

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


def _value_text(
    kind: IndicatorKind,
    grade_levels: tuple[domain.GradeLevel, ...],
    value: domain.UnitValue | None,
) -> str:
    """A unit's value as :func:`app.core.figures.value_text` reads it; "—" for none."""
    return figures.value_text_of(kind, grade_levels, value) or "—"


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


def _score(
    plan: domain.Plan, rules: Rules, compiled_rules: Compiled, item: ScoreInput
) -> UnitScore:
    unit = item.unit
    details: list[_Detail] = []
    groups: list[GroupScore] = []
    attained = counted_count = 0
    bonus_w = ZERO
    for group, (group_rules, scale) in zip(rules.groups, compiled_rules, strict=True):
        earned = ZERO  # the bonus points
        earned_n = possible_n = 0  # the rest, in 1/scale
        for compiled in group_rules:
            code = compiled.rule.code
            registered = item.registered.get(code)
            achieved = item.achieved.get(code)
            if registered is not None and registered.is_empty():
                registered = None
            if achieved is not None and achieved.is_empty():
                achieved = None
            outcome = (
                _outcome(compiled, registered, achieved)
                if compiled.applies_to(unit.kind, unit.sector)
                else _NOT_APPLICABLE
            )
            details.append((compiled, registered, achieved, outcome))
            status, share, base, bonus = outcome[0], outcome[4], outcome[5], outcome[6]
            if status is Status.NOT_APPLICABLE or status is Status.NO_BASE:
                continue
            counted_count += 1
            points = compiled.rule.points
            possible_n += points.numerator * scale // points.denominator
            if base:
                earned_n += base.numerator * scale // base.denominator
            if bonus:
                earned += bonus
                bonus_w += bonus * group.weight
            if status is Status.SCORED and _at_least(share, HUNDRED):
                attained += 1
        earned += Fraction(earned_n, scale)
        possible = Fraction(possible_n, scale)
        groups.append(GroupScore(group.code, group.title, group.weight, earned, possible))
    earned_w = sum((g.weighted_earned for g in groups), ZERO)
    possible_w = sum((g.weighted_possible for g in groups), ZERO)
    exact: Fraction | None
    if possible_w == 0:
        exact = None
    elif rules.normalise:
        exact = earned_w * 100 / possible_w
    else:
        exact = earned_w
    # Shown as the plan lists them (1, 2.1, 2.2, 3.1), whatever the rules' groups.
    order = {indicator.code: index for index, indicator in enumerate(plan.indicators)}
    details.sort(key=lambda detail: order.get(detail[0].rule.code, len(order)))
    vetoes = _vetoes(plan, rules, item)
    # An upper-level union is graded on its own scale when the rules give one.
    grade_by_score = _grade_for(thresholds_of(rules, unit.kind), exact)
    grade = grade_by_score
    ranks = grade_ranks(plan, rules) if vetoes else {}
    for veto in vetoes:
        if veto.max_grade and (grade is None or ranks[grade] < ranks[veto.max_grade]):
            grade = veto.max_grade if exact is not None else grade
    return UnitScore(
        unit=unit,
        details=tuple(details),
        groups=tuple(groups),
        earned=earned_w,
        possible=possible_w,
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
