"""Scoring, ranking and commendation proposals at year end.

The rules are the plan's (:mod:`app.plans.rules` says what each of them
means). Scores are never stored: they are computed from the current rules and
statements, so a change of rules re-scores everyone at once. A proposal
keeps the score and the rules' hash it was made with, so the screen can
show that a score changed after the unit was proposed.

Arithmetic is exact (fractions); figures are rounded half up only for
display, and every figure is explained ("why this score").
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.core import audit, domain, figures
from app.core.audit import utc_now_text
from app.core.context import AppContext
from app.core.errors import N_, InputError, NotFoundError, UserError
from app.core.figures import Special
from app.core.format import format_number, format_percent, half_up
from app.core.i18n import gettext as _
from app.core.installation import get_installation
from app.core.text import natural_key, nfc
from app.plans import (
    AwardRule,
    Band,
    GroupRule,
    IndicatorRule,
    Method,
    Rules,
    TieBreaker,
    VetoCondition,
    default_rules_document,
    get_plan,
    parse_rules,
)
from db import models
from db.enums import REGISTRATION_STREAM, IndicatorKind, Role, Sector, UnitKind

HUNDRED = Fraction(100)
ZERO = Fraction(0)
MAX_RULES_BYTES = 1024 * 1024


class Status(StrEnum):
    """How one indicator stands for one unit."""

    SCORED = "scored"
    NOT_APPLICABLE = "not_applicable"  # not the unit's kind or sector: not counted
    NO_BASE = "no_base"  # a ratio with an achieved total of 0: not counted
    NOT_REGISTERED = "not_registered"  # 0 of the maximum
    NOT_REPORTED = "not_reported"  # 0 of the maximum


# --- exact numbers ------------------------------------------------------------------


def rounded(value: Fraction, places: int = 2) -> Decimal:
    """``value`` rounded half up to ``places`` decimals (:func:`app.core.format.half_up`)."""
    return half_up(value, places)


def number_text(value: Fraction, places: int = 2) -> str:
    """Vietnamese figure: ``12,5``; ``100``."""
    return format_number(rounded(value, places))


def score_text(value: Decimal | None) -> str:
    """A score as shown and compared, always two decimals: ``84,00``; ``—`` for none."""
    if value is None:
        return "—"
    return format_number(value, 2, fixed=True)


def percent_text(value: Fraction, places: int = 1) -> str:
    """A percentage as every figure reads (:func:`app.core.format.format_percent`): ``80,0%``;
    rule parameters use ``places=0`` (``75%``)."""
    return format_percent(value, places)


# --- rules in the database -----------------------------------------------------------------


@dataclass(frozen=True)
class RulesInfo:
    """The rules in force for a plan and where they come from."""

    rules: Rules
    stored: bool  # False: the plan's default, never saved
    revision: int
    updated_at: str
    updated_by: str

    @property
    def content_hash(self) -> str:
        return self.rules.content_hash


def get_rules(session: Session, plan: domain.Plan) -> RulesInfo:
    """The plan's saved rules, else its default (example) rules."""
    row = session.get(models.ScoringRules, plan.id)
    if row is None:
        return RulesInfo(parse_rules(default_rules_document(plan), plan), False, 0, "", "")
    try:
        rules = parse_rules(json.loads(row.document_json), plan)
    except (UserError, ValueError) as exc:
        raise UserError(
            N_("The saved scoring rules no longer fit plan {plan_id}; save or reset them."),
            params={"plan_id": plan.id},
            detail=str(exc),
        ) from exc
    return RulesInfo(rules, True, row.revision, row.updated_at, row.updated_by)


def save_rules_document(session: Session, plan: domain.Plan, document: Mapping[str, Any]) -> Rules:
    """Validate and store ``document`` as the plan's rules (audited); returns them."""
    rules = parse_rules(document, plan)
    stored = rules.to_document()
    row = session.get(models.ScoringRules, plan.id)
    previous = row.content_hash if row is not None else ""
    if row is None:
        row = models.ScoringRules(plan_id=plan.id, revision=0)
        session.add(row)
    row.document_json = json.dumps(stored, ensure_ascii=False)
    row.content_hash = rules.content_hash
    row.revision = (row.revision or 0) + 1
    row.updated_at = utc_now_text()
    row.updated_by = audit.current_actor()
    audit.record(
        session,
        action="scoring.rules.save",
        subject=plan.id,
        detail={
            "revision": row.revision,
            "hash": rules.content_hash,
            "previous_hash": previous,
            "example": rules.example,
        },
    )
    session.flush()
    return rules


def save_rules(ctx: AppContext, *, plan_id: str, document: Mapping[str, Any]) -> RulesInfo:
    with ctx.unit_of_work() as session:
        plan = get_plan(session, plan_id)
        save_rules_document(session, plan, document)
        return get_rules(session, plan)


