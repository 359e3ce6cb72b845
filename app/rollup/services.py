"""The roll-up as the screens ask for it: each read (and each workbook written
from one) in its own transaction.

The screens call these from their worker threads; the functions they wrap
take a session (:mod:`app.rollup.dashboard`, :mod:`app.rollup.workbook`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from app.core import domain
from app.core.context import AppContext
from app.core.workbooks import WorkbookExport
from app.plans import get_plan
from app.rollup.cache import refresh_if_possible
from app.rollup.dashboard import (
    ClusterFigure,
    Dashboard,
    MissingUnit,
    ScopeChoice,
    UnitFigure,
    cluster_standing,
    dashboard,
    not_sent,
    scope_choices,
    scope_unit_codes,
    units_behind,
)
from app.rollup.deadlines import (
    Extension,
    StreamDeadline,
    clear_deadline,
    grant_extension,
    plan_deadlines,
    set_deadline,
    withdraw_extension,
)
from app.rollup.query import Scope
from app.rollup.reminders import ReminderRequest, Reminders, reminders
from app.rollup.timeliness import Timeliness, timeliness
from app.rollup.workbook import export_province_workbook


def read_scope_choices(ctx: AppContext, *, year: int) -> list[ScopeChoice]:
    """The scopes of the ``year`` roster (see :func:`app.rollup.dashboard.scope_choices`)."""
    with ctx.reading() as session:
        return scope_choices(session, year=year)


def read_scope_unit_codes(ctx: AppContext, *, year: int, scope: Scope) -> list[str]:
    """Codes of the reporting units in ``scope`` of the ``year`` roster."""
    with ctx.reading() as session:
        return scope_unit_codes(session, year=year, scope=scope)


def fresh_dashboard(
    ctx: AppContext, *, plan_id: str, scope: Scope, as_of: dt.date | None = None
) -> Dashboard:
    """The dashboard of ``plan_id`` over ``scope`` (on-time rates to the end of
    ``as_of``, default today), its roll-up cells refreshed first when the database
    can be written now (:func:`refresh_if_possible`)."""
    refresh_if_possible(ctx)
    with ctx.reading() as session:
        return dashboard(session, plan_id=plan_id, scope=scope, as_of=as_of)


def read_not_sent(
    ctx: AppContext, *, plan_id: str, scope: Scope, stream: str | None = None
) -> list[MissingUnit]:
    """Every unit in ``scope`` that has not sent ``stream`` (every stream when None):
    the whole list the dashboard names the first of (:func:`not_sent`)."""
    with ctx.reading() as session:
        return not_sent(session, plan_id=plan_id, scope=scope, stream=stream)


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
    ctx: AppContext,
    *,
    plan_id: str,
    path: Path,
    scope: Scope,
    progress: Callable[[int, int], None] | None = None,
    stop: Callable[[], bool] | None = None,
) -> WorkbookExport:
    """Write the province workbook of ``plan_id`` over ``scope`` to ``path``
    (:func:`export_province_workbook`: a scope of more than
    :data:`~app.rollup.workbook.MAX_WORKBOOK_UNITS` units is refused first; ``stop``
    stops it before anything is saved)."""
    with ctx.reading() as session:
        return export_province_workbook(
            session, plan_id=plan_id, path=path, scope=scope, progress=progress, stop=stop
        )


# --- deadlines and timeliness ----------------------------------------------------------


def read_deadlines(ctx: AppContext, *, plan_id: str) -> list[StreamDeadline]:
    """Each stream of ``plan_id`` with its deadline and extensions."""
    with ctx.reading() as session:
        return plan_deadlines(session, get_plan(session, plan_id))


def save_deadline(ctx: AppContext, *, plan_id: str, stream: str, due_on: dt.date | str) -> dt.date:
    """Set the last day of ``stream`` (:func:`app.rollup.deadlines.set_deadline`)."""
    with ctx.unit_of_work() as session:
        return set_deadline(session, plan_id=plan_id, stream=stream, due_on=due_on)


def remove_deadline(ctx: AppContext, *, plan_id: str, stream: str) -> None:
    """Clear the deadline of ``stream`` (:func:`app.rollup.deadlines.clear_deadline`)."""
    with ctx.unit_of_work() as session:
        clear_deadline(session, plan_id=plan_id, stream=stream)


def save_extension(
    ctx: AppContext, *, plan_id: str, stream: str, unit: str, due_on: dt.date | str, reason: str
) -> Extension:
    """Grant ``unit`` an extension (:func:`app.rollup.deadlines.grant_extension`)."""
    with ctx.unit_of_work() as session:
        return grant_extension(
            session, plan_id=plan_id, stream=stream, unit=unit, due_on=due_on, reason=reason
        )


def remove_extension(ctx: AppContext, *, plan_id: str, stream: str, unit: str) -> None:
    """Withdraw ``unit``'s extension (:func:`app.rollup.deadlines.withdraw_extension`)."""
    with ctx.unit_of_work() as session:
        withdraw_extension(session, plan_id=plan_id, stream=stream, unit=unit)


def read_timeliness(
    ctx: AppContext,
    *,
    plan_id: str,
    scope: Scope | None = None,
    stream: str | None = None,
    as_of: dt.date | None = None,
) -> Timeliness:
    """Reporting and on-time rates and the late units (:func:`app.rollup.timeliness.timeliness`)."""
    with ctx.reading() as session:
        return timeliness(session, plan_id=plan_id, scope=scope, stream=stream, as_of=as_of)


def read_reminders(ctx: AppContext, request: ReminderRequest) -> Reminders:
    """The units to remind and whom to write to (:func:`app.rollup.reminders.reminders`)."""
    with ctx.reading() as session:
        return reminders(session, request)


__all__ = [
    "fresh_dashboard",
    "read_cluster_standing",
    "read_deadlines",
    "read_not_sent",
    "read_reminders",
    "read_scope_choices",
    "read_scope_unit_codes",
    "read_timeliness",
    "read_units_behind",
    "remove_deadline",
    "remove_extension",
    "save_deadline",
    "save_extension",
    "save_province_workbook",
]
