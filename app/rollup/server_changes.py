"""A refresh's differences computed by the PostgreSQL server itself.

:func:`app.rollup.contributions.plan_changes` reads the marked units' old and new
unit rows into Python and compares them there. On PostgreSQL the same comparison
runs in SQL over this transaction's temporary tables (dropped at commit): the old
rows copied from ``rollup_unit``, the new ones computed by
:func:`~app.rollup.contributions.unit_rows_query` (500 units a statement), the rows
that differ (ids to delete, rows to add) and their differences per cell, added up
for the three families of buckets. No row travels to the client and back, and
writing temporary tables takes no lock on the shared ones: :func:`apply_staged` then
writes the difference with three set-based statements, which is all the refresh
holds its row locks for. Unit rows are one per (unit, stream, indicator), as their
values are, so a row is compared with the row of the same key.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import column, insert, literal, table, text
from sqlalchemy.orm import Session

from app.rollup.contributions import (
    DELTA_COLUMNS,
    FIGURES,
    UNIT_COLUMNS,
    Changes,
    Only,
    Reported,
    area_totals,
    children,
    flips,
    unit_rows_query,
)
from db import models
from db.enums import UnitKind

_OLD, _NEW, _GONE, _ADDED, _DELTA = (
    f"rollup_refresh_{name}" for name in ("old", "new", "gone", "added", "delta")
)
_COLUMNS = ", ".join(UNIT_COLUMNS)
#: Units per query of their new rows (as :mod:`app.rollup.contributions` reads them).
_CHUNK = 500
#: The computation's settings (back to the defaults after it). Its reads go by index to
#: pages the server has cached: at the default random_page_cost (4, a spinning disk's)
#: the planner reads every value of the country (5 million rows, 1.5 s) rather than a
#: few thousand statements' by their index. The differences are added up in memory,
#: not sorted on disk; queries reading a few thousand rows each are not worth JIT
#: compilation (~75 ms).
_SETTINGS = {"random_page_cost": "1.1", "work_mem": "'64MB'", "jit": "off"}
#: A unit row's key among the marked units' rows (the key of its statement's value).
_ROW_KEY = ("plan_id", "unit_id", "stream", "indicator_id")


def _tables(session: Session, plan_id: str) -> None:
    """This transaction's temporary tables, created empty (or emptied of ``plan_id``)."""
    connection = session.connection()
    shapes = {
        _OLD: f"SELECT id, {_COLUMNS} FROM rollup_unit",
        _NEW: f"SELECT {_COLUMNS} FROM rollup_unit",
        _GONE: "SELECT plan_id, id FROM rollup_unit",
        _ADDED: f"SELECT {_COLUMNS} FROM rollup_unit",
        _DELTA: f"SELECT plan_id, {', '.join(DELTA_COLUMNS)} FROM rollup_cell",
    }
    for name, shape in shapes.items():
        connection.exec_driver_sql(
            f"CREATE TEMP TABLE IF NOT EXISTS {name} ON COMMIT DROP AS {shape} WITH NO DATA"
        )
        connection.exec_driver_sql(f"DELETE FROM {name} WHERE plan_id = %s", (plan_id,))


def _copy_old(session: Session, plan_id: str, units: list[str], only: Only = None) -> None:
    """The stored unit rows of ``units`` (``only`` some of them) into ``rollup_refresh_old``."""
    sql = (
        f"INSERT INTO {_OLD} (id, {_COLUMNS}) SELECT id, {_COLUMNS} FROM rollup_unit "
        "WHERE plan_id = :plan AND unit_id = ANY(:units)"
    )
    params: dict[str, Any] = {"plan": plan_id, "units": units}
    if only is not None:
        sql += " AND indicator_id = ANY(:indicators)"
        params["indicators"] = only[1]
        if only[0] is not None:
            sql += " AND stream = ANY(:streams)"
            params["streams"] = only[0]
    session.execute(text(sql), params)


def _compute_new(
    session: Session, plan_id: str, year: int, units: list[str], only: Only = None
) -> None:
    """The unit rows of ``units`` computed from their values into ``rollup_refresh_new``,
    a chunk at a time."""
    target = table(_NEW, *(column(c) for c in UNIT_COLUMNS))
    for start in range(0, len(units), _CHUNK):
        query = unit_rows_query(session, plan_id, year, units[start : start + _CHUNK])
        if only is not None:
            query = query.where(models.StatementValue.indicator_id.in_(only[1]))
            if only[0] is not None:
                query = query.where(models.Statement.stream.in_(only[0]))
        rows = query.with_only_columns(literal(plan_id), *query.selected_columns)
        session.execute(insert(target).from_select(list(UNIT_COLUMNS), rows))


