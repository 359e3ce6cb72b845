"""The plans as the screens ask for them, each read in its own transaction."""

from __future__ import annotations

from app.core import domain
from app.core.context import AppContext
from app.plans.reading import get_plan, list_plans


def available_plans(ctx: AppContext) -> list[domain.PlanSummary]:
    with ctx.reading() as session:
        return list_plans(session)


def read_plan(ctx: AppContext, *, plan_id: str) -> domain.Plan:
    with ctx.reading() as session:
        return get_plan(session, plan_id)
