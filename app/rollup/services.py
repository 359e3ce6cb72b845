"""The roll-up as the screens ask for it: each read (and each workbook written
from one) in its own transaction.

The screens call these from their worker threads; the functions they wrap
take a session (:mod:`app.rollup.dashboard`, :mod:`app.rollup.workbook`).
"""

from __future__ import annotations

from pathlib import Path

from app.core import domain
from app.core.context import AppContext
from app.core.workbooks import WorkbookExport
from app.rollup.cache import refresh_if_possible
from app.rollup.dashboard import (
    ClusterFigure,
    Dashboard,
    ScopeChoice,
    UnitFigure,
    cluster_standing,
    dashboard,
    scope_choices,
    scope_unit_codes,
    units_behind,
)
from app.rollup.query import Scope
from app.rollup.workbook import export_province_workbook


def read_scope_choices(ctx: AppContext, *, year: int) -> list[ScopeChoice]:
    """The scopes of the ``year`` roster (see :func:`app.rollup.dashboard.scope_choices`)."""
    with ctx.reading() as session:
        return scope_choices(session, year=year)


def read_scope_unit_codes(ctx: AppContext, *, year: int, scope: Scope) -> list[str]:
    """Codes of the reporting units in ``scope`` of the ``year`` roster."""
    with ctx.reading() as session:
        return scope_unit_codes(session, year=year, scope=scope)


def fresh_dashboard(ctx: AppContext, *, plan_id: str, scope: Scope) -> Dashboard:
    """The dashboard of ``plan_id`` over ``scope``, its roll-up cells refreshed first
    when the database can be written now (:func:`refresh_if_possible`)."""
    refresh_if_possible(ctx)
    with ctx.reading() as session:
        return dashboard(session, plan_id=plan_id, scope=scope)


def read_units_behind(
    ctx: AppContext,
    *,
    plan_id: str,
    indicator_code: str,
    target: domain.Target | None,
    stream: str,
    scope: Scope,
) -> list[UnitFigure]:
    """The units one figure counts, with their own values (:func:`units_behind`)."""
    with ctx.reading() as session:
        return units_behind(
            session,
            plan_id=plan_id,
            indicator_code=indicator_code,
            target=target,
            stream=stream,
            scope=scope,
        )


def read_cluster_standing(ctx: AppContext, *, plan_id: str, stream: str) -> list[ClusterFigure]:
    """Each cluster's standing in ``stream`` (:func:`cluster_standing`)."""
    with ctx.reading() as session:
        return cluster_standing(session, plan_id=plan_id, stream=stream)


def save_province_workbook(
    ctx: AppContext, *, plan_id: str, path: Path, scope: Scope
) -> WorkbookExport:
    """Write the province workbook of ``plan_id`` over ``scope`` to ``path``."""
    with ctx.reading() as session:
        return export_province_workbook(session, plan_id=plan_id, path=path, scope=scope)


__all__ = [
    "fresh_dashboard",
    "read_cluster_standing",
    "read_scope_choices",
    "read_scope_unit_codes",
    "read_units_behind",
    "save_province_workbook",
]
