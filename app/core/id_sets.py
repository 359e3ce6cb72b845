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

from sqlalchemy import String, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select


def id_set(session: Session, ids: Iterable[str]) -> Select[str]:
    """SELECT of ``ids`` (one column), for ``column.in_(id_set(session, ids))``."""
    values = list(ids)
    if session.get_bind().dialect.name == "postgresql":
        array = bindparam("id_set", value=values, type_=ARRAY(String()), unique=True)
        return select(func.unnest(array).column_valued("id"))
    each = func.json_each(
        bindparam("id_set", value=json.dumps(values), type_=String(), unique=True)
    )
    return select(each.table_valued("value").c.value)


__all__ = ["id_set"]
