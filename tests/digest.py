"""Content hashes of a database's tables that are the same on SQLite and PostgreSQL.

Rows are read through SQLAlchemy's typed columns (so a boolean is a bool and
a date a date on both), written in one canonical text form and sorted in
Python: the server's collation never decides the order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from db.models import Base


def _canonical(value: Any) -> str:
    if value is None:
        return "∅"
    if isinstance(value, bool):
        return "T" if value else "F"
    if isinstance(value, bytes | memoryview):
        return "x" + bytes(value).hex()
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, int | Decimal):
        return str(value)
    return repr(str(value))


def table_rows(
    engine: Engine, name: str, *, leave_out: Iterable[str] = ()
) -> list[tuple[str, ...]]:
    """Every row of table ``name`` in canonical form, sorted, without columns ``leave_out``."""
    table = Base.metadata.tables[name]
    skip = set(leave_out)
    columns = [c for c in table.columns if c.name not in skip]
    with engine.connect() as conn:
        rows = conn.execute(select(*columns)).all()
    return sorted(tuple(_canonical(v) for v in row) for row in rows)


def table_digests(
    engine: Engine, *, leave_out: Mapping[str, Iterable[str]] | None = None
) -> dict[str, str]:
    """SHA-256 of every application table's column names and rows."""
    leave_out = leave_out or {}
    digests: dict[str, str] = {}
    for name, table in sorted(Base.metadata.tables.items()):
        skip = set(leave_out.get(name, ()))
        digest = hashlib.sha256(
            repr([c.name for c in table.columns if c.name not in skip]).encode()
        )
        for row in table_rows(engine, name, leave_out=skip):
            digest.update("\x1f".join(row).encode() + b"\n")
        digests[name] = digest.hexdigest()
    return digests


def combine(digests: dict[str, str], *, exclude: frozenset[str] = frozenset()) -> str:
    """One hash over every table not in ``exclude``."""
    digest = hashlib.sha256()
    for name, value in sorted(digests.items()):
        if name not in exclude:
            digest.update(f"{name}={value}\n".encode())
    return digest.hexdigest()


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )


def file_digest(db: Path) -> str:
    """One hash of every table's rows of the SQLite file ``db`` (the audit log aside), in a
    stable order: the same before and after a step that changed nothing."""
    conn = sqlite3.connect(db)
    try:
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        ]
        h = hashlib.sha256()
        for table in tables:
            if table == "audit_log":
                continue
            h.update(table.encode())
            for row in sorted(conn.execute(f'SELECT * FROM "{table}"'), key=repr):
                h.update(repr(row).encode())
        return h.hexdigest()
    finally:
        conn.close()