def _reported(session: Session, name: str, plan_id: str, totals: set[str]) -> Reported:
    """What every unit with rows in ``name`` reported as an area total (as
    :func:`app.rollup.contributions.flips` compares it)."""
    rows = session.execute(
        text(
            f"SELECT unit_id, stream, indicator_id FROM {name} WHERE plan_id = :plan "
            "AND kind = :upper AND indicator_id = ANY(:totals) AND amounts <> 0 "
            f"UNION ALL SELECT DISTINCT unit_id, NULL, NULL FROM {name} WHERE plan_id = :plan"
        ),
        {"plan": plan_id, "totals": sorted(totals), "upper": UnitKind.UPPER.value},
    )
    reported: dict[str, set[tuple[str, str]]] = {}
    for unit, stream, indicator in rows:
        pairs = reported.setdefault(unit, set())
        if stream is not None:
            pairs.add((stream, indicator))
    return {unit: frozenset(pairs) for unit, pairs in reported.items()}


def _differences(session: Session, plan_id: str) -> None:
    """The old rows no new row equals (their ids), the new rows no old row equals, and
    the differences they make to the cells of each family, into the temporary tables."""
    same = " AND ".join(f"n.{c} = o.{c}" for c in _ROW_KEY)
    rest = [c for c in UNIT_COLUMNS if c not in _ROW_KEY]
    equal = (
        f"({', '.join('n.' + c for c in rest)}) IS NOT DISTINCT FROM "
        f"({', '.join('o.' + c for c in rest)})"
    )
    connection = session.connection()
    # Hash joins whatever the estimates: temporary tables have no statistics, and a
    # nested loop over two tables of 30,000 rows took 16 s (20,000-unit bench).
    connection.exec_driver_sql("SET LOCAL enable_nestloop = off")
    for sql in (
        f"INSERT INTO {_GONE} (plan_id, id) SELECT o.plan_id, o.id FROM {_OLD} AS o "
        f"WHERE o.plan_id = %(plan)s AND NOT EXISTS (SELECT FROM {_NEW} AS n "
        f"WHERE {same} AND {equal})",
        f"INSERT INTO {_ADDED} ({_COLUMNS}) SELECT {', '.join('n.' + c for c in UNIT_COLUMNS)} "
        f"FROM {_NEW} AS n WHERE n.plan_id = %(plan)s AND NOT EXISTS (SELECT FROM {_OLD} "
        f"AS o WHERE {same} AND {equal})",
        _DELTA_SQL,
    ):
        connection.exec_driver_sql(sql, {"plan": plan_id})
    connection.exec_driver_sql("SET LOCAL enable_nestloop TO DEFAULT")


def _delta_sql() -> str:
    """Each changed row taken away (-1) or added (+1) in its three buckets, added up in
    one pass by grouping sets (its parent's, its cluster's when it has one, the plan's;
    half the time of a row per bucket); the cells where nothing changed left out; in the
    order of the cells' index, which the upsert then walks page by page."""
    key = "r.stream, r.indicator_id, r.sector, r.kind, r.grade, r.goal_met"
    parent, cluster = "GROUPING(r.bucket_id) = 0", "GROUPING(r.cluster_id) = 0"
    sums = [
        "sum(r.sign * r.units)",
        f"CASE WHEN {cluster} THEN sum(r.sign * r.cluster_amount) ELSE sum(r.sign * r.amount) END",
        *(f"sum(r.sign * r.{name})" for name in FIGURES[2:]),
    ]
    return (
        f"INSERT INTO {_DELTA} (plan_id, {', '.join(DELTA_COLUMNS)}) "
        f"SELECT CAST(%(plan)s AS VARCHAR), CASE WHEN {parent} THEN 'parent' "
        f"WHEN {cluster} THEN 'cluster' ELSE 'plan' END, CASE WHEN {parent} THEN "
        f"r.bucket_id WHEN {cluster} THEN r.cluster_id ELSE '' END, {key}, {', '.join(sums)} "
        f"FROM (SELECT -1 AS sign, o.* FROM {_OLD} AS o JOIN {_GONE} AS g ON g.id = o.id "
        f"WHERE g.plan_id = %(plan)s UNION ALL SELECT 1, NULL, a.* FROM {_ADDED} AS a "
        f"WHERE a.plan_id = %(plan)s) AS r GROUP BY {key}, "
        "GROUPING SETS ((r.bucket_id), (r.cluster_id), ()) "
        f"HAVING (NOT {cluster} OR r.cluster_id IS NOT NULL) AND ("
        + " OR ".join(f"{figure} <> 0" for figure in sums)
        + ") ORDER BY 2, 3, 4, 5, 6, 7, 8, 9"
    )


