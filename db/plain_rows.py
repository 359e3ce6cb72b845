"""A Core query's rows as the database driver returns them: plain tuples.

For reads of hundreds of thousands of rows (scoring every unit of the
country): no :class:`sqlalchemy.engine.Row` per row and no result processing,
so a column comes back as the driver gives it — a Boolean may be 0/1 on
SQLite, an enum its stored text. Parameters go to the driver as given: bind
only plain values (text, numbers).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select


def plain_rows(connection: Connection, query: Select[*tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Every row of ``query`` on ``connection`` (in its transaction), as plain tuples."""
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
        return list(cursor.fetchall())
    finally:
        cursor.close()
