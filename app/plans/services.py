"""The plans as the screens ask for them, each read in its own transaction."""

from __future__ import annotations

from app.core import domain
from app.core.context import AppContext
from app.core.errors import UserError
from app.plans.indicator_input import RosterRef, roster_refs
from app.plans.lock import lock_reason
from app.plans.reading import get_plan, list_plans


def available_plans(ctx: AppContext) -> list[domain.PlanSummary]:
    with ctx.reading() as session:
        return list_plans(session)


def read_plan(ctx: AppContext, *, plan_id: str) -> domain.Plan:
    with ctx.reading() as session:
        return get_plan(session, plan_id)


def read_plan_editing(
    ctx: AppContext, *, plan: domain.Plan
) -> tuple[UserError | None, dict[str, RosterRef]]:
    """What the plan editor needs, in one read: why ``plan`` can no longer change
    (None when it can, :func:`lock_reason`) and the units of its year's roster by
    code, for the targets to name (:func:`roster_refs`)."""
    with ctx.reading() as session:
        return lock_reason(session, plan), roster_refs(session, year=plan.year)