def reset_rules(ctx: AppContext, *, plan_id: str) -> RulesInfo:
    """Drop the saved rules: the plan's default (example) rules apply again."""
    with ctx.unit_of_work() as session:
        plan = get_plan(session, plan_id)
        session.execute(delete(models.ScoringRules).where(models.ScoringRules.plan_id == plan_id))
        audit.record(session, action="scoring.rules.reset", subject=plan_id)
        session.flush()
        return get_rules(session, plan)


def load_rules(ctx: AppContext, *, plan_id: str) -> RulesInfo:
    with ctx.reading() as session:
        return get_rules(session, get_plan(session, plan_id))


def read_rules_file(path: Path) -> dict[str, Any]:
    """A rules document from a JSON file (exported here or edited by hand)."""
    from app.core.files import read_limited
    from app.core.strictjson import loads_strict

    data = read_limited(path, MAX_RULES_BYTES)
    try:
        document = loads_strict(data, max_bytes=MAX_RULES_BYTES, max_depth=16, allow_floats=True)
    except (UserError, ValueError) as exc:
        raise InputError(
            N_("This is not a scoring rules document this version understands."),
            detail=str(exc),
        ) from exc
    if not isinstance(document, dict):
        raise InputError(N_("This is not a scoring rules document this version understands."))
    return document


def write_rules_file(rules: Rules, path: Path) -> Path:
    from app.core.files import write_output

    text = json.dumps(rules.to_document(), ensure_ascii=False, indent=1) + "\n"
    return write_output(path, text.encode("utf-8"))


# --- the engine ------------------------------------------------------------------------------


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
    max_grade: str | None


@dataclass(frozen=True)
class UnitScore:
    unit: UnitFacts
    indicators: tuple[IndicatorScore, ...]
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

    @property
    def score(self) -> Decimal | None:
        """The score as shown and compared: two decimals, half up."""
        return rounded(self.exact) if self.exact is not None else None

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
        for veto in self.vetoes:
            effects = []
            if veto.no_award:
                effects.append(_("not ranked, no commendation"))
            if veto.max_grade:
                effects.append(_("grade at most {grade}").format(grade=veto.max_grade))
            lines.append(
                _("Veto: {label} ({effects}).").format(label=veto.label, effects="; ".join(effects))
            )
        return lines


def value_text(
    plan: domain.Plan, indicator: domain.Indicator, value: domain.UnitValue | None
) -> str:
    """A unit's value as the screens and explanations show it."""
    return _value_text(indicator.kind, plan.grade_levels, value)


def _value_text(
    kind: IndicatorKind,
    grade_levels: tuple[domain.GradeLevel, ...],
    value: domain.UnitValue | None,
) -> str:
    """A unit's value as :func:`app.core.figures.value_text` reads it; "—" for none."""
    return figures.value_text_of(kind, grade_levels, value) or "—"


def _attainment(
    indicator: domain.Indicator,
    rule: IndicatorRule,
    registered: domain.UnitValue | None,
    achieved: domain.UnitValue,
) -> tuple[Status, Fraction | None, str]:
    """(status, attainment %, special case) of an attainment-scored indicator.

    The attainment is :func:`app.core.figures.commitment_progress` — the same
    percentage of the registered value the unit's screen and its printed
    report show; only what scoring does with the special cases is its own.
    """
    progress, special, _reaches = figures.commitment_progress(indicator, registered, achieved)
    if indicator.kind is IndicatorKind.YES_NO:
        return Status.SCORED, progress or Fraction(0), ""
    if special is Special.NO_BASE:
        return Status.NO_BASE, None, ""
    if indicator.kind is IndicatorKind.RATIO and (
        achieved.numerator is None or achieved.denominator is None
    ):
        return Status.NOT_REPORTED, None, ""
    if special is Special.REGISTERED_ZERO:
        got_nothing = (
            not achieved.numerator
            if indicator.kind is IndicatorKind.RATIO
            else not (achieved.amount or 0)
        )
        return Status.SCORED, (HUNDRED if got_nothing else rule.cap), special.value
    if special is Special.REGISTERED_TOTAL_ZERO:
        return Status.SCORED, progress, special.value
    if progress is None:
        return Status.NOT_REGISTERED, None, ""
    return Status.SCORED, progress, ""


def score_unit(plan: domain.Plan, rules: Rules, item: ScoreInput) -> UnitScore:
    """Score one unit under ``rules`` (:mod:`app.plans.rules` says what they mean)."""
    unit = item.unit
    by_code = {i.code: i for i in plan.indicators}
    results: list[IndicatorScore] = []
    groups: list[GroupScore] = []
    for group in rules.groups:
        earned = possible = Fraction(0)
        for rule in group.indicators:
            indicator = by_code[rule.code]
            result = _score_indicator(plan, rules, group, rule, indicator, item)
            results.append(result)
            if result.counts:
                earned += result.points
                possible += result.max_points
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
    vetoes = _vetoes(plan, rules, item)
    grade_by_score = _grade_for(rules, exact)
    grade = grade_by_score
    ranks = {g.code: g.rank for g in plan.grade_levels}
    for veto in vetoes:
        if veto.max_grade and (grade is None or ranks[grade] < ranks[veto.max_grade]):
            grade = veto.max_grade if exact is not None else grade
    return UnitScore(
        unit=unit,
        indicators=tuple(results),
        groups=tuple(groups),
        earned=earned_w,
        possible=possible_w,
        exact=exact,
        normalised=rules.normalise,
        vetoes=vetoes,
        grade_by_score=grade_by_score,
        grade=grade,
        reported=item.reported,
        attained_count=sum(1 for i in results if i.attained),
        counted_count=sum(1 for i in results if i.counts),
        bonus=sum((i.bonus * i.weight for i in results if i.bonus), ZERO),
    )


