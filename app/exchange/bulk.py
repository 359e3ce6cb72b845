"""Many rows at once: ``IN (...)`` lists in chunks, and one ``executemany`` insert.

The merge reads back and writes tens of thousands of rows per batch; these
two helpers keep that to a few statements.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sqlalchemy import Boolean, insert
from sqlalchemy.orm import Session

from db.parameters import IN_CHUNK, in_chunks

#: Values per ``IN (...)`` list (a batch reloading its state, a stream's packages).
CHUNK = IN_CHUNK


def chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    """``values`` in lists of at most :data:`CHUNK`, for one ``IN (...)`` each."""
    return in_chunks(values, CHUNK)


def insert_rows(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """One ``executemany`` of ``rows`` (every row has the same keys).

    Through the Core table rather than the ORM entity: the ORM's bulk insert
    leaves out ``None`` values and so splits rows into one statement per run
    of equal key sets (one per value, nearly, for statement values of mixed
    kinds). No column written here has a default that ``None`` would skip.

    Where the driver's own ``executemany`` is what Core would use anyway
    (SQLite), the insert is compiled once per table and key set and the rows
    go to the driver as tuples, after the columns' bind processing: the same
    values Core sends, without Core's per-row parameter building, which cost
    as much as SQLite's insert of a statement value. Elsewhere (PostgreSQL
    batches rows into multi-row ``VALUES``) Core's ``insert`` runs as it is.
    """
    if not rows:
        return
    connection = session.connection()
    table = model.__table__
    prepared = _prepared(connection, table, tuple(rows[0]))
    if prepared is None:
        session.execute(insert(table), rows)
    else:
        connection.exec_driver_sql(prepared.sql, prepared.parameters(rows))


def insert_tuples(
    session: Session, model: Any, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    """:func:`insert_rows` for rows given as tuples in ``columns`` order.

    For the most numerous rows (statement values): no dict is built per row
    where the driver takes tuples; elsewhere each row becomes the dict Core expects.
    """
    if not rows:
        return
    connection = session.connection()
    table = model.__table__
    prepared = _prepared(connection, table, columns)
    if prepared is None:
        session.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])
    else:
        connection.exec_driver_sql(prepared.sql, prepared.tuple_parameters(columns, rows))


def _prepared(connection: Any, table: Any, keys: tuple[str, ...]) -> _PreparedInsert | None:
    """The insert of ``keys`` into ``table`` for this connection's dialect (made once)."""
    cache_key = (table, connection.dialect.name, connection.dialect.paramstyle, keys)
    if cache_key in _PREPARED_INSERTS:
        return _PREPARED_INSERTS[cache_key]
    prepared = _PREPARED_INSERTS[cache_key] = _PreparedInsert.make(table, connection.dialect, keys)
    return prepared


class _PreparedInsert:
    """A compiled positional ``INSERT`` and how row dicts become its parameters."""

    def __init__(
        self, sql: str, names: tuple[str, ...], processors: list[tuple[int, Callable[[Any], Any]]]
    ) -> None:
        self.sql = sql
        #: The parameters' column names, in the statement's order.
        self.names = names
        self._get = operator.itemgetter(*names)
        self._processors = processors
        #: Whether the one processor is a boolean column's that a bool or None skips.
        self.bools_as_they_are = False

    @classmethod
    def make(cls, table: Any, dialect: Any, keys: tuple[str, ...]) -> _PreparedInsert | None:
        """None when Core must do the insert (see :func:`insert_rows`)."""
        if (
            not dialect.positional
            or getattr(dialect, "use_insertmanyvalues_wo_returning", False)
            or len(keys) < 2
        ):
            return None
        compiled = insert(table).compile(dialect=dialect, column_keys=list(keys))
        names = tuple(compiled.positiontup or ())
        if compiled.insert_prefetch or compiled.postfetch or sorted(names) != sorted(keys):
            return None  # Python-side defaults or renamed parameters: leave it to Core
        processors = []
        booleans = 0
        for index, name in enumerate(names):
            column_type = table.c[name].type
            process = column_type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                processors.append((index, process))
                booleans += isinstance(column_type, Boolean)
        prepared = cls(compiled.string, names, processors)
        # The sqlite3 driver binds True/False as 1/0 itself, all that SQLite's boolean
        # processor makes of them (a yes/no on each statement value).
        prepared.bools_as_they_are = dialect.name == "sqlite" and booleans == len(processors) == 1
        return prepared

    def parameters(self, rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        get = self._get
        if not self._processors:
            return [get(row) for row in rows]
        processors = self._processors
        result = []
        for row in rows:
            values = list(get(row))
            for index, process in processors:
                values[index] = process(values[index])
            result.append(tuple(values))
        return result

    def tuple_parameters(
        self, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
    ) -> list[tuple[Any, ...]]:
        """Rows in ``columns`` order as the driver's parameters (bind processing applied)."""
        if columns != self.names:
            order = operator.itemgetter(*(columns.index(name) for name in self.names))
            rows = [order(row) for row in rows]
        if not self._processors:
            return rows
        processors = self._processors
        result: list[tuple[Any, ...]] = []
        if len(processors) == 1:  # statement values: only ``flag``, mostly None
            ((index, process),) = processors
            if self.bools_as_they_are:
                # The rows go as they are: only a value neither None nor a bool meets
                # the processor (which refuses it, or makes 0/1 of a 0/1).
                for row in rows:
                    value = row[index]
                    if value is not None and type(value) is not bool:
                        return self._processed(rows, index, process)
                return rows
            return self._processed(rows, index, process)
        for row in rows:
            values = list(row)
            for index, process in processors:
                value = values[index]
                if value is not None:  # a bind processor keeps None as it is
                    values[index] = process(value)
            result.append(tuple(values))
        return result

    @staticmethod
    def _processed(
        rows: list[tuple[Any, ...]], index: int, process: Callable[[Any], Any]
    ) -> list[tuple[Any, ...]]:
        """``rows`` with the one processed column at ``index`` processed."""
        result: list[tuple[Any, ...]] = []
        append = result.append
        for row in rows:
            value = row[index]
            if value is None:  # a bind processor keeps None as it is
                append(row)
            else:
                append((*row[:index], process(value), *row[index + 1 :]))
        return result


_PREPARED_INSERTS: dict[tuple[Any, str, str, tuple[str, ...]], _PreparedInsert | None] = {}


__all__ = ["CHUNK", "chunks", "insert_rows", "insert_tuples"]
