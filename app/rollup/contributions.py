"""Each unit's part of the roll-up cells, and the cells kept up by differences.

A unit adds to three cells per (stream, indicator, grade, goal met): its
parent's bucket, its cluster's and the plan's. ``rollup_unit`` keeps those
parts (:class:`db.models.RollupUnit`), so the cells are always the sums of
the unit rows. A refresh of a few marked units reads their old rows, computes
their new ones from their values (reached by the unit → statement index),
and applies new − old to the cells: every figure is an integer, so the
difference is exact. A unit's values also decide its children's parts (the
levels counted once, see :mod:`app.rollup.cache`): the children of a marked
upper-level union are recomputed when the set of area totals it reported
changed. A whole-plan mark rebuilds the plan's unit rows and cells
(:mod:`app.rollup.rebuild`) from :func:`unit_rows_query`.

The work is split in two: :func:`plan_changes` only reads (it may run without
any write lock), :func:`apply_changes` writes what it computed, briefly. This is
SQLite's refresh, computed in Python before SQLite's one write lock is taken;
PostgreSQL computes the same differences in SQL (:mod:`app.rollup.server_changes`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from sqlalchemy import (
    String,
    and_,
    case,
    delete,
    func,
    literal,
    select,
    text,
    type_coerce,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import ColumnElement, Select

from app.core.figures import percent_condition
from db import models
from db.enums import Comparison, IndicatorKind, Levels, UnitKind

_CHUNK = 500
#: Figures of a cell, in order.
FIGURES = ("units", "amount", "numerator", "denominator", "yes")
#: Key of a cell: (family, bucket, stream, indicator, sector, kind, grade, goal met).
CellKey = tuple[str, str, str, str, str | None, str, str | None, int]

UNIT_COLUMNS = (
    "plan_id",
    "unit_id",
    "bucket_id",
    "cluster_id",
    "sector",
    "kind",
    "stream",
    "indicator_id",
    "grade",
    "goal_met",
    "units",
    "amounts",
    "amount",
    "cluster_amount",
    "numerator",
    "denominator",
    "yes",
)


def unit_goals(session: Session, plan_id: str) -> dict[str, tuple[Comparison, Fraction]]:
    """indicator id → (comparison, exact goal %) of the plan's ratios with a unit goal."""
    indicator = models.Indicator
    rows = session.execute(
        select(indicator.id, indicator.unit_goal_comparison, indicator.unit_goal_value).where(
            indicator.plan_id == plan_id,
            indicator.kind == IndicatorKind.RATIO,
            indicator.unit_goal_value.is_not(None),
        )
    )
    goals: dict[str, tuple[Comparison, Fraction]] = {}
    for indicator_id, comparison, value in rows:
        try:
            exact = Fraction(Decimal(str(value)))
        except (InvalidOperation, ValueError):
            continue  # not a number: no unit meets it (plans are checked on load)
        if comparison is None or comparison is Comparison.NONE:
            comparison = Comparison.AT_LEAST  # as app.core.figures.unit_goal_comparison reads it
        goals[indicator_id] = (Comparison(comparison), exact)
    return goals


def goal_met_expression(goals: dict[str, tuple[Comparison, Fraction]]) -> ColumnElement[int]:
    """1 when a ratio value meets its indicator's unit goal, else 0.

    The test is :func:`app.core.figures.percent_condition` in SQL: integers
    cross-multiplied, exact, the same as every other surface.
    """
    value = models.StatementValue
    whens = [
        (
            and_(
                value.indicator_id == indicator_id,
                value.denominator > 0,
                percent_condition(comparison, exact, value.numerator, value.denominator),
            ),
            1,
        )
        for indicator_id, (comparison, exact) in sorted(goals.items())
    ]
    if not whens:
        return literal(0)
    return case(*whens, else_=0)


def area_totals(session: Session, plan_id: str) -> list[str]:
    """Ids of the plan's indicators whose upper-level unions report their area's total."""
    indicator = models.Indicator
    return sorted(
        session.scalars(
            select(indicator.id).where(
                indicator.plan_id == plan_id, indicator.levels == Levels.AREA_TOTAL.value
            )
        )
    )


