"""Maintained aggregates behind the roll-up: one cell per parent and group.

The roll-up groups statement values by (stream, indicator, sector, unit
kind, grade, unit goal met). Summing every value of a province each time the
dashboard refreshes costs time proportional to the number of values; these
cells keep the same sums per *parent* in the organisation tree (and per
cluster), so a roll-up adds up a few thousand cells instead.

How the cells stay right:

- database triggers (migration ``0006_rollup_cache``) record in
  ``rollup_dirty`` every (plan, unit) whose statement row was inserted,
  updated or deleted, and mark the whole plan (``*``) when its indicators,
  the roster of its year, a unit's kind or its own year change. Every
  writer of statement values rewrites or touches the statement row, so no
  code path can forget to say what changed;
- :func:`groups` never trusts a stale cell: the parents of marked units are
  computed from the values themselves, the rest is read from the cells, so
  a roll-up is exact whenever it runs, refreshed or not;
- :func:`refresh` (run after an import and before the dashboard reads)
  takes the marks and recomputes just the affected parents.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Float,
    and_,
    case,
    cast,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement, Select

from app.context import AppContext
from app.errors import DatabaseError
from db import models
from db.enums import Comparison, Sector, UnitKind

#: ``rollup_dirty.unit_id`` that marks a whole plan for recomputation.
WHOLE_PLAN = "*"
#: pg_advisory_xact_lock key serialising refreshes on a shared database ("TDrc").
_PG_LOCK_KEY = 0x54447263
_CHUNK = 500


@dataclass(frozen=True)
class Group:
    """Aggregated values of the units sharing one roll-up group."""

    stream: str
    indicator_id: str
    sector: Sector | None
    kind: UnitKind
    grade: str | None
    goal_met: bool
    units: int
    amount: int
    numerator: int
    denominator: int
    yes: int


@dataclass(frozen=True)
class RefreshResult:
    plans: int
    parents: int
    whole_plans: int
    cells: int


def goal_met_expression() -> ColumnElement[int]:
    """1 when a ratio value meets its indicator's unit goal, else 0."""
    value = models.StatementValue
    indicator = models.Indicator
    goal = cast(indicator.unit_goal_value, Float)
    scaled = value.numerator * literal(100.0)
    return case(
        (
            and_(
                indicator.unit_goal_value.is_not(None),
                value.denominator > 0,
                case(
                    (
                        indicator.unit_goal_comparison == Comparison.MORE_THAN.value,
                        scaled > goal * value.denominator,
                    ),
                    (
                        indicator.unit_goal_comparison == Comparison.AT_MOST.value,
                        scaled <= goal * value.denominator,
                    ),
                    else_=scaled >= goal * value.denominator,
                ),
            ),
            1,
        ),
        else_=0,
    )


def _value_groups(plan_id: str, year: int, *, by_parent: bool) -> Select[*tuple[Any, ...]]:
    """The grouped sums of a plan's values; ``by_parent`` adds parent and cluster."""
    value = models.StatementValue
    statement = models.Statement
    entry = models.RosterEntry
    goal_met = goal_met_expression()
    keys: list[Any] = [
        statement.stream,
        value.indicator_id,
        entry.sector,
        models.Unit.kind,
        value.grade,
        goal_met,
    ]
    if by_parent:
        keys = [entry.parent_id, entry.cluster_id, *keys]
    return (
        select(
            *keys,
            func.count(),
            func.coalesce(func.sum(value.amount), 0),
            func.coalesce(func.sum(value.numerator), 0),
            func.coalesce(func.sum(value.denominator), 0),
            func.coalesce(func.sum(case((value.flag.is_(True), 1), else_=0)), 0),
        )
        .join(statement, statement.id == value.statement_id)
        .join(models.Indicator, models.Indicator.id == value.indicator_id)
        .join(models.Unit, models.Unit.id == statement.unit_id)
        .join(entry, and_(entry.unit_id == statement.unit_id, entry.year == year))
        .where(statement.plan_id == plan_id)
        .group_by(*keys)
    )


