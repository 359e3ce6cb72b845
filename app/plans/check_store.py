"""A plan's thresholds for suspicious values in the database: read, saved (audited), reset.

The thresholds themselves and their JSON are :mod:`app.plans.checks`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.core import audit
from app.core.audit import utc_now_text
from app.core.context import AppContext
from app.core.errors import N_, InputError, UserError
from app.core.files import read_limited
from app.core.strictjson import loads_strict
from app.plans.checks import DEFAULT_CHECKS, ValueChecks, checks_to_json, parse_checks
from app.plans.reading import get_plan
from db import models

#: The largest thresholds file read.
MAX_CHECKS_BYTES = 64 * 1024


def get_checks(session: Session, plan_id: str) -> ValueChecks:
    """The plan's thresholds; the defaults when never tuned."""
    row = session.get(models.ValueCheckSettings, plan_id)
    if row is None:
        return DEFAULT_CHECKS
    return parse_checks(json.loads(row.settings_json))


def store_checks(session: Session, plan_id: str, checks: ValueChecks) -> None:
    """Keep ``checks`` for the plan and audit it, inside the caller's transaction."""
    document = checks_to_json(checks)
    row = session.get(models.ValueCheckSettings, plan_id)
    if row is None:
        row = models.ValueCheckSettings(plan_id=plan_id)
        session.add(row)
    row.settings_json = json.dumps(document, ensure_ascii=False, sort_keys=True)
    row.updated_at = utc_now_text()
    row.updated_by = audit.current_actor()
    audit.record(session, action="value_checks.save", subject=plan_id, detail=document)


def read_checks_file(path: Path) -> dict[str, Any]:
    """Thresholds from a JSON file (``plan checks --set``), not yet checked."""
    data = read_limited(path, MAX_CHECKS_BYTES)
    try:
        document = loads_strict(data, max_bytes=MAX_CHECKS_BYTES, max_depth=8)
    except (UserError, ValueError) as exc:
        raise InputError(
            N_("The checks for suspicious values are invalid: {field}."),
            params={"field": path.name},
            detail=str(exc),
        ) from exc
    if not isinstance(document, dict):
        raise InputError(
            N_("The checks for suspicious values are invalid: {field}."),
            params={"field": path.name},
        )
    return document


def read_value_checks(ctx: AppContext, *, plan_id: str) -> ValueChecks:
    """The thresholds of a plan (NotFoundError for an unknown plan)."""
    with ctx.reading() as session:
        get_plan(session, plan_id)
        return get_checks(session, plan_id)


def save_value_checks(ctx: AppContext, *, plan_id: str, data: Mapping[str, Any]) -> ValueChecks:
    """Check ``data`` (the JSON of :mod:`app.plans.checks`) and keep it for the plan;
    a bad value changes nothing."""
    checks = parse_checks(data)
    with ctx.unit_of_work() as session:
        get_plan(session, plan_id)
        store_checks(session, plan_id, checks)
    return checks


def reset_value_checks(ctx: AppContext, *, plan_id: str) -> ValueChecks:
    """Back to the default thresholds (audited)."""
    with ctx.unit_of_work() as session:
        get_plan(session, plan_id)
        session.execute(
            delete(models.ValueCheckSettings).where(models.ValueCheckSettings.plan_id == plan_id)
        )
        audit.record(session, action="value_checks.reset", subject=plan_id)
    return DEFAULT_CHECKS


__all__ = [
    "get_checks",
    "read_checks_file",
    "read_value_checks",
    "reset_value_checks",
    "save_value_checks",
    "store_checks",
]
