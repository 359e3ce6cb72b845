"""Starting next year's plan from this year's: clone, then edit the header.

A clone keeps the movements, indicators, targets and periods, moves every
date by the difference in years, writes the new year where the old one
appears in the title and the period and movement texts, and clears the
number and date of issue (the new plan gets its own). The header of a plan
no unit holds yet (no plan package written, nothing registered) can then be
edited.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from app.core import audit
from app.core.context import AppContext
from app.core.errors import N_, InputError
from app.plans.document import install_plan_document
from app.plans.json_forms import plan_document
from app.plans.lock import check_editable
from app.plans.reading import get_plan
from db import models


def _shift(day: str | None, years: int) -> str | None:
    if not day:
        return day
    value = dt.date.fromisoformat(day)
    try:
        return value.replace(year=value.year + years).isoformat()
    except ValueError:  # 29 February into a common year
        return value.replace(year=value.year + years, day=28).isoformat()


def suggested_plan_id(plan_id: str, old_year: int, year: int) -> str:
    """``tuyen-quang-2017`` → ``tuyen-quang-2018``; otherwise the year is appended."""
    if plan_id.endswith(str(old_year)):
        return plan_id[: -len(str(old_year))] + str(year)
    return f"{plan_id}-{year}"


def _year_text(text: str, old_year: int, year: int) -> str:
    return re.sub(rf"(?<!\d){old_year}(?!\d)", str(year), text)


def clone_plan(ctx: AppContext, *, plan_id: str, year: int, new_id: str | None = None) -> str:
    """Copy ``plan_id`` as the plan of ``year``; returns the new plan's id."""
    if not 2000 <= year <= 2200:
        raise InputError(N_("The plan document is invalid: {field}."), params={"field": "year"})
    with ctx.unit_of_work() as session:
        plan = get_plan(session, plan_id)
        target_id = (new_id or suggested_plan_id(plan.id, plan.year, year)).strip()
        if session.get(models.Plan, target_id) is not None:
            raise InputError(N_("A plan {plan_id} already exists."), params={"plan_id": target_id})
        years = year - plan.year
        document: dict[str, Any] = plan_document(plan)
        document.update(
            id=target_id,
            year=year,
            number="",
            issued_on=None,
            title=_year_text(plan.title, plan.year, year),
            theme=plan.theme,
        )
        for period in document["periods"]:
            period["name"] = _year_text(period["name"], plan.year, year)
            for key in ("starts_on", "ends_on", "due_on"):
                period[key] = _shift(period.get(key), years)
        for movement in document["movements"]:
            movement["goal"] = _year_text(movement["goal"], plan.year, year)
            for key in ("launched_on", "review_on"):
                movement[key] = _shift(movement.get(key), years)
        for indicator in document["indicators"]:
            # Targets given to one unit belong to that year's agreement with it.
            indicator["targets"] = [t for t in indicator["targets"] if "unit_id" not in t]
        install_plan_document(session, document)
        audit.record(
            session, action="plan.clone", subject=target_id, detail={"from": plan.id, "year": year}
        )
    return target_id


def edit_plan_header(
    ctx: AppContext,
    *,
    plan_id: str,
    number: str,
    issued_on: dt.date | None,
    title: str,
    theme: str,
) -> str:
    """Change the number, date, title and theme of a plan units do not hold yet.

    Returns the plan id. Raises :class:`InputError` for a built-in plan, once
    its plan packages were written and when units already sent values for
    the plan (their packages refer to the plan's content):
    :func:`app.plans.lock.lock_reason`.
    """
    if not title.strip():
        raise InputError(N_("The plan document is invalid: {field}."), params={"field": "title"})
    with ctx.unit_of_work() as session:
        plan = get_plan(session, plan_id)
        document = plan_document(plan)
        document.update(
            number=number.strip(),
            issued_on=issued_on.isoformat() if issued_on else None,
            title=title.strip(),
            theme=theme.strip(),
        )
        check_editable(session, plan)
        install_plan_document(session, document)
        audit.record(session, action="plan.edit", subject=plan_id, detail={"number": number})
    return plan_id


__all__ = ["clone_plan", "edit_plan_header", "suggested_plan_id"]
