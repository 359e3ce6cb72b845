"""A Core query's rows as the database driver returns them: plain tuples.

For reads of hundreds of thousands of rows (scoring every unit of the
country): no :class:`sqlalchemy.engine.Row` per row and no result processing,
so a column comes back as the driver gives it — a Boolean may be 0/1 on
SQLite, an enum its stored text. Parameters go to the driver as given: bind
only plain values (text, numbers).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, Select

#: Rows asked of the driver at a time by :func:`each_plain_row`.
_BATCH = 10_000


def plain_rows(connection: Connection, query: Select[*tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Every row of ``query`` on ``connection`` (in its transaction), as plain tuples."""
    return list(each_plain_row(connection, query))


def each_plain_row(
    connection: Connection, query: Select[*tuple[Any, ...]]
) -> Iterator[tuple[Any, ...]]:
    """The rows of ``query`` one by one, as plain tuples: for millions of rows read once
    (every value of the country), so that they are never all held at once."""
    compiled = query.compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    parameters = compiled.params
    arguments: Any = parameters
    if compiled.positional:
        arguments = tuple(parameters[name] for name in compiled.positiontup or ())
    cursor = connection.connection.cursor()
    try:
        cursor.execute(compiled.string, arguments)
        while rows := cursor.fetchmany(_BATCH):
            yield from rows
    finally:
        cursor.close()
