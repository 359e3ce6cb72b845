"""Copying a whole database to another one, SQLite or PostgreSQL, row for row, proven whole.

Used to move a federation's embedded SQLite file onto its shared PostgreSQL server,
back, or from server to server, and to make a portable SQLite copy of a shared
database. Both databases must be at the same schema revision (``open_database``
brings the target there). The target must hold no rows at all, so nothing is ever
merged or lost.

How a move stays safe (:func:`move_rows`):

1. A marker (:data:`MOVE_MARKER` in ``setting``) is committed in the target first;
   while it is there, :func:`db.engine.open_database` refuses the target as an
   unfinished move.
2. Every row is copied in one transaction on the target, with progress and a cancel
   check between chunks.
3. Before that transaction commits, each table's row count and digest are taken on
   both sides (the source read in one snapshot, the target inside the copy's
   transaction); any difference rolls the whole copy back.
4. The marker is removed in the same transaction, so the copy commits whole or not
   at all. Killed in the middle (power cut, ``kill -9``), the target keeps only the
   marker and stays refused; a new move may start over it. The source is only read.

A digest does not depend on row order or on the database's collation: it is the
SHA-256 of the sorted SHA-256 of each row's canonical text.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Integer, delete, func, insert, select, text

from db.models import Base, Setting
from db.schema import MOVE_MARKER

#: Rows read and written at a time (keeps memory flat for large archives).
CHUNK_ROWS = 2000

#: ``progress(rows copied so far, rows in all)``.
Progress = Callable[[int, int], None]


class TargetNotEmptyError(Exception):
    """The target database already holds rows in ``table``."""

    def __init__(self, table: str) -> None:
        super().__init__(table)
        self.table = table


class MoveCancelledError(Exception):
    """The move was cancelled; the target holds nothing of it."""


class DigestMismatchError(Exception):
    """A table differs between source and target after the copy (rolled back)."""

    def __init__(self, table: str) -> None:
        super().__init__(table)
        self.table = table


@dataclass(frozen=True)
class TableDigest:
    """A table's row count and order-free digest."""

    rows: int
    digest: str


def _tables() -> list[Any]:
    return list(Base.metadata.sorted_tables)


def _marker_only(table: Any, conn: Connection) -> bool:
    """Whether ``table`` holds nothing but an unfinished move's marker."""
    if table.name != Setting.__tablename__:
        return False
    keys = conn.execute(select(Setting.key)).scalars().all()
    return keys == [MOVE_MARKER]


def first_filled_table(conn: Connection) -> str | None:
    """The first application table with a row in it (an unfinished move's marker
    aside), or None when all are empty."""
    for table in _tables():
        if conn.execute(select(table).limit(1)).first() is not None:
            if _marker_only(table, conn):
                continue
            return str(table.name)
    return None


def unfinished_move(conn: Connection) -> str | None:
    """When a move into this database started and did not finish, or None."""
    value = conn.execute(select(Setting.value).where(Setting.key == MOVE_MARKER)).scalar()
    return None if value is None else str(value)


def row_counts(conn: Connection) -> dict[str, int]:
    return {
        str(table.name): int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)
        for table in _tables()
    }


def _plain(value: Any) -> Any:
    """A column value as the same JSON on SQLite and PostgreSQL."""
    if isinstance(value, bytes | bytearray | memoryview):
        return "b:" + bytes(value).hex()
    if isinstance(value, decimal.Decimal):
        return "d:" + format(value.normalize(), "f")
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return "t:" + value.isoformat()
    return value


def _rows(conn: Connection, table: Any) -> Iterator[Any]:
    query = select(table)
    if table.name == Setting.__tablename__:
        query = query.where(Setting.key != MOVE_MARKER)
    result = conn.execution_options(stream_results=True).execute(query)
    for chunk in result.partitions(CHUNK_ROWS):
        yield from chunk


