"""A whole plan's unit rows and cells recomputed: staged, then swapped in briefly.

A whole-plan mark (a roster edit, a changed indicator) asks for every unit
row and cell of the plan again. :func:`stage` computes them into this
connection's temporary tables (``rollup_unit_next``, ``rollup_cell_next``)
with a few INSERT … SELECT statements, the unit rows in one statement, so from
one consistent read, the cells added up from them; it then compares them with
the stored ones (EXCEPT, both ways) and keeps what differs: the rows to add and
the ids of the rows to delete. Writing temporary tables takes no lock on the
database's own tables: SQLite's write lock is free while the rebuild computes,
and so are PostgreSQL's rows. :func:`swap` then only writes that difference (a
roster edit changes the rows of a few units and the cells of a few buckets),
which the caller does under its write lock, and drops the staging tables.

Nothing but a refresh writes a plan's unit rows and cells, and none writes a
plan while it is marked whole, so the difference still applies when the lock
is taken (SQLite: the caller checks that its claim is still there).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Column, MetaData, Table, func, insert, literal, select, text
from sqlalchemy.orm import Session
from sqlalchemy.sql import FromClause

from app.rollup.contributions import FIGURES, UNIT_COLUMNS, unit_rows_query
from db import models

#: An INSERT … SELECT's row count is kept only when asked for (psycopg's is -1 otherwise).
_COUNT_ROWS = {"preserve_rowcount": True}
#: The cells' key, in the order of their index (the order the staged cells are copied in).
_CELL_KEY = models.RollupCell.KEY[:5]
_CELL_COLUMNS = (*models.RollupCell.KEY, *FIGURES)


def _staging(name: str, source: FromClause, columns: Iterable[str]) -> Table:
    """A temporary table shaped like ``source``'s ``columns`` (never in Base.metadata)."""
    return Table(
        name,
        MetaData(),
        *(Column(c, source.c[c].type) for c in columns),
        prefixes=["TEMPORARY"],
    )


_UNITS = _staging("rollup_unit_next", models.RollupUnit.__table__, UNIT_COLUMNS)
_CELLS = _staging("rollup_cell_next", models.RollupCell.__table__, _CELL_COLUMNS)
_TABLES = (
    _UNITS,
    _CELLS,
    _staging("rollup_unit_added", models.RollupUnit.__table__, UNIT_COLUMNS),
    _staging("rollup_cell_added", models.RollupCell.__table__, _CELL_COLUMNS),
    _staging("rollup_unit_gone", models.RollupUnit.__table__, ["id"]),
    _staging("rollup_cell_gone", models.RollupCell.__table__, ["id"]),
)
#: Past this many rows written, PostgreSQL's statistics of the tables are gathered anew.
_ANALYZE_AFTER = 50_000
#: PostgreSQL's memory for a rebuild's sorts and hashes (refreshes run one at a time).
_WORK_MEM = "256MB"


