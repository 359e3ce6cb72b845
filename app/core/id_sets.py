"""A set of ids already read, handed back to the database as one bound value.

A query that needs "the units of this scope" again and again (a subtree walked by a
recursive query, a cluster) reads the ids once; :func:`id_set` turns them into a
SELECT of one column usable in ``IN`` anywhere, on SQLite (``json_each`` over a JSON
array) and on PostgreSQL (``unnest`` over an array), whatever the number of ids (no
bound parameter per id, so no limit on them).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import String, Text, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

#: Between the ids of a set sent to PostgreSQL as one text (an id holding it is sent
#: as an array instead).
_SEPARATOR = "\x1f"


def id_set(session: Session, ids: Iterable[str]) -> Select[str]:
    """SELECT of ``ids`` (one column), for ``column.in_(id_set(session, ids))``."""
    values = list(ids)
    if session.get_bind().dialect.name == "postgresql":
        if not any(_SEPARATOR in value for value in values):
            # One text split by the server: the driver adapts a list of a province's
            # 21,000 ids element by element, ~25 ms at each query that reads them.
            # ``string_to_array`` is immutable, so the planner still sees how many.
            joined = bindparam("id_set", value=_SEPARATOR.join(values), type_=Text(), unique=True)
            split = func.string_to_array(joined, _SEPARATOR, type_=ARRAY(Text()))
            return select(func.unnest(split).column_valued("id"))
        array = bindparam("id_set", value=values, type_=ARRAY(String()), unique=True)
        return select(func.unnest(array).column_valued("id"))
    each = func.json_each(
        bindparam("id_set", value=json.dumps(values), type_=String(), unique=True)
    )
    return select(each.table_valued("value").c.value)


__all__ = ["id_set"]
