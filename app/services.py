"""Use cases, one function each, each owning its transaction.

The GUI calls only these (from a worker thread) and gets frozen domain
values back; the CLI may call them or the session-level functions beneath.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app import domain
from app.context import AppContext
from app.installation import get_installation, initialize
from app.plans import get_plan, list_plans
from app.rollup import Scope, TargetRollup, rollup
from app.roster import RosterImportResult, default_year, import_roster, set_cluster_leader
from db.enums import Role, Sector, UnitKind


def installation(ctx: AppContext) -> domain.Installation | None:
    with ctx.reading() as session:
        return get_installation(session)


def set_up_installation(
    ctx: AppContext,
    *,
    role: Role,
    name: str,
    code: str | None = None,
    kind: UnitKind | None = None,
    sector: Sector | None = None,
    language: str = "vi",
) -> domain.Installation:
    """First run: the installation, its built-in plans and its signing key."""
    from app.packages.keys import ensure_own_key

    with ctx.unit_of_work() as session:
        installation = initialize(
            session, role=role, name=name, code=code, kind=kind, sector=sector, language=language
        )
        ensure_own_key(session)
        return installation


def plans(ctx: AppContext) -> list[domain.PlanSummary]:
    with ctx.reading() as session:
        return list_plans(session)


def plan(ctx: AppContext, *, plan_id: str) -> domain.Plan:
    with ctx.reading() as session:
        return get_plan(session, plan_id)


def import_roster_workbook(
    ctx: AppContext, *, path: Path, year: int | None = None
) -> RosterImportResult:
    with ctx.unit_of_work() as session:
        return import_roster(session, path=path, year=year or default_year(session))


def save_roster_unit(
    ctx: AppContext, *, year: int, values: dict[str, Any], creating: bool
) -> RosterImportResult:
    """Add or change one unit of the ``year`` roster (the workbook's checks, audited)."""
    from app.roster import save_roster_unit as save

    with ctx.unit_of_work() as session:
        return save(session, year=year, values=values, creating=creating)


def retire_roster_unit(ctx: AppContext, *, year: int, code: str) -> None:
    """Take a unit out of the ``year`` roster (audited; its archive stays)."""
    from app.roster import retire_roster_unit as retire

    with ctx.unit_of_work() as session:
        retire(session, year=year, code=code)


def choose_cluster_leader(
    ctx: AppContext, *, year: int, cluster: str, unit_code: str | None
) -> str | None:
    """Set (or with None clear) a cluster's leader; returns the previous leader's code."""
    with ctx.unit_of_work() as session:
        return set_cluster_leader(session, year=year, cluster=cluster, unit_code=unit_code)


def plan_rollup(ctx: AppContext, *, plan_id: str, scope: Scope | None = None) -> list[TargetRollup]:
    with ctx.reading() as session:
        return rollup(session, plan_id=plan_id, scope=scope)