_DELTA_SQL = _delta_sql()


def plan_staged(session: Session, plan_id: str, year: int, marked: Iterable[str]) -> Changes:
    """:func:`app.rollup.contributions.plan_changes` on PostgreSQL: the same differences,
    computed into this transaction's temporary tables (written by :func:`apply_staged`)."""
    units = sorted(set(marked))
    connection = session.connection()
    for name, value in _SETTINGS.items():
        connection.exec_driver_sql(f"SET LOCAL {name} = {value}")
    _tables(session, plan_id)
    _copy_old(session, plan_id, units)
    _compute_new(session, plan_id, year, units)
    totals = set(area_totals(session, plan_id))
    if totals:
        before = _reported(session, _OLD, plan_id, totals)
        after = _reported(session, _NEW, plan_id, totals)
        flipped, only = flips(units, before, after, totals)
        others = sorted(set(children(session, year, flipped)) - set(units))
        if others and only is not None and only[1]:
            _copy_old(session, plan_id, others, only)
            _compute_new(session, plan_id, year, others, only)
    _differences(session, plan_id)
    for name in _SETTINGS:
        connection.exec_driver_sql(f"SET LOCAL {name} TO DEFAULT")
    cells, buckets = session.execute(
        text(
            "SELECT count(*), count(DISTINCT (family, bucket_id)) FILTER "
            f"(WHERE family <> 'plan') FROM {_DELTA} WHERE plan_id = :plan"
        ),
        {"plan": plan_id},
    ).one()
    return Changes(plan_id, buckets=int(buckets), staged=True, staged_cells=int(cells))


def apply_staged(session: Session, changes: Changes) -> None:
    """Write what :func:`plan_staged` computed: unit rows replaced, cells adjusted."""
    connection = session.connection()
    plan = {"plan": changes.plan_id}
    connection.exec_driver_sql(
        f"DELETE FROM rollup_unit WHERE id IN (SELECT id FROM {_GONE} WHERE plan_id = %(plan)s)",
        plan,
    )
    connection.exec_driver_sql(
        f"INSERT INTO rollup_unit ({_COLUMNS}) SELECT {_COLUMNS} FROM {_ADDED} "
        "WHERE plan_id = %(plan)s ORDER BY unit_id",
        plan,
    )
    if changes.cells:
        _add_to_cells(session, changes.plan_id)


def _add_to_cells(session: Session, plan_id: str) -> None:
    """The plan's differences added to the cells by one INSERT … ON CONFLICT DO UPDATE
    (each cell found by the unique index on its whole key while it is written; no join
    to plan, no statistics to gather), in the order of that index (as they were written
    by :func:`_differences`), then the cells left with no unit deleted."""
    added = ", ".join(DELTA_COLUMNS)
    key = ", ".join(("plan_id", *DELTA_COLUMNS[:8]))
    figures = ", ".join(f"{name} = rollup_cell.{name} + EXCLUDED.{name}" for name in FIGURES)
    emptied = session.scalars(
        text(
            f"WITH changed AS (INSERT INTO rollup_cell (plan_id, {added}) "
            f"SELECT CAST(:plan AS VARCHAR), {added} FROM {_DELTA} WHERE plan_id = :plan "
            f"ON CONFLICT ({key}) "
            f"DO UPDATE SET {figures} RETURNING id, units) "
            "SELECT id FROM changed WHERE units = 0"
        ),
        {"plan": plan_id},
    ).all()
    if emptied:
        session.connection().exec_driver_sql(
            "DELETE FROM rollup_cell WHERE id = ANY(%s)", (list(emptied),)
        )
