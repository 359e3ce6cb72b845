"""Roll-up: an indicator's registered and achieved totals over a subtree.

For any subtree of the plan year's organisation tree (or one cluster) and
every indicator target, compute per stream (registration, each period):

- sum: Σ amount;
- ratio: Σ numerator / Σ denominator (never an average of percentages);
- share of units: applicable units meeting the unit goal (yes, a grade at or
  above/below a level, a ratio reaching the indicator's unit goal) over all
  applicable units in scope — a unit that has not reported does not meet it;
- average per unit: Σ amount / applicable units;
- each-unit targets: met only when every applicable unit meets the value.

Applicable units are those in scope whose kind and sector the indicator and
the target both cover. The figures are aggregated in SQL, grouped by
(stream, indicator, sector, kind, grade, unit goal met); the sums are read
from cells maintained per parent (``app.rollup_cache``), so a refresh adds up
a few thousand cells rather than every value of the province.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import Float, and_, cast, func, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from app import domain, rollup_cache
from app.plans import get_plan
from app.rollup_cache import Group
from db import models
from db.enums import (
    REGISTRATION_STREAM,
    Comparison,
    GradeDirection,
    IndicatorKind,
    Rollup,
    Sector,
    TargetScope,
    UnitKind,
)

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Figure:
    """One stream's aggregate for one target.

    ``value`` is in the target's terms: a percentage for ratio and share
    roll-ups, the total for sums, the per-unit figure for averages.
    ``numerator``/``denominator`` show the arithmetic behind it (Σnum/Σden,
    or meeting units / applicable units).
    """

    value: Decimal | None
    numerator: int | None
    denominator: int | None
    reporting_units: int
    met: bool | None


@dataclass(frozen=True)
class TargetRollup:
    indicator: domain.Indicator
    target: domain.Target | None
    applicable_units: int
    figures: dict[str, Figure]  # by stream


@dataclass(frozen=True)
class Scope:
    """Which units to roll up: a subtree root and/or a cluster of the plan year."""

    root_unit_id: str | None = None
    cluster_id: str | None = None


def _subtree(plan_year: int, root_unit_id: str) -> Select[str]:
    """SELECT of the root and every unit below it in the plan year's tree."""
    entry = models.RosterEntry
    tree = (
        select(entry.unit_id)
        .where(entry.year == plan_year, entry.unit_id == root_unit_id)
        .cte("tree", recursive=True)
    )
    child = select(entry.unit_id).where(entry.year == plan_year, entry.parent_id == tree.c.unit_id)
    tree = tree.union_all(child)
    return select(tree.c.unit_id)


def _scope_units(plan_year: int, scope: Scope) -> Select[str]:
    """SELECT of the unit ids in scope for the plan year."""
    entry = models.RosterEntry
    if scope.root_unit_id is None:
        query = select(entry.unit_id).where(entry.year == plan_year)
    else:
        query = _subtree(plan_year, scope.root_unit_id)
    if scope.cluster_id is not None:
        in_cluster = select(entry.unit_id).where(
            entry.year == plan_year, entry.cluster_id == scope.cluster_id
        )
        query = query.where(query.selected_columns[0].in_(in_cluster))
    return query


def _unit_counts(
    session: Session, plan: domain.Plan, units: Select[str]
) -> dict[tuple[Sector | None, UnitKind], int]:
    entry = models.RosterEntry
    rows = session.execute(
        select(entry.sector, models.Unit.kind, func.count())
        .join(models.Unit, models.Unit.id == entry.unit_id)
        .where(entry.year == plan.year, entry.unit_id.in_(units))
        .group_by(entry.sector, models.Unit.kind)
    )
    return {
        (Sector(sector) if sector else None, UnitKind(kind)): int(count)
        for sector, kind, count in rows
    }