def stage(session: Session, plans: Iterable[tuple[str, int | None]]) -> None:
    """The unit rows and cells of ``plans`` (plan id, year; no year: none) computed into
    the staging tables, created empty first, and their differences from the stored ones.
    Writes nothing but temporary tables."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # The comparisons hash the plan's rows in memory rather than sort them on disk.
        connection.exec_driver_sql(f"SET LOCAL work_mem = '{_WORK_MEM}'")
    for table in _TABLES:
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {table.name}")
        table.create(connection)
    for plan_id, year in plans:
        if year is not None:
            _stage_plan(session, plan_id, year)
        _differences(session, plan_id)
    for table in (_UNITS, _CELLS):  # dropped now, not under the write lock (SQLite: seconds)
        connection.exec_driver_sql(f"DROP TABLE {table.name}")


def _stage_plan(session: Session, plan_id: str, year: int) -> None:
    units = _UNITS.c
    rows = unit_rows_query(session, plan_id, year, None)
    session.execute(
        insert(_UNITS).from_select(
            list(UNIT_COLUMNS), rows.with_only_columns(literal(plan_id), *rows.selected_columns)
        )
    )
    cells = _CELLS.c
    keys = ("stream", "indicator_id", "sector", "kind", "grade", "goal_met")
    for family in ("parent", "cluster", "plan"):
        # The plan's bucket is added up from the parent buckets' cells (every unit is in
        # one), not from the unit rows again.
        source: Any = cells if family == "plan" else units
        bucket: Any = {"parent": units.bucket_id, "cluster": units.cluster_id}.get(
            family, literal("")
        )
        columns = [source[k] for k in keys]
        amount = units.cluster_amount if family == "cluster" else source.amount
        query = (
            select(
                literal(plan_id),
                literal(family),
                bucket,
                *columns,
                func.sum(source.units),
                func.sum(amount),
                *(func.sum(source[f]) for f in FIGURES[2:]),
            )
            .where(source.plan_id == plan_id)
            .group_by(bucket, *columns)
        )
        if family == "cluster":
            query = query.where(units.cluster_id.is_not(None))
        if family == "plan":
            query = query.where(cells.family == "parent")
        session.execute(
            insert(_CELLS).from_select(["plan_id", "family", "bucket_id", *keys, *FIGURES], query)
        )


def _differences(session: Session, plan_id: str) -> None:
    """The staged rows of a plan compared with the stored ones: the new ones into the
    ``_added`` tables, the ids of those that are no longer into the ``_gone`` ones."""
    postgresql = session.get_bind().dialect.name == "postgresql"
    same = "IS NOT DISTINCT FROM" if postgresql else "IS"
    for table, columns, key in (
        ("rollup_unit", UNIT_COLUMNS, ("plan_id", "unit_id", "stream", "indicator_id")),
        ("rollup_cell", _CELL_COLUMNS, models.RollupCell.KEY),
    ):
        names = ", ".join(columns)
        stored = f"SELECT {names} FROM {table} WHERE plan_id = :plan"
        staged = f"SELECT {names} FROM {table}_next WHERE plan_id = :plan"
        joined = " AND ".join(
            f"s.{c} {same if c in ('sector', 'grade') else '='} g.{c}" for c in key
        )
        none = f"SELECT 1 FROM {table} WHERE plan_id = :plan LIMIT 1"
        if session.execute(text(none), {"plan": plan_id}).first() is None:  # a first build
            copied = f"INSERT INTO {table}_added ({names}) {staged}"
            session.execute(text(copied), {"plan": plan_id})
            continue
        for sql in (
            f"INSERT INTO {table}_added ({names}) {staged} EXCEPT {stored}",
            f"INSERT INTO {table}_gone (id) SELECT s.id FROM {table} AS s "
            f"JOIN ({stored} EXCEPT {staged}) AS g ON {joined}",
        ):
            session.execute(text(sql), {"plan": plan_id})


def swap(session: Session) -> int:
    """The staged differences written: the rows gone deleted, the new ones inserted (in
    the order of the tables' indexes); the staging tables dropped. Returns the cells
    written."""
    sql = (
        "DELETE FROM rollup_unit WHERE id IN (SELECT id FROM rollup_unit_gone)",
        f"INSERT INTO rollup_unit ({', '.join(UNIT_COLUMNS)}) SELECT {', '.join(UNIT_COLUMNS)} "
        "FROM rollup_unit_added ORDER BY plan_id, unit_id",
        "DELETE FROM rollup_cell WHERE id IN (SELECT id FROM rollup_cell_gone)",
        f"INSERT INTO rollup_cell ({', '.join(_CELL_COLUMNS)}) "
        f"SELECT {', '.join(_CELL_COLUMNS)} FROM rollup_cell_added "
        f"ORDER BY {', '.join(_CELL_KEY)}",
    )
    written = [
        max(int(session.execute(text(s), execution_options=_COUNT_ROWS).rowcount or 0), 0)  # type: ignore[attr-defined]
        for s in sql
    ]
    connection = session.connection()
    for table in _TABLES[2:]:
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {table.name}")
    if connection.dialect.name == "postgresql" and sum(written) > _ANALYZE_AFTER:
        # Without fresh statistics after so many rows the planner reads a plan's whole
        # index for a few hundred units (the next refresh's reads).
        session.execute(text("ANALYZE rollup_unit, rollup_cell"))
    return written[3]


def rebuild(session: Session, plan_id: str, year: int | None) -> int:
    """Every unit row and cell of a plan recomputed (a whole-plan mark) in the caller's
    transaction: staged, then swapped in. Returns the cells written."""
    stage(session, [(plan_id, year)])
    return swap(session)