@functools.lru_cache(maxsize=4096)
def _share_of(points: Fraction, share: Fraction) -> Fraction:
    """``share`` % of ``points`` (a pure function of the rules: memoised, as a whole
    province has only a few distinct pairs)."""
    return points * share / 100


def _score_indicator(
    plan: domain.Plan,
    rules: Rules,
    group: GroupRule,
    rule: IndicatorRule,
    indicator: domain.Indicator,
    item: ScoreInput,
) -> IndicatorScore:
    registered = item.registered.get(rule.code)
    achieved = item.achieved.get(rule.code)
    if registered is not None and registered.is_empty():
        registered = None
    if achieved is not None and achieved.is_empty():
        achieved = None
    status = Status.SCORED
    attainment: Fraction | None = None
    counted: Fraction | None = None
    band: Band | None = None
    share = base = bonus = ZERO
    special = ""
    if not indicator.applies_to(item.unit.kind, item.unit.sector):
        status = Status.NOT_APPLICABLE
    elif achieved is None:
        status = Status.NOT_REPORTED
    elif rule.method is Method.REPORTED:
        share, base = HUNDRED, rule.points
    elif rule.method is Method.GRADE:
        share = dict(rule.grade_shares).get(achieved.grade or "", ZERO)
        base = _share_of(rule.points, share)
    else:
        status, attainment, special = _attainment(indicator, rule, registered, achieved)
        if status is Status.SCORED and attainment is not None:
            band = next((b for b in rules.bands_of(rule) if attainment >= b.start), None)
            share = band.share if band is not None else ZERO
            counted = min(attainment, rule.cap)
            if counted > HUNDRED:
                bonus = (counted - HUNDRED) * rule.bonus_per_percent
            base = _share_of(rule.points, share)
    return IndicatorScore(
        code=rule.code,
        title=indicator.title,
        group_code=group.code,
        kind=indicator.kind,
        method=rule.method,
        status=status,
        registered=registered,
        achieved=achieved,
        grade_levels=plan.grade_levels,
        max_points=rule.points,
        weight=group.weight,
        attainment=attainment,
        counted=counted,
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
            hits.append(VetoHit(veto.code, veto.label, veto.no_award, veto.max_grade))
    return tuple(hits)


def _grade_for(rules: Rules, score: Fraction | None) -> str | None:
    if score is None:
        return None
    for threshold in rules.grades:
        if score >= threshold.min_score:
            return threshold.grade
    return None


def score_units(plan: domain.Plan, rules: Rules, inputs: Iterable[ScoreInput]) -> list[UnitScore]:
    """Score every unit given, in the order given."""
    return [score_unit(plan, rules, item) for item in inputs]


# --- ranking -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placing:
    """A unit's place in one ranking (a cluster, an upper-level union)."""

    unit_id: str
    code: str
    rank: int | None  # None: not ranked (veto or no score)
    ranked_units: int
    score: Decimal | None
    tied_with: tuple[str, ...] = ()  # codes with the same score as shown
    shared_with: tuple[str, ...] = ()  # codes sharing the rank
    breaker_values: tuple[tuple[TieBreaker, Fraction], ...] = ()
    reasons: tuple[str, ...] = ()  # veto labels when not ranked

    def explain(self) -> str:
        """Why this place, in the current language."""
        if self.rank is None:
            if self.reasons:
                return _("Not ranked: {reasons}.").format(reasons="; ".join(self.reasons))
            return _("Not ranked: nothing to score.")
        text = _("Rank {rank} of {total} with {score} points.").format(
            rank=self.rank, total=self.ranked_units, score=score_text(self.score)
        )
        if not self.tied_with:
            return text
        values = "; ".join(_breaker_text(b, v) for b, v in self.breaker_values)
        text += " " + _("Same score as {units}.").format(units=", ".join(self.tied_with))
        if self.shared_with:
            if values:
                text += " " + _(
                    "The tie-breakers are equal too ({values}): the rank is shared, listed by code."
                ).format(values=values)
            else:
                text += " " + _("The rank is shared, listed by code.")
        elif values:
            text += " " + _("Order decided by the tie-breakers: {values}.").format(values=values)
        return text


def _breaker_text(breaker: TieBreaker, value: Fraction) -> str:
    if breaker is TieBreaker.INDICATORS_ATTAINED:
        return _("indicators attained in full: {count}").format(count=number_text(value))
    return _("bonus points: {points}").format(points=number_text(value))


def _breaker_value(score: UnitScore, breaker: TieBreaker) -> Fraction:
    if breaker is TieBreaker.INDICATORS_ATTAINED:
        return Fraction(score.attained_count)
    return rounded_fraction(score.bonus)


def rounded_fraction(value: Fraction) -> Fraction:
    return Fraction(rounded(value))


def _others(codes: list[str], own: str) -> list[str]:
    result = list(codes)
    result.remove(own)
    return result


def rank_units(scores: Sequence[UnitScore], rules: Rules) -> list[Placing]:
    """Rank ``scores`` (one cluster or one upper-level union): best first, then the unranked.

    Compared on the score as shown (two decimals), then each tie-breaker in
    the rules' order (more is better); units equal on all of them share
    the rank (1, 2, 2, 4). Ties are listed by unit code, so the order is
    the same on every run and machine.
    """
    ranked = [s for s in scores if s.eligible]
    others = [s for s in scores if not s.eligible]

    def key(s: UnitScore) -> tuple[Fraction, ...]:
        assert s.exact is not None
        return (
            -rounded_fraction(s.exact),
            *(-_breaker_value(s, b) for b in rules.tie_breakers),
        )

    ranked.sort(key=lambda s: (key(s), natural_key(s.unit.code), s.unit.id))
    keys = {id(s): key(s) for s in ranked}
    by_score: dict[Fraction, list[str]] = defaultdict(list)
    by_key: dict[tuple[Fraction, ...], list[str]] = defaultdict(list)
    for s in ranked:
        by_score[keys[id(s)][0]].append(s.unit.code)
        by_key[keys[id(s)]].append(s.unit.code)
    placings: list[Placing] = []
    rank = 0
    previous: tuple[Fraction, ...] | None = None
    for position, score in enumerate(ranked, start=1):
        current = keys[id(score)]
        if current != previous:
            rank = position
            previous = current
        same_score = _others(by_score[current[0]], score.unit.code)
        shared = _others(by_key[current], score.unit.code)
        placings.append(
            Placing(
                unit_id=score.unit.id,
                code=score.unit.code,
                rank=rank,
                ranked_units=len(ranked),
                score=score.score,
                tied_with=tuple(same_score),
                shared_with=tuple(shared),
                breaker_values=(
                    tuple((b, _breaker_value(score, b)) for b in rules.tie_breakers)
                    if same_score
                    else ()
                ),
            )
        )
    others.sort(key=lambda s: (natural_key(s.unit.code), s.unit.id))
    for score in others:
        placings.append(
            Placing(
                unit_id=score.unit.id,
                code=score.unit.code,
                rank=None,
                ranked_units=len(ranked),
                score=score.score,
                reasons=tuple(v.label for v in score.vetoes if v.no_award),
            )
        )
    return placings


# --- the scoreboard -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposalInfo:
    """A commendation or grading the federation proposes for a unit."""

    unit_id: str
    award: str  # an award code of the rules, "" for grading only
    award_label: str
    grade: str | None
    summary: str
    score: str  # the score as shown when proposed
    cluster_rank: int | None
    rules_hash: str
    updated_at: str
    updated_by: str


@dataclass(frozen=True)
class Scoreboard:
    """Every unit's score under one plan's rules, with its rankings.

    ``by_cluster`` and ``by_parent`` map a cluster id / upper-level union id
    (None: no cluster / directly under the federation) to its ranking.
    """

    plan: domain.Plan
    rules: RulesInfo
    scores: tuple[UnitScore, ...]
    cluster_names: dict[str | None, str]
    parent_names: dict[str | None, str]
    by_cluster: dict[str | None, list[Placing]]
    by_parent: dict[str | None, list[Placing]]
    proposals: dict[str, ProposalInfo] = field(default_factory=dict)
    flags: dict[str, dict[str, str]] = field(default_factory=dict)  # unit → flag → note
    source: str = "federation"  # federation | cluster_leader

    def score_of(self, unit_id: str) -> UnitScore:
        for score in self.scores:
            if score.unit.id == unit_id:
                return score
        raise NotFoundError(N_("Unknown unit."), detail=unit_id)

    def by_code(self, code: str) -> UnitScore:
        wanted = code.strip().casefold()
        for score in self.scores:
            if score.unit.code.casefold() == wanted or score.unit.id == code:
                return score
        raise NotFoundError(N_("No unit with code {code}."), params={"code": code})

    def cluster_placing(self, unit_id: str) -> Placing | None:
        cluster = self.score_of(unit_id).unit.cluster_id
        return _find(self.by_cluster.get(cluster, []), unit_id)

    def parent_placing(self, unit_id: str) -> Placing | None:
        parent = self.score_of(unit_id).unit.parent_id
        return _find(self.by_parent.get(parent, []), unit_id)

    def suggestion(self, unit_id: str) -> AwardRule | None:
        """The most prestigious award the rules would suggest (a hint, not a decision)."""
        score = self.score_of(unit_id)
        if not score.eligible or score.exact is None:
            return None
        placing = self.cluster_placing(unit_id)
        ranks = {g.code: g.rank for g in self.plan.grade_levels}
        for award in self.rules.rules.awards:
            if award.min_score is not None and rounded_fraction(score.exact) < award.min_score:
                continue
            if award.min_grade is not None and (
                score.grade is None or ranks[score.grade] > ranks[award.min_grade]
            ):
                continue
            if award.max_cluster_rank is not None and (
                placing is None
                or placing.rank is None
                or placing.rank > award.max_cluster_rank
                or score.unit.cluster_id is None
            ):
                continue
            return award
        return None

    def find_cluster(self, text: str) -> str | None:
        """A cluster's id from its name or id; :class:`NotFoundError` if none."""
        wanted = text.strip().casefold()
        for cluster_id, name in self.cluster_names.items():
            if cluster_id is not None and wanted in (name.casefold(), cluster_id.casefold()):
                return cluster_id
        raise NotFoundError(
            N_("There is no cluster {cluster} in {year}."),
            params={"cluster": text, "year": self.plan.year},
        )

    def find_parent(self, text: str) -> str | None:
        """An upper-level union's id from its code, name or id."""
        wanted = text.strip().casefold()
        for score in self.scores:
            if score.unit.id in self.by_parent and wanted in (
                score.unit.code.casefold(),
                score.unit.id.casefold(),
            ):
                return score.unit.id
        for parent_id, name in self.parent_names.items():
            if parent_id is not None and wanted in (name.casefold(), parent_id.casefold()):
                return parent_id
        raise NotFoundError(N_("No unit with code {code}."), params={"code": text})

    def grade_label(self, code: str | None) -> str:
        if code is None:
            return "—"
        return next((g.label for g in self.plan.grade_levels if g.code == code), code)


def _find(placings: list[Placing], unit_id: str) -> Placing | None:
    return next((p for p in placings if p.unit_id == unit_id), None)


def build_scoreboard(
    plan: domain.Plan,
    rules: RulesInfo,
    inputs: Sequence[ScoreInput],
    *,
    proposals: Mapping[str, ProposalInfo] | None = None,
    flags: Mapping[str, dict[str, str]] | None = None,
    source: str = "federation",
) -> Scoreboard:
    """Score every unit and rank them within each cluster and each upper-level union."""
    scores = score_units(plan, rules.rules, inputs)
    scores.sort(key=lambda s: (natural_key(s.unit.code), s.unit.id))
    clusters: dict[str | None, list[UnitScore]] = defaultdict(list)
    parents: dict[str | None, list[UnitScore]] = defaultdict(list)
    cluster_names: dict[str | None, str] = {}
    parent_names: dict[str | None, str] = {}
    for score in scores:
        clusters[score.unit.cluster_id].append(score)
        parents[score.unit.parent_id].append(score)
        cluster_names[score.unit.cluster_id] = score.unit.cluster_name
        parent_names[score.unit.parent_id] = score.unit.parent_name
    return Scoreboard(
        plan=plan,
        rules=rules,
        scores=tuple(scores),
        cluster_names=cluster_names,
        parent_names=parent_names,
        by_cluster={k: rank_units(v, rules.rules) for k, v in clusters.items()},
        by_parent={k: rank_units(v, rules.rules) for k, v in parents.items()},
        proposals=dict(proposals or {}),
        flags={k: dict(v) for k, v in (flags or {}).items()},
        source=source,
    )


# --- loading the federation's merged data ---------------------------------------------------------


def _stream_values(
    session: Session, plan: domain.Plan, stream: str, unit_ids: Sequence[str] | None
) -> tuple[dict[str, dict[str, domain.UnitValue]], set[str]]:
    """(unit → indicator code → value, units with a statement) for one stream."""
    value = models.StatementValue
    statement = models.Statement
    conditions = [statement.plan_id == plan.id, statement.stream == stream]
    if unit_ids is not None:
        conditions.append(statement.unit_id.in_(list(unit_ids)))
    with_statement = set(session.scalars(select(statement.unit_id).where(*conditions)))
    codes = {i.id: i.code for i in plan.indicators}
    values: dict[str, dict[str, domain.UnitValue]] = defaultdict(dict)
    rows = session.execute(
        select(
            statement.unit_id,
            value.indicator_id,
            value.amount,
            value.numerator,
            value.denominator,
            value.flag,
            value.grade,
            value.text,
            value.note,
        )
        .join(statement, statement.id == value.statement_id)
        .where(*conditions)
    )
    for unit_id, indicator_id, amount, numerator, denominator, flag, grade, text, note in rows:
        values[unit_id][codes.get(indicator_id, indicator_id)] = domain.UnitValue(
            amount=amount,
            numerator=numerator,
            denominator=denominator,
            flag=flag,
            grade=grade,
            text=text,
            note=note,
        )
    return values, with_statement


def roster_facts(
    session: Session, plan: domain.Plan, unit_ids: Sequence[str] | None = None
) -> list[UnitFacts]:
    """The plan year's reporting units (the federation itself aside), by code."""
    entry = models.RosterEntry
    query = (
        select(models.Unit, entry)
        .join(entry, entry.unit_id == models.Unit.id)
        .where(entry.year == plan.year, models.Unit.kind != UnitKind.FEDERATION)
    )
    if unit_ids is not None:
        query = query.where(models.Unit.id.in_(list(unit_ids)))
    rows = session.execute(query).all()
    names = dict(session.execute(select(models.Unit.id, models.Unit.name)).all())
    clusters = {
        c.id: c.name
        for c in session.scalars(select(models.Cluster).where(models.Cluster.year == plan.year))
    }
    facts = [
        UnitFacts(
            id=unit.id,
            code=unit.code or "",
            name=unit.name,
            kind=unit.kind,
            sector=row.sector,
            parent_id=row.parent_id,
            parent_name=names.get(row.parent_id or "", ""),
            cluster_id=row.cluster_id,
            cluster_name=clusters.get(row.cluster_id or "", ""),
        )
        for unit, row in rows
    ]
    facts.sort(key=lambda f: natural_key(f.code))
    return facts


def federation_inputs(
    session: Session, plan: domain.Plan, rules: Rules, unit_ids: Sequence[str] | None = None
) -> list[ScoreInput]:
    """What to score at the federation: the roster and the merged statements."""
    facts = roster_facts(session, plan, unit_ids)
    ids = [f.id for f in facts] if unit_ids is not None else None
    registered, _registered_units = _stream_values(session, plan, REGISTRATION_STREAM, ids)
    achieved, reported = _stream_values(session, plan, rules.period, ids)
    flags = load_flags(session, plan.id)
    return [
        ScoreInput(
            unit=f,
            registered=registered.get(f.id, {}),
            achieved=achieved.get(f.id, {}),
            reported=f.id in reported,
            flags=frozenset(flags.get(f.id, {})),
        )
        for f in facts
    ]


def load_flags(session: Session, plan_id: str) -> dict[str, dict[str, str]]:
    result: dict[str, dict[str, str]] = defaultdict(dict)
    for row in session.scalars(
        select(models.ScoringFlag).where(models.ScoringFlag.plan_id == plan_id)
    ):
        result[row.unit_id][row.code] = row.note
    return dict(result)


def load_proposals(session: Session, plan_id: str) -> dict[str, ProposalInfo]:
    return {
        row.unit_id: ProposalInfo(
            unit_id=row.unit_id,
            award=row.award,
            award_label=row.award_label,
            grade=row.grade,
            summary=row.summary,
            score=row.score,
            cluster_rank=row.cluster_rank,
            rules_hash=row.rules_hash,
            updated_at=row.updated_at,
            updated_by=row.updated_by,
        )
        for row in session.scalars(
            select(models.CommendationProposal).where(
                models.CommendationProposal.plan_id == plan_id
            )
        )
    }


def _role(session: Session) -> Role:
    installation = get_installation(session)
    if installation is None:
        raise UserError(N_("Set up the database first (thidua-cli init)."))
    return installation.role


def scoreboard_in(session: Session, plan_id: str) -> Scoreboard:
    """The scoreboard this database can make.

    At the federation: every unit of the roster from the merged statements.
    At a unit (a cluster leader): the unit itself and the member packages it
    imported and verified (see :mod:`app.scoring.cluster_leader`).
    """
    plan = get_plan(session, plan_id)
    info = get_rules(session, plan)
    if _role(session) is Role.UNIT:
        from app.scoring.cluster_leader import leader_inputs

        inputs = leader_inputs(session, plan, info.rules)
        return build_scoreboard(plan, info, inputs, source="cluster_leader")
    return build_scoreboard(
        plan,
        info,
        federation_inputs(session, plan, info.rules),
        proposals=load_proposals(session, plan.id),
        flags=load_flags(session, plan.id),
    )


def scoreboard(ctx: AppContext, *, plan_id: str) -> Scoreboard:
    with ctx.reading() as session:
        return scoreboard_in(session, plan_id)


def default_plan_id(ctx: AppContext) -> str:
    """The plan to score when none is named: a unit's current plan, else the newest."""
    from app.plans import list_plans

    with ctx.reading() as session:
        if _role(session) is Role.UNIT:
            from app.unit import current_plan_id

            chosen = current_plan_id(session)
            if chosen:
                return chosen
        plans = list_plans(session)
    if not plans:
        raise UserError(N_("There is no plan yet."))
    return plans[0].id


# --- flags and proposals (the federation's decisions, audited) ---------------------------------


def _federation_unit(session: Session, unit: str) -> models.Unit:
    if _role(session) is not Role.FEDERATION:
        raise UserError(N_("This needs a federation database."))
    row = session.scalar(select(models.Unit).where(models.Unit.code == unit))
    if row is None:
        row = session.get(models.Unit, unit)
    if row is None:
        raise NotFoundError(N_("No unit with code {code}."), params={"code": unit})
    return row


def set_flag(ctx: AppContext, *, plan_id: str, unit: str, flag: str, note: str = "") -> None:
    """Set a custom flag (e.g. a fatal accident) on a unit; vetoes may follow from it."""
    with ctx.unit_of_work() as session:
        plan = get_plan(session, plan_id)
        rules = get_rules(session, plan).rules
        if flag not in {f.code for f in rules.flags}:
            raise InputError(N_("The scoring rules have no flag {flag}."), params={"flag": flag})
        row_unit = _federation_unit(session, unit)
        row = session.get(models.ScoringFlag, (plan_id, row_unit.id, flag))
        if row is None:
            row = models.ScoringFlag(plan_id=plan_id, unit_id=row_unit.id, code=flag)
            session.add(row)
        row.note = nfc(note.strip())
        row.set_at = utc_now_text()
        row.set_by = audit.current_actor()
        audit.record(
            session,
            action="scoring.flag.set",
            subject=row_unit.code or row_unit.id,
            detail={"plan": plan_id, "flag": flag, "note": row.note},
        )


def clear_flag(ctx: AppContext, *, plan_id: str, unit: str, flag: str) -> bool:
    with ctx.unit_of_work() as session:
        row_unit = _federation_unit(session, unit)
        row = session.get(models.ScoringFlag, (plan_id, row_unit.id, flag))
        if row is None:
            return False
        session.delete(row)
        audit.record(
            session,
            action="scoring.flag.clear",
            subject=row_unit.code or row_unit.id,
            detail={"plan": plan_id, "flag": flag},
        )
        return True


def set_proposal(
    ctx: AppContext,
    *,
    plan_id: str,
    unit: str,
    award: str = "",
    grade: str | None = None,
    summary: str | None = None,
) -> ProposalInfo:
    """Propose a unit for an award and/or a grade (audited, replacing its earlier proposal).

    The current score, cluster rank and rules' hash are kept with it. A unit
    a veto bars from commendation cannot be proposed for an award. Without
    ``summary`` the generated achievement summary is kept.
    """
    with ctx.unit_of_work() as session:
        row_unit = _federation_unit(session, unit)
        plan = get_plan(session, plan_id)
        info = get_rules(session, plan)
        rules = info.rules
        award_rule = rules.award(award) if award else None
        if award and award_rule is None:
            raise InputError(
                N_("The scoring rules have no award {award}."), params={"award": award}
            )
        if grade is not None and grade not in {g.code for g in plan.grade_levels}:
            raise InputError(N_("Choose a grade from the year's scale."))
        if not award and grade is None:
            raise InputError(N_("Choose an award or a grade to propose."))
        board = _cluster_board(session, plan, info, row_unit.id)
        score = board.score_of(row_unit.id)
        if award and not score.eligible:
            reasons = "; ".join(v.label for v in score.vetoes if v.no_award) or _("no score")
            raise InputError(
                N_("Unit {code} cannot be proposed for an award: {reasons}."),
                params={"code": row_unit.code or row_unit.id, "reasons": reasons},
            )
        placing = board.cluster_placing(row_unit.id)
        row = session.get(models.CommendationProposal, (plan_id, row_unit.id))
        previous = (
            None if row is None else {"award": row.award, "grade": row.grade, "score": row.score}
        )
        if row is None:
            row = models.CommendationProposal(plan_id=plan_id, unit_id=row_unit.id)
            session.add(row)
        row.award = award
        row.award_label = award_rule.label if award_rule else ""
        row.grade = grade
        if summary is not None:
            row.summary = nfc(summary.strip())
        elif not row.summary:
            row.summary = achievement_summary(board, row_unit.id)
        row.score = score_text(score.score) if score.score is not None else ""
        row.cluster_rank = placing.rank if placing is not None else None
        row.rules_hash = info.content_hash
        row.updated_at = utc_now_text()
        row.updated_by = audit.current_actor()
        audit.record(
            session,
            action="proposal.set",
            subject=row_unit.code or row_unit.id,
            detail={
                "plan": plan_id,
                "award": award,
                "award_label": row.award_label,
                "grade": grade,
                "score": row.score,
                "cluster_rank": row.cluster_rank,
                "rules_hash": info.content_hash,
                "previous": previous,
            },
        )
        session.flush()
        return load_proposals(session, plan_id)[row_unit.id]


def clear_proposal(ctx: AppContext, *, plan_id: str, unit: str) -> bool:
    with ctx.unit_of_work() as session:
        row_unit = _federation_unit(session, unit)
        row = session.get(models.CommendationProposal, (plan_id, row_unit.id))
        if row is None:
            return False
        audit.record(
            session,
            action="proposal.clear",
            subject=row_unit.code or row_unit.id,
            detail={"plan": plan_id, "award": row.award, "grade": row.grade, "score": row.score},
        )
        session.delete(row)
        return True


def _cluster_board(
    session: Session, plan: domain.Plan, info: RulesInfo, unit_id: str
) -> Scoreboard:
    """The scoreboard of one unit's cluster (enough for its score and cluster rank)."""
    entry = session.scalar(
        select(models.RosterEntry).where(
            models.RosterEntry.year == plan.year, models.RosterEntry.unit_id == unit_id
        )
    )
    if entry is None:
        raise NotFoundError(N_("Unknown unit."), detail=unit_id)
    if entry.cluster_id is None:
        ids = [unit_id]
    else:
        ids = list(
            session.scalars(
                select(models.RosterEntry.unit_id).where(
                    models.RosterEntry.year == plan.year,
                    models.RosterEntry.cluster_id == entry.cluster_id,
                )
            )
        )
    inputs = federation_inputs(session, plan, info.rules, ids)
    return build_scoreboard(plan, info, inputs)


def achievement_summary(board: Scoreboard, unit_id: str) -> str:
    """A short Vietnamese summary of a unit's year for the proposal list (printed as is)."""
    score = board.score_of(unit_id)
    placing = board.cluster_placing(unit_id)
    parts: list[str] = []
    if score.score is not None:
        text = f"Đạt {score_text(score.score)} điểm"
        if placing is not None and placing.rank is not None and score.unit.cluster_name:
            text += (
                f", xếp thứ {placing.rank}/{placing.ranked_units} "
                f"{_cluster_words(score.unit.cluster_name)}"
            )
        parts.append(text)
    attained = [i for i in score.indicators if i.attained]
    counted = [i for i in score.indicators if i.counts]
    if counted:
        parts.append(f"hoàn thành {len(attained)}/{len(counted)} chỉ tiêu đăng ký")
    exceeded = sorted(
        (i for i in score.indicators if i.attainment is not None and i.attainment > HUNDRED),
        key=lambda i: -(i.attainment or 0),
    )[:2]
    for item in exceeded:
        parts.append(
            f"chỉ tiêu {item.code} đạt {percent_text(item.attainment or HUNDRED, 0)} so với đăng ký"
        )
    if score.grade:
        parts.append(f"xếp loại {board.grade_label(score.grade).lower()}")
    return nfc("; ".join(parts) + ("." if parts else ""))


def _cluster_words(name: str) -> str:
    return name if name.casefold().startswith("cụm") else f"Cụm thi đua {name}"


# --- JSON (CLI) ---------------------------------------------------------------------------------


def _num(value: Fraction | None, places: int = 2) -> str | None:
    return str(rounded(value, places)) if value is not None else None


def indicator_json(item: IndicatorScore) -> dict[str, Any]:
    return {
        "code": item.code,
        "group": item.group_code,
        "status": item.status.value,
        "registered": item.registered_text,
        "achieved": item.achieved_text,
        "attainment": _num(item.attainment, 2),
        "band_from": _num(item.band.start) if item.band else None,
        "share": _num(item.share),
        "max_points": _num(item.max_points),
        "base_points": _num(item.base),
        "bonus_points": _num(item.bonus),
        "points": _num(item.points),
        "weight": _num(item.weight),
        "counted": item.counts,
        "explanation": item.explain(),
    }


def score_json(board: Scoreboard, score: UnitScore, *, details: bool = True) -> dict[str, Any]:
    cluster = board.cluster_placing(score.unit.id)
    parent = board.parent_placing(score.unit.id)
    suggestion = board.suggestion(score.unit.id)
    data: dict[str, Any] = {
        "unit": {
            "id": score.unit.id,
            "code": score.unit.code,
            "name": score.unit.name,
            "kind": score.unit.kind.value,
            "sector": score.unit.sector.value if score.unit.sector else None,
            "cluster": score.unit.cluster_name,
            "parent": score.unit.parent_name,
        },
        "score": str(score.score) if score.score is not None else None,
        "earned": _num(score.earned),
        "possible": _num(score.possible),
        "grade": score.grade,
        "grade_by_score": score.grade_by_score,
        "eligible": score.eligible,
        "reported": score.reported,
        "indicators_attained": score.attained_count,
        "indicators_counted": score.counted_count,
        "bonus_points": _num(score.bonus),
        "vetoes": [
            {"code": v.code, "label": v.label, "no_award": v.no_award, "max_grade": v.max_grade}
            for v in score.vetoes
        ],
        "cluster_rank": cluster.rank if cluster else None,
        "upper_rank": parent.rank if parent else None,
        "suggested_award": suggestion.code if suggestion else None,
        "explanation": score.explain(),
    }
    if details:
        data["groups"] = [
            {
                "code": g.code,
                "title": g.title,
                "weight": _num(g.weight),
                "earned": _num(g.earned),
                "possible": _num(g.possible),
            }
            for g in score.groups
        ]
        data["indicators"] = [indicator_json(i) for i in score.indicators]
    return data


def ranking_json(board: Scoreboard, placings: Sequence[Placing]) -> list[dict[str, Any]]:
    result = []
    for placing in placings:
        score = board.score_of(placing.unit_id)
        result.append(
            {
                "rank": placing.rank,
                "code": placing.code,
                "name": score.unit.name,
                "score": str(placing.score) if placing.score is not None else None,
                "grade": score.grade,
                "indicators_attained": score.attained_count,
                "bonus_points": _num(score.bonus),
                "tied_with": list(placing.tied_with),
                "shared_with": list(placing.shared_with),
                "explanation": placing.explain(),
            }
        )
    return result