def _reported(plan_id: str, year: int, totals: list[str], units: Sequence[str] | None) -> Any:
    """(parent, stream, indicator, the parent's cluster) of every area total an upper-level
    union reported: the parents of ``units``, or every one. Joined once, not asked per value."""
    value = aliased(models.StatementValue)
    statement = aliased(models.Statement)
    unit = aliased(models.Unit)
    entry = aliased(models.RosterEntry)
    query = (
        select(
            statement.unit_id.label("parent_id"),
            statement.stream.label("stream"),
            value.indicator_id.label("indicator_id"),
            entry.cluster_id.label("cluster_id"),
        )
        .distinct()
        .join(value, value.statement_id == statement.id)
        .join(unit, unit.id == statement.unit_id)
        .outerjoin(entry, and_(entry.unit_id == statement.unit_id, entry.year == year))
        .where(
            statement.plan_id == plan_id,
            value.indicator_id.in_(totals),
            value.amount.is_not(None),
            unit.kind == UnitKind.UPPER,
        )
    )
    if units is not None:
        child = aliased(models.RosterEntry)
        parents = select(child.parent_id).where(child.year == year, child.unit_id.in_(units))
        query = query.where(statement.unit_id.in_(parents))
    return query.subquery("reported")


def unit_rows_query(
    session: Session, plan_id: str, year: int, units: Sequence[str] | None
) -> Select[Any]:
    """The unit rows of ``units`` (every unit of the plan year when None), from their values."""
    value = models.StatementValue
    statement = models.Statement
    entry = models.RosterEntry
    goal_met = goal_met_expression(unit_goals(session, plan_id))
    totals = area_totals(session, plan_id)
    keys: list[Any] = [
        statement.unit_id,
        func.coalesce(entry.parent_id, ""),
        entry.cluster_id,
        type_coerce(entry.sector, String),
        type_coerce(models.Unit.kind, String),
        statement.stream,
        value.indicator_id,
        value.grade,
        goal_met,
    ]
    parent_amount: Any = value.amount
    cluster_amount: Any = value.amount
    query = (
        select()
        .select_from(value)
        .join(statement, statement.id == value.statement_id)
        .join(models.Indicator, models.Indicator.id == value.indicator_id)
        .join(models.Unit, models.Unit.id == statement.unit_id)
        .join(entry, and_(entry.unit_id == statement.unit_id, entry.year == year))
    )
    if totals:
        reported = _reported(plan_id, year, totals, units)
        query = query.outerjoin(
            reported,
            and_(
                reported.c.parent_id == entry.parent_id,
                reported.c.stream == statement.stream,
                reported.c.indicator_id == value.indicator_id,
            ),
        )
        once = reported.c.parent_id.is_not(None)
        parent_amount = case((once, 0), else_=value.amount)
        in_cluster = and_(once, reported.c.cluster_id == entry.cluster_id)
        cluster_amount = case((in_cluster, 0), else_=value.amount)
    query = query.where(statement.plan_id == plan_id)
    if units is not None:
        query = query.where(statement.unit_id.in_(units))
    # One value per (statement, indicator) and at most one reported row per value: each
    # value is its own row, no grouping needed.
    return query.with_only_columns(
        *keys,
        literal(1),
        case((value.amount.is_not(None), 1), else_=0),
        func.coalesce(parent_amount, 0),
        func.coalesce(cluster_amount, 0),
        func.coalesce(value.numerator, 0),
        func.coalesce(value.denominator, 0),
        case((value.flag.is_(True), 1), else_=0),
    )


@dataclass
class Changes:
    """What a refresh of one plan's marked units writes (computed by reading only)."""

    plan_id: str
    old_rows: list[int] = field(default_factory=list)  # unit rows' ids
    new_rows: list[tuple[Any, ...]] = field(default_factory=list)  # as UNIT_COLUMNS
    deltas: list[tuple[Any, ...]] = field(default_factory=list)  # as DELTA_COLUMNS
    buckets: int = 0
    #: True when the differences wait in this transaction's temporary tables instead
    #: (PostgreSQL, :mod:`app.rollup.server_changes`); ``staged_cells`` counts them.
    staged: bool = False
    staged_cells: int = 0

    @property
    def cells(self) -> int:
        """The cells the differences change (updated, added or emptied)."""
        return self.staged_cells if self.staged else len(self.deltas)


#: A unit row as read and written: the values of ``UNIT_COLUMNS``, in order.
UnitRow = tuple[Any, ...]
#: Only the rows of these streams (None: every stream) and indicators (None: every row).
Only = tuple[list[str] | None, list[str]] | None


