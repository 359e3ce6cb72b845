"""Copying a whole database to another one, SQLite or PostgreSQL, row for row.

Used to move a federation's embedded SQLite file onto its shared PostgreSQL
server (and to take a local copy of the shared database). Both databases
must be at the same schema revision (``open_database`` brings them there);
the target must hold no rows at all, so nothing is ever merged or lost.
Everything is written in one transaction on the target: a failure leaves it
empty.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine, Integer, func, insert, select, text

from db.models import Base

#: Rows read and written at a time (keeps memory flat for large archives).
CHUNK_ROWS = 2000


class TargetNotEmptyError(Exception):
    """The target database already holds rows in ``table``."""

    def __init__(self, table: str) -> None:
        super().__init__(table)
        self.table = table


def _tables() -> list[Any]:
    return list(Base.metadata.sorted_tables)


def first_filled_table(conn: Connection) -> str | None:
    """The first application table with a row in it, or None when all are empty."""
    for table in _tables():
        if conn.execute(select(table).limit(1)).first() is not None:
            return str(table.name)
    return None


def copy_rows(
    source: Engine, target: Engine, *, progress: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Copy every table's rows from ``source`` into the empty ``target``.

    Tables go parents first (foreign keys hold at every step); PostgreSQL's
    identity sequences are moved past the copied ids so later inserts do
    not collide. Returns the number of rows copied per table.
    """
    counts: dict[str, int] = {}
    with source.connect() as reading, target.begin() as writing:
        filled = first_filled_table(writing)
        if filled is not None:
            raise TargetNotEmptyError(filled)
        for table in _tables():
            counts[str(table.name)] = _copy_table(reading, writing, table, progress)
        # Triggers of the target (the roll-up cache's marks) may have added rows to a
        # table while others were copied: copy such a table again, exactly.
        for table in _tables():
            in_target = writing.execute(select(func.count()).select_from(table)).scalar()
            if in_target != counts[str(table.name)]:
                writing.execute(table.delete())
                _copy_table(reading, writing, table, progress)
        if writing.dialect.name == "postgresql":
            _move_sequences(writing)
    return counts


def _copy_table(
    reading: Connection,
    writing: Connection,
    table: Any,
    progress: Callable[[str, int], None] | None,
) -> int:
    if writing.execute(select(table).limit(1)).first() is not None:
        writing.execute(table.delete())  # rows a trigger made while parents were copied
    order = list(table.primary_key.columns) or list(table.columns)
    result = reading.execution_options(stream_results=True).execute(select(table).order_by(*order))
    copied = 0
    for chunk in result.mappings().partitions(CHUNK_ROWS):
        writing.execute(insert(table), [dict(row) for row in chunk])
        copied += len(chunk)
        if progress is not None:
            progress(str(table.name), copied)
    return copied


def _move_sequences(conn: Connection) -> None:
    for table in _tables():
        columns = list(table.primary_key.columns)
        if len(columns) != 1 or not isinstance(columns[0].type, Integer):
            continue
        column = columns[0]
        sequence = conn.execute(
            select(func.pg_get_serial_sequence(table.name, column.name))
        ).scalar()
        if sequence is None:
            continue
        highest = conn.execute(select(func.max(column))).scalar()
        conn.execute(
            text("SELECT setval(CAST(:sequence AS regclass), :value, :called)"),
            {"sequence": sequence, "value": highest or 1, "called": highest is not None},
        )