def _each_unit_meeting(
    session: Session,
    plan: domain.Plan,
    units: Select[str],
    indicator: domain.Indicator,
    target: domain.Target,
    streams: Iterable[str],
) -> dict[str, int]:
    """For an each-unit target: per stream, how many applicable units meet it."""
    value = models.StatementValue
    statement = models.Statement
    entry = models.RosterEntry
    threshold = float(target.value)
    if indicator.kind is IndicatorKind.RATIO:
        scaled = value.numerator * literal(100.0)
        meets = {
            Comparison.MORE_THAN: scaled > threshold * value.denominator,
            Comparison.AT_MOST: scaled <= threshold * value.denominator,
            Comparison.NONE: value.numerator == 0,
        }.get(target.comparison, scaled >= threshold * value.denominator)
        condition = and_(value.denominator > 0, meets)
    else:
        amount = cast(value.amount, Float)
        condition = {
            Comparison.MORE_THAN: amount > threshold,
            Comparison.AT_MOST: amount <= threshold,
            Comparison.NONE: value.amount == 0,
        }.get(target.comparison, amount >= threshold)
    query = (
        select(statement.stream, entry.sector, models.Unit.kind, func.count())
        .select_from(value)
        .join(statement, statement.id == value.statement_id)
        .join(models.Unit, models.Unit.id == statement.unit_id)
        .join(entry, and_(entry.unit_id == statement.unit_id, entry.year == plan.year))
        .where(
            statement.plan_id == plan.id,
            statement.unit_id.in_(units),
            statement.stream.in_(list(streams)),
            value.indicator_id == indicator.id,
            condition,
        )
        .group_by(statement.stream, entry.sector, models.Unit.kind)
    )
    result: dict[str, int] = defaultdict(int)
    for stream, sector, kind, count in session.execute(query):
        if _covers(indicator, target, Sector(sector) if sector else None, UnitKind(kind)):
            result[stream] += int(count)
    return result


def _covers(
    indicator: domain.Indicator,
    target: domain.Target | None,
    sector: Sector | None,
    kind: UnitKind,
) -> bool:
    if not indicator.applies_to(kind, sector):
        return False
    if target is None:
        return True
    if target.sectors and sector not in target.sectors:
        return False
    return not (target.unit_kinds and kind not in target.unit_kinds)


def _percent(numerator: int, denominator: int) -> Decimal | None:
    if denominator <= 0:
        return None
    return (Decimal(numerator) * HUNDRED / Decimal(denominator)).quantize(Decimal("0.01"))


def _grade_counts(plan: domain.Plan, target: domain.Target, grade: str | None) -> bool:
    if grade is None or target.grade_level is None:
        return False
    try:
        rank = plan.grade_rank(grade)
    except KeyError:
        return False
    level = plan.grade_rank(target.grade_level)
    if target.grade_direction is GradeDirection.AT_OR_BELOW:
        return rank >= level
    return rank <= level


def rollup(
    session: Session,
    *,
    plan_id: str,
    scope: Scope | None = None,
    streams: Iterable[str] | None = None,
    live: bool = False,
    plan: domain.Plan | None = None,
) -> list[TargetRollup]:
    """Roll up every indicator target of the plan over ``scope``.

    Indicators without targets get one row with ``target=None`` (totals
    only). Targets given down to a single unit are left out: they belong to
    that unit's own view.

    The sums come from the maintained cells (``app.rollup_cache``), exact
    even when they have not been refreshed; ``live=True`` computes them from
    the values alone (the reference the cells are tested against). A caller
    that has just read the plan may pass it as ``plan``.
    """
    if plan is None or plan.id != plan_id:
        plan = get_plan(session, plan_id)
    scope = scope or Scope()
    stream_list = (
        list(streams)
        if streams is not None
        else [
            REGISTRATION_STREAM,
            *(p.code for p in plan.periods),
        ]
    )
    units = _scope_units(plan.year, scope)
    if live:
        all_groups = rollup_cache.live_groups(session, plan_id=plan.id, year=plan.year, units=units)
    else:
        all_groups = rollup_cache.groups(
            session,
            plan_id=plan.id,
            year=plan.year,
            units=units,
            root_unit_id=scope.root_unit_id,
            subtree=(
                _subtree(plan.year, scope.root_unit_id) if scope.root_unit_id is not None else None
            ),
            cluster_id=scope.cluster_id,
        )
    groups_by_indicator: dict[str, list[Group]] = defaultdict(list)
    for group in all_groups:
        groups_by_indicator[group.indicator_id].append(group)
    unit_counts = _unit_counts(session, plan, units)

    result: list[TargetRollup] = []
    for indicator in plan.indicators:
        targets: list[domain.Target | None] = [
            t for t in indicator.targets if t.unit_id is None
        ] or [None]
        for target in targets:
            applicable = sum(
                count
                for (sector, kind), count in unit_counts.items()
                if _covers(indicator, target, sector, kind)
            )
            groups = [
                g
                for g in groups_by_indicator.get(indicator.id, [])
                if _covers(indicator, target, g.sector, g.kind)
            ]
            meeting: dict[str, int] = {}
            if target is not None and target.scope is TargetScope.EACH_UNIT:
                meeting = _each_unit_meeting(session, plan, units, indicator, target, stream_list)
            figures = {
                stream: _figure(
                    plan,
                    indicator,
                    target,
                    [g for g in groups if g.stream == stream],
                    applicable,
                    meeting.get(stream, 0),
                )
                for stream in stream_list
            }
            result.append(TargetRollup(indicator, target, applicable, figures))
    return result


