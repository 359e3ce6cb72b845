"""Scoring units under their plan's rules: each indicator's points, the score, vetoes, grade.

The rules are the plan's (:mod:`app.plans.rules` says what each of them
means). Scores are never stored: they are computed from the current rules and
statements, so a change of rules re-scores everyone at once.

Arithmetic is exact (fractions); figures are rounded half up only for
display, and every figure is explained ("why this score").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from math import gcd

from app.core import domain, figures
from app.core.figures import ProgressParts, Special
from app.core.format import half_up_units
from app.core.i18n import gettext as _
from app.core.records import cached, quick_init
from app.core.text import natural_text
from app.plans import (
    Band,
    Method,
    Rules,
    VetoCondition,
    own_grade,
)
from app.scoring.compiled_rules import Compiled, CompiledRule, compile_rules
from app.scoring.indicator_score import IndicatorScore, Status
from app.scoring.numbers import number_text, rounded, rounded_fraction
from app.scoring.scale import above_hundred
from db.enums import IndicatorKind, Sector, UnitKind

HUNDRED = Fraction(100)
ZERO = Fraction(0)
# Looked up once: an enum member read from its class costs ten times a global.
_SCORED, _NO_BASE, _NOT_REPORTED_S, _NOT_REGISTERED = (
    Status.SCORED,
    Status.NO_BASE,
    Status.NOT_REPORTED,
    Status.NOT_REGISTERED,
)
_REPORTED, _GRADE, _PLAIN = Method.REPORTED, Method.GRADE, Special.NONE
_YES_NO, _RATIO = IndicatorKind.YES_NO, IndicatorKind.RATIO
_FLAG, _NO_REPORT, _GRADE_AT_MOST = (
    VetoCondition.FLAG,
    VetoCondition.NO_REPORT,
    VetoCondition.GRADE,
)


@quick_init
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
    #: The code's natural order as text, when read with the unit (``unit.code_order``).
    code_order: str | None = field(default=None, compare=False, repr=False)

    @cached
    def order(self) -> tuple[str, str]:
        """Where the unit is listed: by code, digits read as numbers (``CS-2`` before
        ``CS-10``: :func:`app.core.text.natural_text`, which sorts as
        :func:`app.core.text.natural_key`), then by id."""
        code_order = self.code_order
        return (natural_text(self.code) if code_order is None else code_order), self.id


@quick_init
@dataclass(frozen=True)
class ScoreInput:
    unit: UnitFacts
    registered: Mapping[str, domain.UnitValue]
    achieved: Mapping[str, domain.UnitValue]
    reported: bool  # a results statement exists for the scored period
    flags: frozenset[str] = frozenset()
    #: Whether the values hold no empty one (read so: an empty value is left out), so
    #: that scoring need not look at each.
    filled: bool = False


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


@quick_init
@dataclass(frozen=True)
class UnitScore:
    unit: UnitFacts
    #: Each indicator's outcome, in the rules' order (:attr:`indicators` explains them),
    #: and the unit's values it was worked out from.
    outcomes: tuple[_Outcome, ...]
    registered: Mapping[str, domain.UnitValue]
    achieved: Mapping[str, domain.UnitValue]
    #: The rules compiled, and each group's (earned, possible) in its ``1/scale`` (bonus
    #: points aside) and its bonus points as (numerator, denominator): :attr:`groups`
    #: says them.
    compiled: Compiled
    points: tuple[tuple[int, int, int, int], ...]
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
    #: The weighted bonus points as (numerator, denominator > 0), over the least common
    #: multiple of the indicators' bonus denominators (not always reduced): :attr:`bonus`.
    bonus_parts: tuple[int, int]
    grade_levels: tuple[domain.GradeLevel, ...] = ()

    @cached
    def groups(self) -> tuple[GroupScore, ...]:
        """Each group's points (made when first asked: ranking needs only the score)."""
        return tuple(
            GroupScore(
                c.group.code,
                c.group.title,
                c.group.weight,
                Fraction(bonus_n, bonus_d) + Fraction(earned, c.scale),
                Fraction(possible, c.scale),
            )
            for c, (earned, possible, bonus_n, bonus_d) in zip(
                self.compiled.groups, self.points, strict=True
            )
        )

    @cached
    def earned(self) -> Fraction:
        """The weighted points earned."""
        return Fraction(self.weighted[0], self.compiled.scale) + self.bonus

    @cached
    def possible(self) -> Fraction:
        """The weighted maximum of the indicators that count."""
        return Fraction(self.weighted[1], self.compiled.scale)

    @cached
    def indicators(self) -> tuple[IndicatorScore, ...]:
        """Each indicator's points with their explanation, in the plan's order (made
        when first asked: a scoreboard needs only the totals)."""
        flat = self.compiled.flat
        return tuple(
            _indicator_score(
                self.grade_levels,
                flat[i],
                _filled(self.registered.get(flat[i].rule.code)),
                _filled(self.achieved.get(flat[i].rule.code)),
                self.outcomes[i],
            )
            for i in self.compiled.plan_order
        )

    @cached
    def score(self) -> Decimal | None:
        """The score as shown and compared: two decimals, half up."""
        return rounded(self.exact) if self.exact is not None else None

    @cached
    def score_cents(self) -> int | None:
        """:attr:`score` in hundredths of a point: what ranking compares."""
        return half_up_units(self.exact, 2) if self.exact is not None else None

    @cached
    def bonus(self) -> Fraction:
        """The weighted bonus points."""
        return Fraction(*self.bonus_parts)

    @cached
    def shown_bonus(self) -> Fraction:
        """The weighted bonus points as shown (two decimals, half up), exact again."""
        return rounded_fraction(self.bonus)

    @cached
    def bonus_cents(self) -> int:
        """:attr:`shown_bonus` in hundredths of a point (from :attr:`bonus_parts` in
        integers, as :func:`app.core.format.half_up_units` rounds: no Fraction per unit
        ranked)."""
        numerator, denominator = self.bonus_parts
        whole = (abs(numerator) * 200 + denominator) // (2 * denominator)
        return -whole if numerator < 0 else whole

    @cached
    def eligible(self) -> bool:
        """Ranked and eligible for commendation: a score and no barring veto (read by both
        rankings of every unit)."""
        if self.exact is None:
            return False
        return not self.vetoes or not any(v.no_award for v in self.vetoes)

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