def _old_rows(
    session: Session, plan_id: str, units: list[str], only: Only = None
) -> list[tuple[int, UnitRow]]:
    unit_row = models.RollupUnit
    columns = [getattr(unit_row, c) for c in UNIT_COLUMNS]
    rows: list[tuple[int, UnitRow]] = []
    for start in range(0, len(units), _CHUNK):
        chunk = units[start : start + _CHUNK]
        query = select(unit_row.id, *columns).where(
            unit_row.plan_id == plan_id, unit_row.unit_id.in_(chunk)
        )
        if only is not None:
            query = query.where(unit_row.indicator_id.in_(only[1]))
            if only[0] is not None:
                query = query.where(unit_row.stream.in_(only[0]))
        rows.extend((row[0], tuple(row[1:])) for row in session.connection().execute(query).all())
    return rows


def _new_rows(
    session: Session, plan_id: str, year: int, units: list[str], only: Only = None
) -> list[UnitRow]:
    rows: list[UnitRow] = []
    for start in range(0, len(units), _CHUNK):
        chunk = units[start : start + _CHUNK]
        query = unit_rows_query(session, plan_id, year, chunk)
        if only is not None:
            query = query.where(models.StatementValue.indicator_id.in_(only[1]))
            if only[0] is not None:
                query = query.where(models.Statement.stream.in_(only[0]))
        for row in session.connection().execute(query).all():
            rows.append((plan_id, *row[:9], *(int(f or 0) for f in row[9:])))
    return rows


#: unit → the (stream, indicator) area totals it reported, for every unit with rows.
Reported = dict[str, frozenset[tuple[str, str]]]


def _reported_sets(rows: Iterable[UnitRow], totals: set[str]) -> Reported:
    """unit → the (stream, indicator) area totals it reported as an upper-level union."""
    reported: dict[str, set[tuple[str, str]]] = {}
    upper = UnitKind.UPPER.value
    for row in rows:
        pairs = reported.setdefault(row[1], set())
        if row[5] == upper and row[7] in totals and row[11]:
            pairs.add((row[6], row[7]))
    return {unit: frozenset(pairs) for unit, pairs in reported.items()}


def children(session: Session, year: int, parents: list[str]) -> list[str]:
    """The units whose parent is one of ``parents`` in the plan year."""
    entry = models.RosterEntry
    found: list[str] = []
    for start in range(0, len(parents), _CHUNK):
        chunk = parents[start : start + _CHUNK]
        found.extend(
            session.scalars(
                select(entry.unit_id).where(entry.year == year, entry.parent_id.in_(chunk))
            )
        )
    return found


def flips(
    units: list[str], before: Reported, after: Reported, totals: set[str]
) -> tuple[list[str], Only]:
    """The marked units whose reported area totals changed (``before`` and ``after`` the
    change), and the streams and indicators of their children's rows that may change
    with them."""
    flipped: list[str] = []
    streams: set[str] | None = set()
    indicators: set[str] = set()
    for unit in units:
        was, now = before.get(unit), after.get(unit)
        if was is None:  # no rows to tell what it reported: any area total may flip
            flipped.append(unit)
            streams = None
            indicators.update(totals)
        elif was != now:
            flipped.append(unit)
            for stream, indicator in was ^ (now or frozenset()):
                if streams is not None:
                    streams.add(stream)
                indicators.add(indicator)
    return flipped, (None if streams is None else sorted(streams), sorted(indicators))


