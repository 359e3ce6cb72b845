"""A plan's scoring rules in the database and in files: read, saved (audited), reset.

What the rules say and how a document is checked is :mod:`app.plans.rules`;
a plan that never had rules saved is scored under its default ones
(:func:`app.plans.rules_default.default_rules_document`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.core import audit, domain
from app.core.audit import utc_now_text
from app.core.context import AppContext
from app.core.errors import N_, InputError, UserError
from app.core.files import read_limited, write_output
from app.core.strictjson import loads_strict
from app.plans import Rules, default_rules_document, get_plan, parse_rules
from db import models

MAX_RULES_BYTES = 1024 * 1024


@dataclass(frozen=True)
class RulesInfo:
    """The rules in force for a plan and where they come from."""

    rules: Rules
    stored: bool  # False: the plan's default, never saved
    revision: int
    updated_at: str
    updated_by: str

    @property
    def content_hash(self) -> str:
        return self.rules.content_hash


def get_rules(session: Session, plan: domain.Plan) -> RulesInfo:
    """The plan's saved rules, else its default (example) rules."""
    row = session.get(models.ScoringRules, plan.id)
    if row is None:
        return RulesInfo(parse_rules(default_rules_document(plan), plan), False, 0, "", "")
    try:
        rules = parse_rules(json.loads(row.document_json), plan)
    except (UserError, ValueError) as exc:
        raise UserError(
            N_("The saved scoring rules no longer fit plan {plan_id}; save or reset them."),
            params={"plan_id": plan.id},
            detail=str(exc),
        ) from exc
    return RulesInfo(rules, True, row.revision, row.updated_at, row.updated_by)


def save_rules_document(session: Session, plan: domain.Plan, document: Mapping[str, Any]) -> Rules:
    """Validate and store ``document`` as the plan's rules (audited); returns them."""
    rules = parse_rules(document, plan)
    stored = rules.to_document()
    row = session.get(models.ScoringRules, plan.id)
    previous = row.content_hash if row is not None else ""
    if row is None:
        row = models.ScoringRules(plan_id=plan.id, revision=0)
        session.add(row)
    row.document_json = json.dumps(stored, ensure_ascii=False)
    row.content_hash = rules.content_hash
    row.revision = (row.revision or 0) + 1
    row.updated_at = utc_now_text()
    row.updated_by = audit.current_actor(session)
    audit.record(
        session,
        action="scoring.rules.save",
        subject=plan.id,
        detail={
            "revision": row.revision,
            "hash": rules.content_hash,
            "previous_hash": previous,
            "example": rules.example,
        },
    )
    session.flush()
    return rules


def save_rules(ctx: AppContext, *, plan_id: str, document: Mapping[str, Any]) -> RulesInfo:
    with ctx.unit_of_work() as session:
        plan = get_plan(session, plan_id)
        save_rules_document(session, plan, document)
        return get_rules(session, plan)


def reset_rules(ctx: AppContext, *, plan_id: str) -> RulesInfo:
    """Drop the saved rules: the plan's default (example) rules apply again."""
    with ctx.unit_of_work() as session:
        plan = get_plan(session, plan_id)
        session.execute(delete(models.ScoringRules).where(models.ScoringRules.plan_id == plan_id))
        audit.record(session, action="scoring.rules.reset", subject=plan_id)
        session.flush()
        return get_rules(session, plan)


def load_rules(ctx: AppContext, *, plan_id: str) -> RulesInfo:
    with ctx.reading() as session:
        return get_rules(session, get_plan(session, plan_id))


def read_rules_file(path: Path) -> dict[str, Any]:
    """A rules document from a JSON file (exported here or edited by hand)."""

    data = read_limited(path, MAX_RULES_BYTES)
    try:
        document = loads_strict(data, max_bytes=MAX_RULES_BYTES, max_depth=16, allow_floats=True)
    except (UserError, ValueError) as exc:
        raise InputError(
            N_("This is not a scoring rules document this version understands."),
            detail=str(exc),
        ) from exc
    if not isinstance(document, dict):
        raise InputError(N_("This is not a scoring rules document this version understands."))
    return document


def write_rules_file(rules: Rules, path: Path) -> Path:

    text = json.dumps(rules.to_document(), ensure_ascii=False, indent=1) + "\n"
    return write_output(path, text.encode("utf-8"))
