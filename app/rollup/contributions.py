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
changed. A whole-plan mark rebuilds the plan's unit rows and cells with a few
INSERT … SELECT statements.

The work is split in two: :func:`plan_changes` only reads (it may run without
any write lock), :func:`apply_changes` writes what it computed, briefly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import Enum
from fractions import Fraction
from typing import Any, cast

from sqlalchemy import (
    String,
    Table,
    and_,
    bindparam,
    case,
    delete,
    func,
    insert,
    literal,
    select,
    type_coerce,
    update,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import ColumnElement, Select

from app.core.figures import percent_condition
from db import models
from db.enums import Comparison, IndicatorKind, Levels, UnitKind

_CHUNK = 500
#: Figures of a cell, in order.
_FIGURES = ("units", "amount", "numerator", "denominator", "yes")
#: Key of a cell: (family, bucket, stream, indicator, sector, kind, grade, goal met).
CellKey = tuple[str, str, str, str, str | None, str, str | None, int]

_UNIT_COLUMNS = (
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

#: An INSERT … SELECT's row count is kept only when asked for (psycopg's is -1 otherwise).
_COUNT_ROWS = {"preserve_rowcount": True}


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


def _contributions(
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
    return query.with_only_columns(
        *keys,
        func.count(),
        func.count(value.amount),
        func.coalesce(func.sum(parent_amount), 0),
        func.coalesce(func.sum(cluster_amount), 0),
        func.coalesce(func.sum(value.numerator), 0),
        func.coalesce(func.sum(value.denominator), 0),
        func.coalesce(func.sum(case((value.flag.is_(True), 1), else_=0)), 0),
    ).group_by(*keys)


def rebuild(session: Session, plan_id: str, year: int | None) -> int:
    """Every unit row and cell of a plan recomputed (a whole-plan mark); the cells written."""
    unit_row = models.RollupUnit
    cell = models.RollupCell
    session.execute(delete(unit_row).where(unit_row.plan_id == plan_id))
    session.execute(delete(cell).where(cell.plan_id == plan_id))
    if year is None:
        return 0
    rows = _contributions(session, plan_id, year, None)
    session.execute(
        insert(unit_row).from_select(
            list(_UNIT_COLUMNS),
            rows.with_only_columns(literal(plan_id), *rows.selected_columns),
        )
    )
    cells = 0
    keys = (
        unit_row.stream,
        unit_row.indicator_id,
        unit_row.sector,
        unit_row.kind,
        unit_row.grade,
        unit_row.goal_met,
    )
    for family in ("parent", "cluster", "plan"):
        bucket: Any = {
            "parent": unit_row.bucket_id,
            "cluster": unit_row.cluster_id,
            "plan": literal(""),
        }[family]
        amount = unit_row.cluster_amount if family == "cluster" else unit_row.amount
        query = (
            select(
                literal(plan_id),
                literal(family),
                bucket,
                *keys,
                func.sum(unit_row.units),
                func.sum(amount),
                func.sum(unit_row.numerator),
                func.sum(unit_row.denominator),
                func.sum(unit_row.yes),
            )
            .where(unit_row.plan_id == plan_id)
            .group_by(bucket, *keys)
        )
        if family == "cluster":
            query = query.where(unit_row.cluster_id.is_not(None))
        result = session.execute(
            insert(cell).from_select(
                ["plan_id", "family", "bucket_id", *[k.key for k in keys], *_FIGURES], query
            ),
            execution_options=_COUNT_ROWS,
        )
        cells += max(int(result.rowcount or 0), 0)  # type: ignore[attr-defined]
    return cells


def _text(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


@dataclass
class Changes:
    """What a refresh of one plan's marked units writes (computed by reading only)."""

    plan_id: str
    old_rows: list[int] = field(default_factory=list)
    new_rows: list[dict[str, Any]] = field(default_factory=list)
    updated: list[dict[str, Any]] = field(default_factory=list)
    inserted: list[dict[str, Any]] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)
    buckets: int = 0

    @property
    def cells(self) -> int:
        return len(self.updated) + len(self.inserted) + len(self.deleted)


def _old_rows(session: Session, plan_id: str, units: list[str]) -> list[dict[str, Any]]:
    unit_row = models.RollupUnit
    columns = [getattr(unit_row, c) for c in ("id", *_UNIT_COLUMNS[1:])]
    rows: list[dict[str, Any]] = []
    for start in range(0, len(units), _CHUNK):
        chunk = units[start : start + _CHUNK]
        query = select(*columns).where(unit_row.plan_id == plan_id, unit_row.unit_id.in_(chunk))
        rows.extend(dict(row._mapping) for row in session.execute(query))
    return rows


def _new_rows(session: Session, plan_id: str, year: int, units: list[str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for start in range(0, len(units), _CHUNK):
        chunk = units[start : start + _CHUNK]
        for row in session.execute(_contributions(session, plan_id, year, chunk)):
            values = (plan_id, *(_text(v) for v in row))
            record = dict(zip(_UNIT_COLUMNS, values, strict=True))
            record["goal_met"] = int(record["goal_met"])
            for name in _UNIT_COLUMNS[10:]:
                record[name] = int(record[name] or 0)
            rows.append(record)
    return rows


def _reported_sets(
    rows: Iterable[dict[str, Any]], totals: set[str]
) -> dict[str, frozenset[tuple[str, str]]]:
    """unit → the (stream, indicator) area totals it reported as an upper-level union."""
    reported: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for row in rows:
        reported.setdefault(row["unit_id"], set())
        if row["kind"] == UnitKind.UPPER.value and row["indicator_id"] in totals and row["amounts"]:
            reported[row["unit_id"]].add((row["stream"], row["indicator_id"]))
    return {unit: frozenset(pairs) for unit, pairs in reported.items()}


def _children(session: Session, year: int, parents: list[str]) -> list[str]:
    entry = models.RosterEntry
    children: list[str] = []
    for start in range(0, len(parents), _CHUNK):
        chunk = parents[start : start + _CHUNK]
        children.extend(
            session.scalars(
                select(entry.unit_id).where(entry.year == year, entry.parent_id.in_(chunk))
            )
        )
    return children


def plan_changes(session: Session, plan_id: str, year: int, marked: Iterable[str]) -> Changes:
    """The unit rows and cells to write for ``marked`` units of a plan, by reading only."""
    units = sorted(set(marked))
    old = _old_rows(session, plan_id, units)
    new = _new_rows(session, plan_id, year, units)
    totals = set(area_totals(session, plan_id))
    if totals:
        before, after = _reported_sets(old, totals), _reported_sets(new, totals)
        # A parent whose reported area totals changed (or that has no rows to tell) flips
        # its children's parts.
        flipped = [u for u in units if before.get(u) is None or before.get(u) != after.get(u)]
        others = sorted(set(_children(session, year, flipped)) - set(units))
        old += _old_rows(session, plan_id, others)
        new += _new_rows(session, plan_id, year, others)
    changes = Changes(plan_id, old_rows=[row.pop("id") for row in old], new_rows=new)
    deltas: dict[CellKey, list[int]] = defaultdict(lambda: [0] * len(_FIGURES))
    for rows, sign in ((old, -1), (new, 1)):
        for row in rows:
            common = (row["stream"], row["indicator_id"], row["sector"], row["kind"])
            tail = (row["grade"], int(row["goal_met"]))
            parts = [("parent", row["bucket_id"], row["amount"]), ("plan", "", row["amount"])]
            if row["cluster_id"] is not None:
                parts.append(("cluster", row["cluster_id"], row["cluster_amount"]))
            for family, bucket, amount in parts:
                delta = deltas[(family, bucket, *common, *tail)]
                delta[0] += sign * row["units"]
                delta[1] += sign * amount
                delta[2] += sign * row["numerator"]
                delta[3] += sign * row["denominator"]
                delta[4] += sign * row["yes"]
    changed = {key: delta for key, delta in deltas.items() if any(delta)}
    _cell_writes(session, changes, changed)
    return changes


def _cell_writes(session: Session, changes: Changes, deltas: dict[CellKey, list[int]]) -> None:
    """Turn the differences into updates, inserts and deletes of the present cells."""
    cell = models.RollupCell
    by_family: dict[str, set[str]] = defaultdict(set)
    streams: set[str] = set()
    for family, bucket, stream, *_ in deltas:
        by_family[family].add(bucket)
        streams.add(stream)
    changes.buckets = len(by_family["parent"]) + len(by_family["cluster"])
    present: dict[CellKey, tuple[int, list[int]]] = {}
    columns = (
        cell.id,
        cell.family,
        cell.bucket_id,
        cell.stream,
        cell.indicator_id,
        cell.sector,
        cell.kind,
        cell.grade,
        cell.goal_met,
        *(getattr(cell, f) for f in _FIGURES),
    )
    for family, buckets in by_family.items():
        ordered = sorted(buckets)
        for start in range(0, len(ordered), _CHUNK):
            query = select(*columns).where(
                cell.plan_id == changes.plan_id,
                cell.family == family,
                cell.bucket_id.in_(ordered[start : start + _CHUNK]),
                cell.stream.in_(sorted(streams)),
            )
            for row in session.execute(query):
                key: CellKey = (*row[1:8], int(row[8]))
                present[key] = (row[0], [int(f) for f in row[9:]])
    for key, delta in deltas.items():
        figures = dict(zip(_FIGURES, delta, strict=True))
        found = present.get(key)
        if found is None:
            family, bucket, stream, indicator, sector, kind, grade, goal_met = key
            changes.inserted.append(
                {
                    "plan_id": changes.plan_id,
                    "family": family,
                    "bucket_id": bucket,
                    "stream": stream,
                    "indicator_id": indicator,
                    "sector": sector,
                    "kind": kind,
                    "grade": grade,
                    "goal_met": goal_met,
                    **figures,
                }
            )
            continue
        cell_id, old = found
        total = {name: old[n] + delta[n] for n, name in enumerate(_FIGURES)}
        if total["units"] == 0:
            changes.deleted.append(cell_id)
        else:
            changes.updated.append({"cell_id": cell_id, **total})


def apply_changes(session: Session, changes: Changes) -> None:
    """Write what :func:`plan_changes` computed: unit rows replaced, cells adjusted."""
    unit_row = models.RollupUnit
    cell = models.RollupCell
    for start in range(0, len(changes.old_rows), _CHUNK):
        chunk = changes.old_rows[start : start + _CHUNK]
        session.execute(delete(unit_row).where(unit_row.id.in_(chunk)))
    for start in range(0, len(changes.deleted), _CHUNK):
        chunk = changes.deleted[start : start + _CHUNK]
        session.execute(delete(cell).where(cell.id.in_(chunk)))
    connection = session.connection()
    if changes.new_rows:
        connection.execute(insert(cast(Table, unit_row.__table__)), changes.new_rows)
    table = cast(Table, cell.__table__)
    if changes.inserted:
        connection.execute(insert(table), changes.inserted)
    if changes.updated:
        connection.execute(
            update(table)
            .where(table.c.id == bindparam("cell_id"))
            .values({name: bindparam(name) for name in _FIGURES}),
            changes.updated,
        )
