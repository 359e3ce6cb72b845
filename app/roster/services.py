"""The roster as the screens read and change it: each read in its own transaction,
each change in its own audited one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import app.roster.unit_edit as unit_edit
from app.core import domain
from app.core.context import AppContext
from app.core.workbooks import WorkbookExport
from app.roster.rows import RosterImportResult
from app.roster.tree import default_year, list_roster, unit_labels
from app.roster.workbook_export import export_roster_workbook
from app.roster.workbook_import import import_roster


def read_roster(ctx: AppContext, *, year: int) -> list[domain.RosterUnit]:
    """The ``year`` roster, every unit of its tree (:func:`list_roster`)."""
    with ctx.reading() as session:
        return list_roster(session, year=year)


def read_unit_labels(ctx: AppContext, *, year: int) -> list[tuple[str, str]]:
    """(code, name) of the ``year`` roster's reporting units (:func:`unit_labels`)."""
    with ctx.reading() as session:
        return unit_labels(session, year=year)


def save_roster_workbook(ctx: AppContext, *, year: int, path: Path) -> WorkbookExport:
    """Write the ``year`` roster to ``path`` in the roster template's columns."""
    with ctx.reading() as session:
        return export_roster_workbook(session, year=year, path=path)


def import_roster_workbook(
    ctx: AppContext, *, path: Path, year: int | None = None
) -> RosterImportResult:
    with ctx.unit_of_work() as session:
        return import_roster(session, path=path, year=year or default_year(session))


def save_roster_unit(
    ctx: AppContext, *, year: int, values: dict[str, Any], creating: bool
) -> RosterImportResult:
    """Add or change one unit of the ``year`` roster (the workbook's checks, audited)."""
    with ctx.unit_of_work() as session:
        return unit_edit.save_roster_unit(session, year=year, values=values, creating=creating)


def retire_roster_unit(ctx: AppContext, *, year: int, code: str) -> None:
    """Take a unit out of the ``year`` roster (audited; its archive stays)."""
    with ctx.unit_of_work() as session:
        unit_edit.retire_roster_unit(session, year=year, code=code)


def choose_cluster_leader(
    ctx: AppContext, *, year: int, cluster: str, unit_code: str | None
) -> str | None:
    """Set (or with None clear) a cluster's leader; returns the previous leader's code."""
    with ctx.unit_of_work() as session:
        return unit_edit.set_cluster_leader(
            session, year=year, cluster=cluster, unit_code=unit_code
        )
