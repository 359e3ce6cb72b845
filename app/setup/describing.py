"""What a database holds, said before it is replaced: where it is, whose it is (a
unit's or the federation's), and how many units, statements and packages it keeps.

Read only: a database that is missing or empty is described as such, one of an
older version is named without counts (opening it would upgrade it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from app.core.context import database_url, open_context
from app.core.i18n import gettext as _
from app.core.installation import get_installation
from app.core.location import shown_location
from app.setup.moving import sqlite_file
from db import models
from db.engine import SchemaError, probe_database


@dataclass(frozen=True)
class DatabaseSummary:
    """A database as a person recognises it (``state``: missing, empty, older, current)."""

    location: str  # shown: never the password
    state: str
    name: str = ""
    role: str = ""  # "federation", "unit" or "" (not set up)
    units: int = 0
    statements: int = 0
    packages: int = 0

    @property
    def holds_data(self) -> bool:
        return self.state in ("current", "older")

    def replaced_text(self) -> str:
        """What a restore over this database replaces, in one translated sentence."""
        if not self.holds_data:
            return _("It replaces nothing: there is no data at {location}.").format(
                location=self.location
            )
        if self.state != "current":
            return _("It replaces the database at {location} (of an older version).").format(
                location=self.location
            )
        return _(
            "It replaces the database of {name} at {location}: {units} units, "
            "{statements} statements, {packages} packages."
        ).format(
            name=self.name or "?",
            location=self.location,
            units=self.units,
            statements=self.statements,
            packages=self.packages,
        )


def describe_database(location: str | Path) -> DatabaseSummary:
    """What the database at ``location`` holds (nothing is created or changed)."""
    url = database_url(location)
    shown = shown_location(str(location))
    path = sqlite_file(url)
    if path is not None and not path.is_file():
        return DatabaseSummary(shown, "missing")
    try:
        state, _version = probe_database(url)
    except SchemaError:
        return DatabaseSummary(shown, "unreadable")
    if state != "current":
        return DatabaseSummary(shown, state)
    ctx = open_context(url)
    try:
        with ctx.reading() as session:
            installation = get_installation(session)

            def count(model: type[models.Base]) -> int:
                return int(session.scalar(select(func.count()).select_from(model)) or 0)

            return DatabaseSummary(
                shown,
                state,
                name=installation.own_unit_name if installation else "",
                role=installation.role.value if installation else "",
                units=count(models.Unit),
                statements=count(models.Statement),
                packages=count(models.Package),
            )
    finally:
        ctx.close()


__all__ = ["DatabaseSummary", "describe_database"]
