"""A plan's number and date of issue ("45/KH-LĐLĐ", 07/02/2017), set before it is issued.

Every printed form cites the plan ("Kế hoạch số 45/KH-LĐLĐ ngày 07/02/2017 …"), so the
number and the date must be settable for the built-in plan too, whose content ships
with the application: they may change until the plan is issued, that is until its plan
packages are written or units sent values for it (:func:`app.plans.lock.issued_reason`).
The change is audited; a built-in plan refreshed at start-up keeps the number set here
(:func:`keep_issue_fields`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from app.core import audit, domain
from app.core.context import AppContext
from app.core.errors import N_, InputError, UserError
from app.plans.document import install_plan_document
from app.plans.json_forms import plan_document
from app.plans.lock import issued_reason
from app.plans.reading import get_plan
from db import models

#: A document number as Nghị định 30/2020 writes it: the number, "/", the kind and issuer
#: ("45/KH-LĐLĐ", "12/KH-LĐLĐ-TG").
_NUMBER = re.compile(r"\d{1,6}/[^\s/]{1,40}")
#: The placeholder of a plan whose number is not set yet ("…/KH-LĐLĐ").
PLACEHOLDER = "…"


def check_number(number: str) -> str:
    """``number`` stripped, or :class:`InputError` when it is no document number."""
    value = (number or "").strip()
    if not _NUMBER.fullmatch(value):
        raise InputError(
            N_(
                "{number} is not a document number: write it as the number, a slash and the "
                "kind of document with its issuer, for example 45/KH-LĐLĐ."
            ),
            params={"number": value},
        )
    return value


def check_issue_date(plan: domain.Plan, issued_on: dt.date) -> dt.date:
    """The date of issue, in the plan's year or the year before it."""
    if not plan.year - 1 <= issued_on.year <= plan.year:
        raise InputError(
            N_("A plan for {year} is issued in {year} or the year before, not on {date}."),
            params={"year": plan.year, "date": issued_on.strftime("%d/%m/%Y")},
        )
    return issued_on


def set_plan_number(
    ctx: AppContext, *, plan_id: str, number: str, issued_on: dt.date
) -> domain.Plan:
    """Set the number and date of issue of a plan not issued yet; returns the plan."""
    with ctx.unit_of_work() as session:
        plan = get_plan(session, plan_id)
        value = check_number(number)
        check_issue_date(plan, issued_on)
        reason = issued_reason(session, plan)
        if reason is not None:
            raise reason
        document = plan_document(plan)
        document.update(number=value, issued_on=issued_on.isoformat())
        install_plan_document(session, document, builtin=plan.builtin)
        audit.record(
            session,
            action="plan.number",
            subject=plan_id,
            detail={
                "number": value,
                "issued_on": issued_on.isoformat(),
                "previous_number": plan.number,
                "previous_issued_on": plan.issued_on.isoformat() if plan.issued_on else None,
            },
        )
        return get_plan(session, plan_id)


def plan_issue_lock(ctx: AppContext, *, plan_id: str) -> UserError | None:
    """Why the plan's number and date can no longer be set (it is issued), or None."""
    with ctx.reading() as session:
        return issued_reason(session, get_plan(session, plan_id))


def keep_issue_fields(session: Session, document: Mapping[str, Any]) -> dict[str, Any]:
    """A built-in plan's shipped ``document`` with the number and date staff set, if any."""
    kept = dict(document)
    existing = session.get(models.Plan, kept.get("id"))
    if existing is not None and existing.number and not existing.number.startswith(PLACEHOLDER):
        kept["number"] = existing.number
        kept["issued_on"] = existing.issued_on.isoformat() if existing.issued_on else None
    return kept


__all__ = [
    "check_issue_date",
    "check_number",
    "keep_issue_fields",
    "plan_issue_lock",
    "set_plan_number",
]