def _group(row: tuple[Any, ...]) -> Group:
    stream, indicator_id, sector, kind, grade, goal_met, units, amount, num, den, yes = row
    return Group(
        stream=str(stream),
        indicator_id=str(indicator_id),
        sector=Sector(sector) if sector else None,
        kind=UnitKind(kind),
        grade=str(grade) if grade is not None else None,
        goal_met=bool(goal_met),
        units=int(units),
        amount=int(amount or 0),
        numerator=int(num or 0),
        denominator=int(den or 0),
        yes=int(yes or 0),
    )


def live_groups(session: Session, *, plan_id: str, year: int, units: Select[str]) -> list[Group]:
    """The groups computed from the values of ``units`` (the reference roll-up)."""
    query = _value_groups(plan_id, year, by_parent=False).where(models.Statement.unit_id.in_(units))
    return [_group(tuple(row)) for row in session.execute(query)]


def _stale_parents(plan_id: str, year: int) -> Select[str | None]:
    """Parents (in the plan year) of the units marked since the last refresh."""
    dirty = models.RollupDirty
    entry = models.RosterEntry
    return (
        select(entry.parent_id)
        .join(dirty, dirty.unit_id == entry.unit_id)
        .where(dirty.plan_id == plan_id, entry.year == year)
    )


def _whole_plan_stale(session: Session, plan_id: str) -> bool:
    dirty = models.RollupDirty
    return (
        session.scalar(
            select(literal(1)).where(dirty.plan_id == plan_id, dirty.unit_id == WHOLE_PLAN)
        )
        is not None
    )