def plan_changes(session: Session, plan_id: str, year: int, marked: Iterable[str]) -> Changes:
    """The unit rows and cells to write for ``marked`` units of a plan, by reading only."""
    units = sorted(set(marked))
    old = _old_rows(session, plan_id, units)
    new = _new_rows(session, plan_id, year, units)
    totals = set(area_totals(session, plan_id))
    if totals:
        before = _reported_sets((row for _id, row in old), totals)
        flipped, only = flips(units, before, _reported_sets(new, totals), totals)
        others = sorted(set(children(session, year, flipped)) - set(units))
        if others and only is not None and only[1]:
            old += _old_rows(session, plan_id, others, only)
            new += _new_rows(session, plan_id, year, others, only)
    # Rows that did not change are neither rewritten nor applied.
    kept = Counter(new)
    changes = Changes(plan_id)
    removed: list[UnitRow] = []
    for row_id, row in old:
        if kept[row] > 0:
            kept[row] -= 1
        else:
            changes.old_rows.append(row_id)
            removed.append(row)
    added = list(kept.elements())
    changes.new_rows = added
    deltas: dict[CellKey, list[int]] = defaultdict(lambda: [0] * len(FIGURES))
    for rows, sign in ((removed, -1), (added, 1)):
        for row in rows:
            _, _, bucket, cluster, sector, kind, stream, indicator, grade, goal = row[:10]
            units_n, _amounts, amount, cluster_amount, numerator, denominator, yes = row[10:]
            common = (stream, indicator, sector, kind, grade, int(goal))
            parts = [("parent", bucket, amount), ("plan", "", amount)]
            if cluster is not None:
                parts.append(("cluster", cluster, cluster_amount))
            for family, where, figure in parts:
                delta = deltas[(family, where, *common)]
                delta[0] += sign * units_n
                delta[1] += sign * figure
                delta[2] += sign * numerator
                delta[3] += sign * denominator
                delta[4] += sign * yes
    changes.deltas = [(*key, *delta) for key, delta in deltas.items() if any(delta)]
    changes.buckets = len({row[:2] for row in changes.deltas if row[0] != "plan"})
    return changes


#: A cell's key, then the differences of its figures (the temporary ``rollup_delta``).
DELTA_COLUMNS = (*models.RollupCell.KEY[1:], *FIGURES)


def _load(
    session: Session, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """``rows`` written into ``table`` by one executemany."""
    if not rows:
        return
    marks = ", ".join("?" for _ in columns)
    session.connection().exec_driver_sql(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
    )


def _delta_table(session: Session) -> None:
    """An empty temporary ``rollup_delta`` (this connection's own, emptied before each use)."""
    figures = ", ".join(f"{name} BIGINT" for name in FIGURES)
    connection = session.connection()
    connection.exec_driver_sql(
        "CREATE TEMP TABLE IF NOT EXISTS rollup_delta (family VARCHAR(8), "
        "bucket_id VARCHAR(36), stream VARCHAR(32), indicator_id VARCHAR(36), "
        "sector VARCHAR(32), kind VARCHAR(32), grade VARCHAR(32), goal_met INTEGER, "
        f"{figures}, cell_id INTEGER)"
    )
    connection.exec_driver_sql("DELETE FROM rollup_delta")


def _apply_deltas(session: Session, plan_id: str, deltas: list[tuple[Any, ...]]) -> None:
    """The differences added to the cells, set-based: each difference finds its cell by
    the key's index, the found cells are added to, the others inserted, the emptied ones
    deleted."""
    if not deltas:
        return
    _delta_table(session)
    _load(session, "rollup_delta", DELTA_COLUMNS, deltas)
    added = ", ".join(DELTA_COLUMNS)
    matched = " AND ".join(
        f"c.{name} {'IS' if name in ('sector', 'grade') else '='} d.{name}"
        for name in DELTA_COLUMNS[:8]
    )
    figures = ", ".join(f"{name} = rollup_cell.{name} + d.{name}" for name in FIGURES)
    for sql in (
        "UPDATE rollup_delta AS d SET cell_id = (SELECT c.id FROM rollup_cell AS c WHERE "
        f"c.plan_id = :plan AND {matched})",
        f"UPDATE rollup_cell SET {figures} FROM rollup_delta AS d WHERE rollup_cell.id = d.cell_id",
        f"INSERT INTO rollup_cell (plan_id, {added}) SELECT :plan, {added} FROM rollup_delta "
        "WHERE cell_id IS NULL",
        "DELETE FROM rollup_cell WHERE units = 0 AND id IN "
        "(SELECT cell_id FROM rollup_delta WHERE cell_id IS NOT NULL)",
    ):
        session.execute(text(sql), {"plan": plan_id} if ":plan" in sql else {})


def apply_changes(session: Session, changes: Changes) -> None:
    """Write what :func:`plan_changes` computed: unit rows replaced, cells adjusted."""
    unit_row = models.RollupUnit
    for start in range(0, len(changes.old_rows), _CHUNK):
        chunk = changes.old_rows[start : start + _CHUNK]
        session.execute(delete(unit_row).where(unit_row.id.in_(chunk)))
    _load(session, "rollup_unit", UNIT_COLUMNS, changes.new_rows)
    _apply_deltas(session, changes.plan_id, changes.deltas)
