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


def plain_rows(connection: Connection, query: Select[*tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Every row of ``query`` on ``connection`` (in its transaction), as plain tuples."""
    return [row for rows in plain_row_batches(connection, query) for row in rows]


def plain_row_batches(
    connection: Connection, query: Select[*tuple[Any, ...]], size: int = 10_000
) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of ``query`` as plain tuples, ``size`` at a time: for millions of rows
    read once (every value of the country), so that they are never all held at once."""
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
        while rows := cursor.fetchmany(size):
            yield list(rows)
    finally:
        cursor.close()


def plain_flag(raw: object) -> bool | None:
    """A Boolean column as a plain row holds it (SQLite's driver gives 0/1) made a bool."""
    return None if raw is None else bool(raw)