def groups(
    session: Session,
    *,
    plan_id: str,
    year: int,
    units: Select[str],
    root_unit_id: str | None,
    subtree: Select[str] | None,
    cluster_id: str | None,
) -> list[Group]:
    """The roll-up groups of ``units``: fresh cells plus the stale part computed live.

    ``units`` is the scope (a subtree and/or a cluster); ``subtree`` the
    subtree's nodes when a root is given. Cells are per parent, so the
    root's own values (kept in its parent's cell with its siblings') are
    always computed live.
    """
    if _whole_plan_stale(session, plan_id):
        return live_groups(session, plan_id=plan_id, year=year, units=units)
    entry = models.RosterEntry
    cell = models.RollupCell
    stale = _stale_parents(plan_id, year).subquery()
    cell_is_stale = exists().where(stale.c.parent_id.is_not_distinct_from(cell.parent_id))
    keys = (cell.stream, cell.indicator_id, cell.sector, cell.kind, cell.grade, cell.goal_met)
    cached = (
        select(
            *keys,
            func.sum(cell.units),
            func.sum(cell.amount),
            func.sum(cell.numerator),
            func.sum(cell.denominator),
            func.sum(cell.yes),
        )
        .where(cell.plan_id == plan_id, ~cell_is_stale)
        .group_by(*keys)
    )
    if cluster_id is not None:
        cached = cached.where(cell.cluster_id == cluster_id)
    if subtree is not None:
        cached = cached.where(cell.parent_id.in_(subtree))
    entry_is_stale = exists().where(stale.c.parent_id.is_not_distinct_from(entry.parent_id))
    live_condition: ColumnElement[bool] = entry_is_stale
    if root_unit_id is not None:
        live_condition = or_(entry.unit_id == root_unit_id, entry_is_stale)
    live_units = select(entry.unit_id).where(
        entry.year == year, entry.unit_id.in_(units), live_condition
    )
    combined: dict[tuple[object, ...], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    rows = [tuple(row) for row in session.execute(cached)]
    for group in live_groups(session, plan_id=plan_id, year=year, units=live_units):
        rows.append(
            (
                group.stream,
                group.indicator_id,
                group.sector.value if group.sector else None,
                group.kind.value,
                group.grade,
                group.goal_met,
                group.units,
                group.amount,
                group.numerator,
                group.denominator,
                group.yes,
            )
        )
    for row in rows:
        stream, indicator_id, sector, kind, grade, goal_met = row[:6]
        totals = combined[(stream, indicator_id, sector, kind, grade, bool(goal_met))]
        for n, figure in enumerate(row[6:]):
            totals[n] += int(figure or 0)
    return [_group((*key, *totals)) for key, totals in combined.items()]


def refresh(session: Session) -> RefreshResult:
    """Recompute the cells of every parent with marked units; clear the marks.

    Runs in the caller's transaction. On PostgreSQL refreshes are serialised
    with an advisory lock so two never rewrite the same parent's cells at once;
    on SQLite the first write (taking the marks) holds the database's lock.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    dirty = models.RollupDirty
    taken = session.execute(delete(dirty).returning(dirty.plan_id, dirty.unit_id)).all()
    if not taken:
        return RefreshResult(0, 0, 0, 0)
    marked: dict[str, set[str]] = defaultdict(set)
    for plan_id, unit_id in taken:
        marked[plan_id].add(unit_id)
    cell = models.RollupCell
    parents_done = whole = cells = 0
    for plan_id, unit_ids in marked.items():
        year = session.scalar(select(models.Plan.year).where(models.Plan.id == plan_id))
        if year is None or WHOLE_PLAN in unit_ids:
            session.execute(delete(cell).where(cell.plan_id == plan_id))
            if year is not None:
                whole += 1
                cells += _fill(session, plan_id, year, None)
            continue
        parents = _parents_of(session, year, sorted(unit_ids))
        parents_done += len(parents)
        named = sorted(p for p in parents if p is not None)
        if None in parents:
            session.execute(delete(cell).where(cell.plan_id == plan_id, cell.parent_id.is_(None)))
            cells += _fill(session, plan_id, year, models.RosterEntry.parent_id.is_(None))
        for start in range(0, len(named), _CHUNK):
            chunk = named[start : start + _CHUNK]
            session.execute(delete(cell).where(cell.plan_id == plan_id, cell.parent_id.in_(chunk)))
            cells += _fill(session, plan_id, year, models.RosterEntry.parent_id.in_(chunk))
    return RefreshResult(len(marked), parents_done, whole, cells)


def refresh_cache(ctx: AppContext) -> RefreshResult:
    """:func:`refresh` in its own transaction (after an import, before a dashboard)."""
    with ctx.unit_of_work() as session:
        return refresh(session)


def refresh_if_possible(ctx: AppContext) -> bool:
    """Refresh before reading, unless the database cannot be written now.

    A read-only or busy database still gets exact roll-ups (stale parents
    are computed from the values), only slower; so this never fails a read.
    """
    try:
        refresh_cache(ctx)
    except DatabaseError:
        return False
    return True


def _parents_of(session: Session, year: int, unit_ids: list[str]) -> set[str | None]:
    entry = models.RosterEntry
    parents: set[str | None] = set()
    for start in range(0, len(unit_ids), _CHUNK):
        chunk = unit_ids[start : start + _CHUNK]
        parents.update(
            session.scalars(
                select(entry.parent_id).where(entry.year == year, entry.unit_id.in_(chunk))
            )
        )
    return parents


def _fill(session: Session, plan_id: str, year: int, parents: ColumnElement[bool] | None) -> int:
    query = _value_groups(plan_id, year, by_parent=True)
    if parents is not None:
        query = query.where(parents)
    cell = models.RollupCell
    query = query.add_columns(literal(plan_id))
    columns = [
        cell.parent_id,
        cell.cluster_id,
        cell.stream,
        cell.indicator_id,
        cell.sector,
        cell.kind,
        cell.grade,
        cell.goal_met,
        cell.units,
        cell.amount,
        cell.numerator,
        cell.denominator,
        cell.yes,
        cell.plan_id,
    ]
    result = session.execute(insert(cell).from_select(columns, query))
    return max(int(result.rowcount or 0), 0)  # type: ignore[attr-defined]
