"""Many values bound in one query: ``IN (...)`` lists in chunks.

SQLite built with its defaults binds at most 32,766 parameters per statement (Python's
own on Windows; :data:`db.engine.SQLITE_MAX_PARAMETERS` holds every connection to it) and
PostgreSQL's protocol 65,535: the ids of a country's 126,000 units are bound a chunk at a
time, one statement each.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

#: Values per ``IN (...)`` list: far below both limits, and a statement SQLite plans as
#: quickly as a short one.
IN_CHUNK = 500


def in_chunks(values: Iterable[T], size: int = IN_CHUNK) -> Iterator[list[T]]:
    """``values`` in lists of at most ``size``, for one ``IN (...)`` each."""
    items = list(values)
    for start in range(0, len(items), size):
        yield items[start : start + size]
