"""Whether a plan's content may still change.

A plan is *locked* once units can hold it: a built-in plan, a plan whose
plan packages were written (units register against that exact content;
changing it would make every package they send "made for another version
of the plan"), and a plan units already sent values for. A locked plan is
copied (``app.plans.copy.clone_plan``) to make a changed one.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import domain
from app.core.context import AppContext
from app.core.errors import N_, InputError, UserError
from app.plans.reading import get_plan
from db import models


def published(session: Session, plan_id: str) -> bool:
    """Whether plan packages of ``plan_id`` were ever written (the export is audited)."""
    return (
        session.scalar(
            select(models.AuditEntry.id)
            .where(models.AuditEntry.action == "plan.export", models.AuditEntry.subject == plan_id)
            .limit(1)
        )
        is not None
    )


def lock_reason(session: Session, plan: domain.Plan) -> UserError | None:
    """Why the plan's content can no longer change, or None when it can."""
    if plan.builtin:
        return InputError(N_("A built-in plan cannot be changed; clone it first."))
    return issued_reason(session, plan)


def issued_reason(session: Session, plan: domain.Plan) -> UserError | None:
    """Why the plan counts as issued (units hold it or sent values for it), or None.

    Until then even a built-in plan's number and date of issue may be set
    (:mod:`app.plans.numbering`); its content stays as shipped.
    """
    in_use = session.scalar(
        select(models.Statement.id).where(models.Statement.plan_id == plan.id).limit(1)
    )
    if in_use is not None:
        return InputError(
            N_(
                "Units already registered or reported against plan {plan_id}: it can no "
                "longer change. Copy it to make a new plan."
            ),
            params={"plan_id": plan.id},
        )
    if published(session, plan.id):
        return InputError(
            N_(
                "Plan packages of {plan_id} were already written for the units, who register "
                "against exactly this plan: it can no longer change. Copy it to make a new plan."
            ),
            params={"plan_id": plan.id},
        )
    return None


def plan_lock(ctx: AppContext, *, plan_id: str) -> UserError | None:
    """:func:`lock_reason` in its own read."""
    with ctx.reading() as session:
        return lock_reason(session, get_plan(session, plan_id))


def check_editable(session: Session, plan: domain.Plan) -> None:
    reason = lock_reason(session, plan)
    if reason is not None:
        raise reason


__all__ = ["check_editable", "issued_reason", "lock_reason", "plan_lock", "published"]
