"""Maintained aggregates behind the roll-up: cells of the roll-up's groups.

The roll-up groups statement values by (stream, indicator, sector, unit
kind, grade, unit goal met). Summing every value of a province each time the
dashboard refreshes costs time proportional to the number of values; cells
keep the same sums for three families of buckets: the whole plan year, the
children of each parent in the tree, and each cluster. The whole province
reads its one bucket, a cluster its own, a subtree the buckets of the
parents inside it.

How the cells stay right:

- database triggers (migration ``0006_rollup_cache``) record in
  ``rollup_dirty`` every (plan, unit) whose statement row was inserted,
  updated or deleted, and mark the whole plan (``*``) when its indicators,
  the roster of its year, a unit's kind or its own year change. Every
  writer of statement values rewrites its statement rows (the import) or
  ends with ``app.statements.records.touch_statement`` (a Core UPDATE, which fires
  the trigger even when no column changed), so a change is always marked;
- :func:`groups` never trusts a stale cell: buckets holding marked units
  are computed from the values themselves, the rest is read from the
  cells, so a roll-up is exact whenever it runs, refreshed or not;
- :func:`refresh` (run after an import and before the dashboard reads)
  applies the marked units' old → new differences to the cells through
  their rows in ``rollup_unit`` (:mod:`app.rollup.contributions`; on PostgreSQL
  compared and added up by the server, :mod:`app.rollup.server_changes`), and
  rebuilds a whole-marked plan (:mod:`app.rollup.rebuild`: staged in
  temporary tables, then swapped in). :func:`refresh_cache` computes before
  it writes: SQLite's write lock is taken only to write (the differences are
  computed again under it if another connection committed meanwhile); on
  PostgreSQL an advisory lock serialises refreshes. A mark made during the
  computation is left to the next refresh (a rebuild runs one at once).

Levels counted once (an indicator's ``levels`` is ``area_total``, e.g. 2.1, 7.1 and
7.2 of the 2017 plan): an upper-level union reports its area's total, so a unit whose
parent is an upper-level union that reported the indicator in the same stream adds
nothing to a scope that holds that parent too (it still counts as a reporting unit).
Every family is such a scope or none: a parent bucket's units all have the bucket's
parent in any subtree that reads the bucket, a cluster bucket holds the parent only
when it is in the same cluster, and a live read is given its scope. A unit's values
therefore also decide its children's buckets: a marked unit marks the bucket of its
children and their clusters as well (:func:`app.rollup.marked_buckets.buckets_of`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from time import perf_counter
from typing import Any

from sqlalchemy import (
    and_,
    case,
    false,
    func,
    literal_column,
    null,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import ColumnElement, Select

from app.core.context import AppContext
from app.core.errors import DatabaseError
from app.rollup.contributions import (
    Changes,
    apply_changes,
    area_totals,
    goal_met_expression,
    plan_changes,
    unit_goals,
)
from app.rollup.marked_buckets import buckets_of
from app.rollup.rebuild import stage, swap
from app.rollup.server_changes import apply_staged, plan_staged
from db import models
from db.enums import Sector, UnitKind

#: ``rollup_dirty.unit_id`` that marks a whole plan for recomputation.
WHOLE_PLAN = "*"
#: Prefix of a mark claimed by a SQLite rebuild (``~*``, ``~<unit>``): the same mark to
#: every reader; a writer's new mark is then a row of its own (see :func:`_claim`).
CLAIMED = "~"
#: pg_advisory_xact_lock key serialising refreshes on a shared database ("TDrc").
_PG_LOCK_KEY = 0x54447263


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
    buckets: int
    whole_plans: int
    cells: int
    #: Seconds from the first write to the commit (SQLite's write lock), by refresh_cache.
    locked: float = field(default=0.0, compare=False)


def _counted_once(
    plan_id: str, year: int, area_totals: list[str], parent_within: str | Select[str] | None
) -> ColumnElement[bool]:
    """True for a value already in its parent's area total (see the module docstring).

    ``parent_within``: ``"cluster"`` (the parent must share the unit's cluster), a
    scope's units (the parent must be one of them), or None (a parent bucket).
    """
    if not area_totals:
        return false()
    value = models.StatementValue
    statement = models.Statement
    entry = models.RosterEntry
    parent_value = aliased(models.StatementValue)
    parent_statement = aliased(models.Statement)
    parent_unit = aliased(models.Unit)
    reported = (
        select(parent_value.statement_id)
        .join(parent_statement, parent_statement.id == parent_value.statement_id)
        .join(parent_unit, parent_unit.id == parent_statement.unit_id)
        .where(
            parent_statement.plan_id == plan_id,
            parent_statement.unit_id == entry.parent_id,
            parent_statement.stream == statement.stream,
            parent_value.indicator_id == value.indicator_id,
            parent_value.amount.is_not(None),
            parent_unit.kind == UnitKind.UPPER,
        )
    )
    if isinstance(parent_within, str):  # "cluster"
        parent_entry = aliased(models.RosterEntry)
        reported = reported.join(
            parent_entry,
            and_(parent_entry.unit_id == parent_statement.unit_id, parent_entry.year == year),
        ).where(parent_entry.cluster_id == entry.cluster_id)
    elif parent_within is not None:
        # never correlated with the outer query's roster row (that would name the unit itself)
        reported = reported.where(parent_statement.unit_id.in_(parent_within.correlate(None)))
    return and_(value.indicator_id.in_(area_totals), reported.exists())


def _value_groups(
    session: Session,
    plan_id: str,
    year: int,
    *,
    bucket: ColumnElement[Any] | None = None,
    parent_within: str | Select[str] | None = None,
) -> Select[*tuple[Any, ...]]:
    """The grouped sums of a plan's values, per ``bucket`` too when given."""
    value = models.StatementValue
    statement = models.Statement
    entry = models.RosterEntry
    goal_met = goal_met_expression(unit_goals(session, plan_id))
    once = _counted_once(plan_id, year, area_totals(session, plan_id), parent_within)
    keys: list[Any] = [
        statement.stream,
        value.indicator_id,
        entry.sector,
        models.Unit.kind,
        value.grade,
        goal_met,
    ]
    if bucket is not None:
        keys = [bucket, *keys]
    return (
        select(
            *keys,
            func.count(),
            func.coalesce(func.sum(case((once, 0), else_=value.amount)), 0),
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


def live_groups(
    session: Session,
    *,
    plan_id: str,
    year: int,
    units: Select[str] | list[str],
    scope: Select[str] | None = None,
) -> list[Group]:
    """The groups computed from the values of ``units`` (the reference roll-up; a few
    ids of the plan year's roster as a list), in a roll-up of ``scope`` (``units``
    themselves when not given)."""
    within = scope if scope is not None else units
    assert not isinstance(within, list), "a list of units is given with its scope"
    query = _value_groups(session, plan_id, year, parent_within=within).where(
        models.Statement.unit_id.in_(units)
    )
    return [_group(tuple(row)) for row in session.execute(query)]


@dataclass(frozen=True)
class _Stale:
    """What the marks say is out of date for one plan."""

    whole: bool
    units: int
    parents: frozenset[str]
    clusters: frozenset[str]


#: Past this many marked units a read computes from the values rather than
#: exclude each stale bucket (only a database that could not be refreshed
#: after a large import gets there).
_STALE_UNITS_LIMIT = 5000


def _stale(session: Session, plan_id: str, year: int) -> _Stale:
    dirty = models.RollupDirty
    stored = session.scalars(select(dirty.unit_id).where(dirty.plan_id == plan_id))
    marked = sorted({_unclaimed(unit_id) for unit_id in stored})
    if WHOLE_PLAN in marked or len(marked) > _STALE_UNITS_LIMIT:
        return _Stale(True, len(marked), frozenset(), frozenset())
    if not marked:
        return _Stale(False, 0, frozenset(), frozenset())
    parents, clusters = buckets_of(session, year, [u for u in marked if u != WHOLE_PLAN])
    return _Stale(False, len(marked), frozenset(parents), frozenset(clusters))


def _cells(plan_id: str, family: str, *buckets: ColumnElement[bool]) -> Select[*tuple[Any, ...]]:
    cell = models.RollupCell
    keys = (cell.stream, cell.indicator_id, cell.sector, cell.kind, cell.grade, cell.goal_met)
    return (
        select(
            *keys,
            func.sum(cell.units),
            func.sum(cell.amount),
            func.sum(cell.numerator),
            func.sum(cell.denominator),
            func.sum(cell.yes),
        )
        .where(cell.plan_id == plan_id, cell.family == family, *buckets)
        .group_by(*keys)
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
    subtree's nodes when a root is given. The whole plan year reads its one
    bucket, a cluster its own, a subtree the buckets of the parents inside
    it plus the root's own values (which sit in its parent's bucket, beside
    its siblings'). A cluster inside a subtree is computed from the values.
    """
    stale = _stale(session, plan_id, year)
    if stale.whole or (root_unit_id is not None and cluster_id is not None):
        return live_groups(session, plan_id=plan_id, year=year, units=units)
    cell = models.RollupCell
    entry = models.RosterEntry
    if cluster_id is not None:
        if cluster_id in stale.clusters:
            return live_groups(session, plan_id=plan_id, year=year, units=units)
        cached = _cells(plan_id, "cluster", cell.bucket_id == cluster_id)
        return _combine(session.execute(cached), [])
    if root_unit_id is None and not stale.units:
        return _combine(session.execute(_cells(plan_id, "plan")), [])
    conditions: list[ColumnElement[bool]] = []
    live: list[ColumnElement[bool]] = []
    if stale.parents:
        stale_parents = sorted(stale.parents)
        conditions.append(cell.bucket_id.not_in(stale_parents))
        live.append(
            and_(func.coalesce(entry.parent_id, "").in_(stale_parents), entry.unit_id.in_(units))
        )
    if subtree is not None:
        conditions.append(cell.bucket_id.in_(subtree))
        live.append(entry.unit_id == root_unit_id)  # the root is in its scope
    cached = _cells(plan_id, "parent", *conditions)
    live_rows: list[Group] = []
    if live:
        live_units: Select[str] | list[str] = select(entry.unit_id).where(
            entry.year == year, or_(*live)
        )
        if not stale.parents:  # the root alone: its statements found by their index
            live_units = [root_unit_id or ""]
        live_rows = live_groups(session, plan_id=plan_id, year=year, units=live_units, scope=units)
    return _combine(session.execute(cached), live_rows)


def cluster_groups(
    session: Session, *, plan_id: str, year: int, stream: str
) -> tuple[dict[str, list[Group]], frozenset[str] | None]:
    """Every fresh cluster's groups in ``stream`` from its cells in one read, and the
    stale clusters (None: the whole plan is stale), which the caller rolls up one by one."""
    stale = _stale(session, plan_id, year)
    if stale.whole:
        return {}, None
    cell = models.RollupCell
    query = _cells(
        plan_id, "cluster", cell.stream == stream, cell.bucket_id.not_in(sorted(stale.clusters))
    )
    query = query.add_columns(cell.bucket_id).group_by(cell.bucket_id)
    rows: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for row in session.execute(query):
        rows[row[-1]].append(tuple(row[:-1]))
    return {c: _combine(r, []) for c, r in rows.items()}, stale.clusters


def _combine(cached: Iterable[Any], live: list[Group]) -> list[Group]:
    """Add up rows of cells and live groups that share the roll-up's keys."""
    combined: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    rows: list[tuple[Any, ...]] = [tuple(row) for row in cached]
    rows.extend(
        (
            g.stream,
            g.indicator_id,
            g.sector.value if g.sector else None,
            g.kind.value,
            g.grade,
            g.goal_met,
            g.units,
            g.amount,
            g.numerator,
            g.denominator,
            g.yes,
        )
        for g in live
    )
    for row in rows:
        stream, indicator_id, sector, kind, grade, goal_met = row[:6]
        totals = combined[(stream, indicator_id, sector, kind, grade, bool(goal_met))]
        for n, figure in enumerate(row[6:]):
            totals[n] += int(figure or 0)
    return [_group((*key, *totals)) for key, totals in combined.items()]


def _marks(session: Session) -> list[tuple[str, str, str | None]]:
    """Every mark: (plan, unit as stored, its row version on PostgreSQL)."""
    dirty = models.RollupDirty
    if session.get_bind().dialect.name == "postgresql":
        version: ColumnElement[Any] = literal_column("xmin::text")
    else:
        version = null()
    rows = session.execute(select(dirty.plan_id, dirty.unit_id, version))
    return [(str(p), str(u), v) for p, u, v in rows]


def _unclaimed(unit_id: str) -> str:
    return unit_id.removeprefix(CLAIMED)  # a claimed mark is the mark it was


@dataclass
class _Work:
    """A refresh computed by reading: the marks it answers, the plans rebuilt whole
    (``staged`` once computed), the others' differences; its first write's time, result."""

    marks: list[tuple[str, str, str | None]]
    whole: list[tuple[str, int | None]]
    changes: list[Changes]
    staged: bool = False
    written_at: float = 0.0
    result: RefreshResult = RefreshResult(0, 0, 0, 0)


def _compute(session: Session, *, whole: bool = True, skip: Iterable[str] = ()) -> _Work:
    """What the marks ask for; whole-marked plans left for later unless ``whole``, the
    plans in ``skip`` left alone."""
    marks = [m for m in _marks(session) if m[0] not in set(skip)]
    marked: dict[str, set[str]] = defaultdict(set)
    for plan_id, unit_id, _version in marks:
        marked[plan_id].add(_unclaimed(unit_id))
    work = _Work([], [], [])
    postgresql = session.get_bind().dialect.name == "postgresql"
    for plan_id, unit_ids in sorted(marked.items()):
        year = session.scalar(select(models.Plan.year).where(models.Plan.id == plan_id))
        if year is not None and WHOLE_PLAN not in unit_ids:
            compute = plan_staged if postgresql else plan_changes
            work.changes.append(compute(session, plan_id, year, unit_ids))
        elif whole:
            work.whole.append((plan_id, year))
        else:
            continue
        work.marks.extend(m for m in marks if m[0] == plan_id)
    return work


def _write(session: Session, work: _Work) -> RefreshResult:
    """Write a computed refresh (the rebuilt plans staged first if they are not yet) and
    clear the marks it answered.

    On PostgreSQL a mark is cleared only if no writer re-marked it since it was read
    (its row version): a unit changed during the computation stays marked, and the
    next refresh applies the difference from what this one wrote.
    """
    if work.whole and not work.staged:
        stage(session, work.whole)
    work.written_at = work.written_at or perf_counter()
    cells = buckets = 0
    if work.whole:
        cells += swap(session)
    for changes in work.changes:
        (apply_staged if changes.staged else apply_changes)(session, changes)
        cells += changes.cells
        buckets += changes.buckets
    if work.marks:
        marks = [{"plan_id": p, "unit_id": u, "version": v} for p, u, v in work.marks]
        sql = "DELETE FROM rollup_dirty WHERE plan_id = :plan_id AND unit_id = :unit_id"
        if session.get_bind().dialect.name == "postgresql":
            sql += " AND xmin::text = :version"
        session.connection().execute(text(sql), marks)
    whole = sum(year is not None for _plan, year in work.whole)
    work.result = RefreshResult(len({p for p, _u, _v in work.marks}), buckets, whole, cells)
    return work.result


def _lock(session: Session) -> None:
    """On PostgreSQL, refreshes are serialised by an advisory lock (writers are not held)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})


def refresh(session: Session) -> RefreshResult:
    """Apply the marked units' differences to the cells (rebuild whole-marked plans);
    clear the marks. Runs in the caller's transaction."""
    _lock(session)
    return _write(session, _compute(session))


def _data_version(session: Session) -> int:
    """SQLite's count of commits by other connections, as this connection sees it."""
    return int(session.execute(text("PRAGMA data_version")).scalar_one())


def _commit_now(session: Session) -> None:
    """End SQLite's transaction on the session's connection now (the session keeps the
    connection, and with it its temporary tables; its next write begins anew)."""
    session.connection().connection.driver_connection.commit()  # type: ignore[union-attr]


def _claim(session: Session, work: _Work) -> None:
    """SQLite: the marks of the plans to rebuild renamed ``~…`` and committed, so that a
    writer's mark made while the rebuild computes is a row of its own, left for the
    refresh after the swap. Readers take a claimed mark for the mark it was."""
    plans = sorted({plan_id for plan_id, _year in work.whole})
    claim = (
        "INSERT OR IGNORE INTO rollup_dirty (plan_id, unit_id) SELECT plan_id, :claimed || "
        "unit_id FROM rollup_dirty WHERE plan_id = :plan AND unit_id NOT LIKE :pattern",
        "DELETE FROM rollup_dirty WHERE plan_id = :plan AND unit_id NOT LIKE :pattern",
    )
    for plan_id in plans:
        for sql in claim:
            session.execute(
                text(sql), {"plan": plan_id, "claimed": CLAIMED, "pattern": CLAIMED + "%"}
            )
    dirty = models.RollupDirty
    claimed = session.execute(select(dirty.plan_id, dirty.unit_id).where(dirty.plan_id.in_(plans)))
    work.marks = [m for m in work.marks if m[0] not in plans]
    work.marks += [(str(p), str(u), None) for p, u in claimed]
    _commit_now(session)


def _sqlite_refresh(session: Session, *, whole: bool = True) -> _Work:
    """A SQLite refresh that computes before it takes the write lock.

    The reads hold no lock; plans to rebuild are claimed (a moment's write) and staged
    in temporary tables (which take no lock). The write lock is then taken and, if
    another connection committed anything meanwhile (``PRAGMA data_version``), the
    differences are computed again under the lock, so no mark is ever cleared for
    values it did not see; marks made while a plan was staged stay for the next refresh.
    """
    version = _data_version(session)
    work = _compute(session, whole=whole)
    if not work.marks:
        return work
    if work.whole:
        _claim(session, work)
        stage(session, work.whole)
        _commit_now(session)
        work.staged = True
    # Any write takes SQLite's write lock for the rest of the transaction.
    session.execute(text("DELETE FROM rollup_dirty WHERE plan_id IS NULL"))
    work.written_at = perf_counter()
    staged = [plan_id for plan_id, _year in work.whole]
    claims = select(models.RollupDirty.plan_id).where(
        models.RollupDirty.plan_id.in_(staged), models.RollupDirty.unit_id == CLAIMED + WHOLE_PLAN
    )
    if not {p for p, y in work.whole if y is not None} <= set(session.scalars(claims)):
        # Another rebuild swapped its own in meanwhile: this one's difference is stale.
        work.whole, work.marks = [], [m for m in work.marks if m[0] not in staged]
    if _data_version(session) != version:
        again = _compute(session, whole=False, skip=staged)
        work.changes = again.changes
        work.marks = [m for m in work.marks if m[0] in staged] + again.marks
    _write(session, work)
    return work


def _refresh_once(ctx: AppContext, *, whole: bool) -> RefreshResult:
    with ctx.unit_of_work() as session:
        if session.get_bind().dialect.name == "sqlite":
            work = _sqlite_refresh(session, whole=whole)
        else:
            _lock(session)
            work = _compute(session, whole=whole)
            _write(session, work)
    locked = perf_counter() - work.written_at if work.written_at else 0.0
    return replace(work.result, locked=locked)


def refresh_cache(ctx: AppContext) -> RefreshResult:
    """:func:`refresh` in its own transaction, computed before SQLite's write lock is taken;
    the marks made while a plan was rebuilt are applied by a second, ordinary refresh."""
    result = _refresh_once(ctx, whole=True)
    if not result.whole_plans:
        return result
    after = _refresh_once(ctx, whole=False)
    return RefreshResult(
        result.plans,
        result.buckets + after.buckets,
        result.whole_plans,
        result.cells + after.cells,
        result.locked + after.locked,
    )


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