def _figure(
    plan: domain.Plan,
    indicator: domain.Indicator,
    target: domain.Target | None,
    groups: list[Group],
    applicable: int,
    each_unit_meeting: int,
) -> Figure:
    reporting = sum(g.units for g in groups)
    value: Decimal | None
    numerator: int | None
    denominator: int | None
    rollup_kind = indicator.rollup
    if rollup_kind is Rollup.SUM:
        numerator = sum(g.amount for g in groups)
        denominator = None
        value = Decimal(numerator) if reporting else None
    elif rollup_kind is Rollup.RATIO:
        numerator = sum(g.numerator for g in groups)
        denominator = sum(g.denominator for g in groups)
        value = _percent(numerator, denominator)
    elif rollup_kind is Rollup.AVERAGE_PER_UNIT:
        numerator = sum(g.amount for g in groups)
        denominator = applicable
        value = (
            (Decimal(numerator) / Decimal(applicable)).quantize(Decimal("0.01"))
            if applicable and reporting
            else None
        )
    elif rollup_kind is Rollup.SHARE_OF_UNITS:
        if indicator.kind is IndicatorKind.YES_NO:
            numerator = sum(g.yes for g in groups)
        elif indicator.kind is IndicatorKind.GRADE:
            numerator = (
                sum(g.units for g in groups if _grade_counts(plan, target, g.grade))
                if target is not None
                else 0
            )
        else:
            numerator = sum(g.units for g in groups if g.goal_met)
        denominator = applicable
        value = _percent(numerator, applicable) if reporting else None
    else:  # Rollup.NONE: text commitments are listed, not computed
        numerator = reporting
        denominator = applicable
        value = None

    met: bool | None = None
    if target is not None and target.scope is TargetScope.EACH_UNIT:
        numerator, denominator = each_unit_meeting, applicable
        met = (each_unit_meeting == applicable) if reporting and applicable else None
    elif target is not None and value is not None:
        met = _attains(target, rollup_kind, numerator, denominator)
    return Figure(value, numerator, denominator, reporting, met)


def _attains(
    target: domain.Target, rollup_kind: Rollup, numerator: int, denominator: int | None
) -> bool:
    """Judge the exact figure, not the rounded ``value``: 19 999 of 20 000 is not 100%."""
    if rollup_kind is Rollup.SUM or denominator is None:
        exact = Fraction(numerator)
    elif rollup_kind is Rollup.AVERAGE_PER_UNIT:
        exact = Fraction(numerator, denominator)
    else:  # a percentage: ratio or share of units
        exact = Fraction(numerator * 100, denominator)
    goal = Fraction(target.value)
    if target.comparison in (Comparison.REACH, Comparison.AT_LEAST):
        return exact >= goal
    if target.comparison is Comparison.MORE_THAN:
        return exact > goal
    if target.comparison is Comparison.AT_MOST:
        return exact <= goal
    return exact == 0  # Comparison.NONE
