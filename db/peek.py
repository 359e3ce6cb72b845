"""A read-only first look at an embedded database, with the standard library only.

The application shows its plan before SQLAlchemy has loaded (issue #20): right after
the first paint it reads, through :mod:`sqlite3` alone, who the database belongs to
and its plans, while the task runner imports SQLAlchemy and opens the database the
one real way (:func:`db.engine.open_database`).

The look changes no data and trusts nothing: the file is opened read-only
(``mode=ro``, so a missing file is not created; SQLite may leave the WAL side files a
reader needs, which the open that follows makes anyway), and anything but a Thi Đua
database at exactly this version's schema (``db.schema.HEAD_REVISION``, which
``tests/unit/test_database.py`` pins against the migrations), with an installation
and no unfinished move, gives ``None``; so does any SQLite error (locked, corrupt,
not a database). ``None`` only means "no first look": the caller takes the usual path,
which says what is wrong if anything is. This module must not import SQLAlchemy
(``tests/unit/test_peek.py`` checks it in a fresh interpreter).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from db.schema import APPLICATION_ID, HEAD_REVISION, MOVE_MARKER

#: The roles an installation may have (``db.enums.Role``'s values).
ROLES = ("federation", "unit")


@dataclass(frozen=True)
class PeekedPlan:
    """One plan as the first screen names it."""

    id: str
    year: int
    title: str
    issuer: str
    number: str
    theme: str


@dataclass(frozen=True)
class Peek:
    """What the database says about itself, as stored (no rule applied)."""

    role: str
    own_unit_id: str
    own_unit_name: str
    #: The ``current_plan`` setting (the plan a unit's chair chose), if any.
    chosen_plan_id: str | None
    #: Newest year first, then by id (the order of ``app.plans.available_plans``).
    plans: tuple[PeekedPlan, ...]


def peek_database(path: Path) -> Peek | None:
    """Look at the SQLite file ``path`` read-only; ``None`` unless it is a Thi Đua
    database at the current schema with an installation (see the module docstring)."""
    try:
        if not path.is_file():
            return None
        uri = path.resolve().as_uri() + "?mode=ro"
        connection = sqlite3.connect(uri, uri=True, timeout=0, isolation_level=None)
    except (OSError, ValueError, sqlite3.Error):
        return None
    try:
        connection.execute("BEGIN")  # one snapshot for every read below
        return _read(connection)
    except sqlite3.Error:
        return None
    finally:
        connection.close()


def _read(connection: sqlite3.Connection) -> Peek | None:
    (application_id,) = connection.execute("PRAGMA application_id").fetchone()
    if application_id != APPLICATION_ID:
        return None
    versions = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    if versions != [(HEAD_REVISION,)]:
        return None
    settings = dict(
        connection.execute(
            "SELECT key, value FROM setting WHERE key IN (?, ?, ?, ?)",
            ("role", "own_unit_id", "current_plan", MOVE_MARKER),
        ).fetchall()
    )
    role, unit_id = settings.get("role"), settings.get("own_unit_id")
    if MOVE_MARKER in settings or role not in ROLES or not unit_id:
        return None
    unit = connection.execute("SELECT name FROM unit WHERE id = ?", (unit_id,)).fetchone()
    plans = tuple(
        PeekedPlan(
            id=str(row[0]),
            year=int(row[1]),
            title=str(row[2]),
            issuer=str(row[3]),
            number=str(row[4] or ""),
            theme=str(row[5] or ""),
        )
        for row in connection.execute(
            "SELECT id, year, title, issuer, number, theme FROM plan ORDER BY year DESC, id"
        )
    )
    return Peek(
        role=str(role),
        own_unit_id=str(unit_id),
        own_unit_name=str(unit[0]) if unit is not None else "",
        chosen_plan_id=settings.get("current_plan"),
        plans=plans,
    )