def _special_attainment(
    compiled: CompiledRule,
    progress: ProgressParts | None,
    special: Special,
    achieved: domain.UnitValue,
) -> tuple[Status, ProgressParts | None, str]:
    """(status, attainment % as integers, special case) of an attainment-scored indicator
    whose progress is not a plain percentage (:func:`_outcome` takes that one itself)."""
    kind = compiled.kind
    if special is _PLAIN:
        if progress is not None:
            return _SCORED, progress, ""
        if kind is _YES_NO:
            return _SCORED, (0, 1), ""
        if kind is _RATIO and (achieved.numerator is None or achieved.denominator is None):
            return _NOT_REPORTED_S, None, ""
        return _NOT_REGISTERED, None, ""
    if special is Special.NO_BASE:
        return Status.NO_BASE, None, ""
    if special is Special.REGISTERED_ZERO:
        got_nothing = not achieved.numerator if kind is _RATIO else not (achieved.amount or 0)
        return _SCORED, ((100, 1) if got_nothing else compiled.cap), special.value
    return _SCORED, progress, special.value  # registered a total of 0


def _filled(value: domain.UnitValue | None) -> domain.UnitValue | None:
    return None if value is None or value.is_empty() else value


def _fraction(parts: ProgressParts | None) -> Fraction | None:
    return None if parts is None else Fraction(*parts)


#: One indicator's outcome: (status, attainment, counted, band, share, base, bonus, special,
#: base in ``1/scale`` of its group, attained in full); the attainment and the attainment
#: as counted in integers (made Fractions when shown).
_Outcome = tuple[
    Status,
    ProgressParts | None,
    ProgressParts | None,
    Band | None,
    Fraction,
    Fraction,
    ProgressParts | None,
    str,
    int,
    bool,
]
_NOT_APPLICABLE: _Outcome = (
    Status.NOT_APPLICABLE,
    None,
    None,
    None,
    ZERO,
    ZERO,
    None,
    "",
    0,
    False,
)
#: The one definition of attainment (the screen's, the paper's and the workbook's too).
_progress_parts = figures.filled_progress_parts
_NOT_REPORTED: _Outcome = (Status.NOT_REPORTED, None, None, None, ZERO, ZERO, None, "", 0, False)
_NO_GRADE = (ZERO, ZERO, 0, False)