def table_digest(conn: Connection, table: Any) -> TableDigest:
    """``table``'s row count and digest (an unfinished move's marker left out)."""
    hashes = sorted(
        hashlib.sha256(
            json.dumps([_plain(v) for v in row], ensure_ascii=False, default=str).encode()
        ).digest()
        for row in _rows(conn, table)
    )
    return TableDigest(len(hashes), hashlib.sha256(b"".join(hashes)).hexdigest())


def database_digests(conn: Connection) -> dict[str, TableDigest]:
    """Every application table's count and digest."""
    return {str(table.name): table_digest(conn, table) for table in _tables()}


def copy_rows(
    source: Engine, target: Engine, *, progress: Progress | None = None
) -> dict[str, int]:
    """Copy every table's rows from ``source`` into the empty ``target`` (no marker,
    no digests: :func:`move_rows` is the checked move). Returns rows per table."""
    with source.connect() as reading, target.begin() as writing:
        return _copy_all(reading, writing, progress, None)


def move_rows(
    source: Engine,
    target: Engine,
    *,
    started: str,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> dict[str, TableDigest]:
    """The checked move described in the module docstring; returns the digests both
    sides agree on. ``started`` (a time, for the marker) says when it began."""
    with target.begin() as conn:
        filled = first_filled_table(conn)
        if filled is not None:
            raise TargetNotEmptyError(filled)
        conn.execute(delete(Setting).where(Setting.key == MOVE_MARKER))
        conn.execute(insert(Setting).values(key=MOVE_MARKER, value=started))
    try:
        with source.connect() as reading, reading.begin(), target.begin() as writing:
            _copy_all(reading, writing, progress, cancelled)
            writing.execute(delete(Setting).where(Setting.key == MOVE_MARKER))
            expected = database_digests(reading)
            found = database_digests(writing)
            for name, digest in expected.items():
                if found.get(name) != digest:
                    raise DigestMismatchError(name)
    except BaseException:
        # The copy rolled back: take the marker away too, unless the target is gone.
        try:
            with target.begin() as conn:
                conn.execute(delete(Setting).where(Setting.key == MOVE_MARKER))
        except Exception:
            pass
        raise
    return expected


def _copy_all(
    reading: Connection,
    writing: Connection,
    progress: Progress | None,
    cancelled: Callable[[], bool] | None,
) -> dict[str, int]:
    filled = first_filled_table(writing)
    if filled is not None:
        raise TargetNotEmptyError(filled)
    total = sum(row_counts(reading).values())
    done = 0

    def step(rows: int) -> None:
        nonlocal done
        done += rows
        if cancelled is not None and cancelled():
            raise MoveCancelledError
        if progress is not None:
            progress(done, total)

    counts: dict[str, int] = {}
    for table in _tables():
        counts[str(table.name)] = _copy_table(reading, writing, table, step)
    # Triggers of the target (the roll-up cache's marks) may have added rows to a
    # table while others were copied: copy such a table again, exactly.
    for table in _tables():
        in_target = writing.execute(select(func.count()).select_from(table)).scalar()
        expected = counts[str(table.name)] + (1 if _has_marker(writing, table) else 0)
        if in_target != expected:
            _copy_table(reading, writing, table, None)
    if writing.dialect.name == "postgresql":
        _move_sequences(writing)
    return counts


def _has_marker(conn: Connection, table: Any) -> bool:
    return table.name == Setting.__tablename__ and unfinished_move(conn) is not None


def _copy_table(
    reading: Connection,
    writing: Connection,
    table: Any,
    step: Callable[[int], None] | None,
) -> int:
    if writing.execute(select(table).limit(1)).first() is not None:
        # Rows a trigger made while parents were copied (never the move's marker).
        condition = Setting.key != MOVE_MARKER if table.name == Setting.__tablename__ else None
        writing.execute(table.delete() if condition is None else table.delete().where(condition))
    order = list(table.primary_key.columns) or list(table.columns)
    result = reading.execution_options(stream_results=True).execute(select(table).order_by(*order))
    copied = 0
    for chunk in result.mappings().partitions(CHUNK_ROWS):
        writing.execute(insert(table), [dict(row) for row in chunk])
        copied += len(chunk)
        if step is not None:
            step(len(chunk))
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
