"""Editing a plan's indicators: add, change or remove one, with its targets.

What is typed is checked by :mod:`app.plans.indicator_input`; a refused edit
changes nothing. The edited plan is written back through
:func:`app.plans.document.install_plan_document`, so the plan format's own
checks apply too. Only a plan that is not locked (:mod:`app.plans.lock`) is
edited.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from app.core import audit, domain
from app.core.context import AppContext
from app.core.errors import N_, InputError, NotFoundError, UserError
from app.plans.document import install_plan_document
from app.plans.indicator_input import IndicatorInput, indicator_document, roster_refs
from app.plans.json_forms import plan_document
from app.plans.lock import check_editable
from app.plans.reading import get_plan
from app.plans.rules_parse import parse_rules
from db import models


def _prune_groups(document: dict[str, Any]) -> None:
    """Drop plan items left with no indicator and no sub-item."""
    while True:
        used = {i["group"] for i in document["indicators"]}
        parents = {g["parent"] for g in document["groups"] if g.get("parent")}
        kept = [g for g in document["groups"] if g["code"] in used or g["code"] in parents]
        if len(kept) == len(document["groups"]):
            return
        document["groups"] = kept


def _write(session: Session, plan: domain.Plan, document: dict[str, Any]) -> domain.Plan:
    _prune_groups(document)
    if not document["indicators"]:
        raise InputError(N_("A plan needs at least one indicator."))
    install_plan_document(session, document)
    return get_plan(session, plan.id)


# --- the use cases ------------------------------------------------------------------------


def save_indicator(
    ctx: AppContext, *, plan_id: str, indicator: IndicatorInput, replaces: str | None = None
) -> domain.Plan:
    """Add ``indicator`` to the plan, or put it in place of the one coded ``replaces``.

    Returns the plan as it now is. Raises :class:`InputError` when the plan
    is locked (:func:`lock_reason`) or anything typed is wrong; then nothing
    changes. Audited.
    """
    with ctx.unit_of_work() as session:
        plan = get_plan(session, plan_id)
        check_editable(session, plan)
        item = indicator_document(plan, indicator, roster_refs(session, year=plan.year))
        document = plan_document(plan)
        codes = [i["code"] for i in document["indicators"]]
        if replaces is not None and replaces not in codes:
            raise NotFoundError(N_("The plan has no indicator {code}."), params={"code": replaces})
        if item["code"] in codes and item["code"] != replaces:
            raise InputError(
                N_("Another indicator already has the code {code}."),
                params={"code": item["code"]},
            )
        groups = {g["code"] for g in document["groups"]}
        if indicator.group_code and indicator.group_code not in groups:
            raise InputError(
                N_("The plan has no item {code} to put the indicator under."),
                params={"code": indicator.group_code},
            )
        if item["group"] not in groups:
            document["groups"].append(
                {"code": item["group"], "parent": None, "text": item["title"]}
            )
        if replaces is None:
            document["indicators"].append(item)
        else:
            document["indicators"][codes.index(replaces)] = item
        updated = _write(session, plan, document)
        if replaces is not None:
            _check_saved_rules(session, plan, updated, replaces)
        audit.record(
            session,
            action="plan.indicator.add" if replaces is None else "plan.indicator.edit",
            subject=plan_id,
            detail={"code": item["code"], "targets": len(item["targets"])}
            | ({"was": replaces} if replaces not in (None, item["code"]) else {}),
        )
        return updated


def remove_indicator(ctx: AppContext, *, plan_id: str, code: str) -> domain.Plan:
    """Take indicator ``code`` and its targets out of the plan (audited)."""
    with ctx.unit_of_work() as session:
        plan = get_plan(session, plan_id)
        check_editable(session, plan)
        document = plan_document(plan)
        kept = [i for i in document["indicators"] if i["code"] != code]
        if len(kept) == len(document["indicators"]):
            raise NotFoundError(N_("The plan has no indicator {code}."), params={"code": code})
        document["indicators"] = kept
        updated = _write(session, plan, document)
        _check_saved_rules(session, plan, updated, code)
        audit.record(
            session, action="plan.indicator.remove", subject=plan_id, detail={"code": code}
        )
        return updated


def _check_saved_rules(
    session: Session, before: domain.Plan, after: domain.Plan, code: str
) -> None:
    """Refuse an edit that would leave the plan's saved scoring rules unreadable.

    Rules saved for the plan name indicators by code; taking indicator ``code``
    away (or changing its code or kind) under them would break scoring for the
    whole plan. Rules that did not fit the plan before the edit are not this
    edit's doing, and must not block repairing the plan. The caller's
    transaction is rolled back by the error.
    """
    row = session.get(models.ScoringRules, after.id)
    if row is None:
        return
    try:
        document = json.loads(row.document_json)
        parse_rules(document, before)
    except (UserError, ValueError):
        return
    try:
        parse_rules(document, after)
    except (UserError, ValueError) as error:
        raise InputError(
            N_(
                "The scoring rules saved for this plan use indicator {code}: change those "
                "rules first, then the indicator. Nothing was changed."
            ),
            params={"code": code},
            detail=str(error),
        ) from error


__all__ = ["remove_indicator", "save_indicator"]