def _outcome(
    compiled: CompiledRule,
    registered: domain.UnitValue | None,
    achieved: domain.UnitValue,
) -> _Outcome:
    """How one indicator stands for one unit that it applies to and that reported it
    (``achieved`` not empty, ``registered`` None or not empty).

    The attainment is :func:`app.core.figures.commitment_progress` — the same
    percentage of the registered value the unit's screen and its printed
    report show (here in integers, :func:`app.core.figures.commitment_progress_parts`);
    only what scoring does with the special cases is its own.
    """
    method = compiled.method
    if method is _REPORTED:
        full = compiled.points
        return (_SCORED, None, None, None, HUNDRED, compiled.rule.points, None, "", full, True)
    if method is _GRADE:
        share, base, base_n, full = compiled.grades.get(achieved.grade or "", _NO_GRADE)
        return (_SCORED, None, None, None, share, base, None, "", base_n, full)
    progress, plain, _reaches = _progress_parts(compiled.kind, registered, achieved)
    special = ""
    if progress is None or plain is not _PLAIN:  # not a plain percentage (most values are)
        status, attainment, special = _special_attainment(compiled, progress, plain, achieved)
        if status is not _SCORED or attainment is None:
            return (status, attainment, None, None, ZERO, ZERO, None, special, 0, False)
        progress = attainment
    band, given = None, _NO_GRADE
    numerator, denominator = progress
    for candidate, start_n, start_d, band_share in compiled.bands:
        if numerator * start_d >= start_n * denominator:  # attainment >= the band's start
            band, given = candidate, band_share
            break
    cap_n, cap_d = compiled.cap
    counted = progress if cap_n * denominator >= numerator * cap_d else compiled.cap
    bonus: ProgressParts | None = None
    per_n, per_d = compiled.bonus_per_percent
    if per_n and counted[0] > 100 * counted[1]:  # counted above 100%: (counted − 100) × per
        bonus = ((counted[0] - 100 * counted[1]) * per_n, counted[1] * per_d)
    share, base, base_n, full = given
    return (_SCORED, progress, counted, band, share, base, bonus, special, base_n, full)


def score_unit(plan: domain.Plan, rules: Rules, item: ScoreInput) -> UnitScore:
    """Score one unit under ``rules`` (:mod:`app.plans.rules` says what they mean)."""
    return _score(plan, rules, compile_rules(plan, rules), item)


def _without_empty(values: Mapping[str, domain.UnitValue]) -> Mapping[str, domain.UnitValue]:
    """The values that are not empty (scoring reads an empty value as one not given)."""
    if all(not v.is_empty() for v in values.values()):
        return values
    return {code: v for code, v in values.items() if not v.is_empty()}


def _score(plan: domain.Plan, rules: Rules, compiled: Compiled, item: ScoreInput) -> UnitScore:
    unit = item.unit
    registered, achieved_values = item.registered, item.achieved
    if not item.filled:
        registered, achieved_values = _without_empty(registered), _without_empty(achieved_values)
    registered_of, achieved_of = registered.get, achieved_values.get
    outcomes: list[_Outcome] = []
    add = outcomes.append
    points: list[tuple[int, int, int, int]] = []
    attained = counted_count = 0
    earned_all = possible_all = 0  # weighted, in 1/compiled.scale, the bonus aside
    bonus_n, bonus_d = 0, 1  # weighted, over the denominators' least common multiple
    for group, applies in zip(
        compiled.groups, compiled.applicable(unit.kind, unit.sector), strict=True
    ):
        group_n, group_d = 0, 1  # the group's bonus, over the least common denominator
        earned_n = possible_n = 0  # in 1/group.scale
        for rule, applicable in zip(group.rules, applies, strict=True):
            if not applicable:
                add(_NOT_APPLICABLE)
                continue
            code = rule.code
            achieved = achieved_of(code)
            if achieved is None:  # not reported: counted, no points
                add(_NOT_REPORTED)
                counted_count += 1
                possible_n += rule.points
                continue
            outcome = _outcome(rule, registered_of(code), achieved)
            add(outcome)
            if outcome[0] is _NO_BASE:
                continue
            counted_count += 1
            possible_n += rule.points
            earned_n += outcome[8]
            if outcome[9]:
                attained += 1
            bonus = outcome[6]
            if bonus is not None:  # added over the least common denominator
                add_n, add_d = bonus
                if add_d == group_d:
                    group_n += add_n
                else:
                    common = gcd(group_d, add_d)
                    group_n = group_n * (add_d // common) + add_n * (group_d // common)
                    group_d = group_d // common * add_d
        if group_n:
            weight_n, weight_d = group.weight
            add_n, add_d = group_n * weight_n, group_d * weight_d
            common = gcd(bonus_d, add_d)
            bonus_n = bonus_n * (add_d // common) + add_n * (bonus_d // common)
            bonus_d = bonus_d // common * add_d
        points.append((earned_n, possible_n, group_n, group_d))
        earned_all += earned_n * group.factor
        possible_all += possible_n * group.factor
    exact: Fraction | None = None
    grade_by_score: str | None = None
    if possible_all:
        if rules.normalise:
            # 100 × (earned_all / scale + bonus) / (possible_all / scale)
            score_n = (earned_all * bonus_d + bonus_n * compiled.scale) * 100
            score_d = possible_all * bonus_d
        else:
            score_n = earned_all * bonus_d + bonus_n * compiled.scale
            score_d = compiled.scale * bonus_d
        exact = Fraction(score_n, score_d)
        # An upper-level union is graded on its own scale when the rules give one.
        grade_by_score = _grade_for(compiled.floors_of(unit.kind), score_n, score_d)
    vetoes = _vetoes(plan, compiled, item, achieved_values) if rules.vetoes else ()
    grade = grade_by_score
    ranks = compiled.ranks
    for veto in vetoes:
        if veto.max_grade and (grade is None or ranks[grade] < ranks[veto.max_grade]):
            grade = veto.max_grade if exact is not None else grade
    return UnitScore(
        unit=unit,
        outcomes=tuple(outcomes),
        registered=registered,
        achieved=achieved_values,
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
        bonus_parts=(bonus_n, bonus_d),
        grade_levels=plan.grade_levels,
    )


def _indicator_score(
    grade_levels: tuple[domain.GradeLevel, ...],
    compiled: CompiledRule,
    registered: domain.UnitValue | None,
    achieved: domain.UnitValue | None,
    outcome: _Outcome,
) -> IndicatorScore:
    """One indicator's score, with everything needed to explain it, from its outcome."""
    status, attainment, counted, band, share, base, bonus, special, _n, _full = outcome
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
        bonus=_fraction(bonus) or ZERO,
        special=special,
        cap=rule.cap,
        bonus_per_percent=rule.bonus_per_percent,
    )


def _vetoes(
    plan: domain.Plan,
    compiled: Compiled,
    item: ScoreInput,
    achieved: Mapping[str, domain.UnitValue],
) -> tuple[VetoHit, ...]:
    rules = compiled.rules
    ranks = compiled.plan_ranks
    hits: list[VetoHit] = []
    for veto in rules.vetoes:
        hit = False
        when = veto.when
        if when is _FLAG:
            hit = veto.flag in item.flags
        elif when is _NO_REPORT:
            hit = not item.reported
        elif when is _GRADE_AT_MOST and veto.indicator:
            value = achieved.get(veto.indicator)
            hit = bool(
                value is not None
                and value.grade in ranks
                and veto.at_or_below in ranks
                and ranks[value.grade or ""] >= ranks[veto.at_or_below or ""]
            )
        if hit:
            cap = own_grade(plan, rules, item.unit.kind, veto.max_grade) if veto.max_grade else None
            label = compiled.labels.get(cap or "", cap or "")
            hits.append(VetoHit(veto.code, veto.label, veto.no_award, cap, label))
    return tuple(hits)


def _grade_for(floors: tuple[tuple[str, int, int], ...], score_n: int, score_d: int) -> str | None:
    """The first grade whose minimum the score ``score_n / score_d`` (``score_d > 0``)
    reaches, compared in integers (the minimums' denominators are positive)."""
    for grade, min_n, min_d in floors:
        if score_n * min_d >= min_n * score_d:
            return grade
    return None


def score_units(plan: domain.Plan, rules: Rules, inputs: Iterable[ScoreInput]) -> list[UnitScore]:
    """Score every unit given, in the order given."""
    compiled = compile_rules(plan, rules)
    return [_score(plan, rules, compiled, item) for item in inputs]
