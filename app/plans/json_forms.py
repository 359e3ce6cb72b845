"""A plan as JSON: its ``thidua.plan/1`` document and its ``plan show --json`` description.

:func:`plan_document` gives back the document
:func:`app.plans.document.install_plan_document` reads (what plan packages
carry, and what the plan editor rewrites); :func:`plan_to_json` describes the
plan for the command line.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from app.core import domain
from app.plans.document import PLAN_FORMAT
from db.enums import Levels, MovementKind


def plan_to_json(plan: domain.Plan) -> dict[str, Any]:
    """A JSON-ready description of a plan for ``plan show --json``."""

    def target_json(target: domain.Target) -> dict[str, Any]:
        return {
            "comparison": target.comparison.value,
            "value": _number_json(target.value),
            "wording": target.wording,
            "scope": target.scope.value,
            "sectors": [s.value for s in target.sectors],
            "unit_kinds": [k.value for k in target.unit_kinds],
            "unit_id": target.unit_id,
            "grade_level": target.grade_level,
            "grade_direction": target.grade_direction.value if target.grade_direction else None,
            "period": target.period,
        }

    return {
        "id": plan.id,
        "year": plan.year,
        "issuer": plan.issuer,
        "parent_issuer": plan.parent_issuer,
        "number": plan.number,
        "issued_on": plan.issued_on.isoformat() if plan.issued_on else None,
        "place": plan.place,
        "title": plan.title,
        "theme": plan.theme,
        "signer": {"name": plan.signer_name, "title": plan.signer_title},
        "content_hash": plan.content_hash,
        "builtin": plan.builtin,
        "periods": [
            {
                "code": p.code,
                "name": p.name,
                "starts_on": p.starts_on.isoformat() if p.starts_on else None,
                "ends_on": p.ends_on.isoformat() if p.ends_on else None,
            }
            for p in plan.periods
        ],
        "grade_scale": [
            {"code": g.code, "label": g.label, "rank": g.rank} for g in plan.grade_levels
        ],
        "movements": [
            {
                "code": m.code,
                "name": m.name,
                "goal": m.goal,
                "sectors": [s.value for s in m.sectors],
                "kind": m.kind.value,
            }
            for m in plan.movements
        ],
        "groups": [{"code": g.code, "parent": g.parent_code, "text": g.text} for g in plan.groups],
        "indicators": [
            {
                "code": i.code,
                "group": i.group_code,
                "title": i.title,
                "kind": i.kind.value,
                "rollup": i.rollup.value,
                "unit_of_measure": i.unit_of_measure,
                "sectors": [s.value for s in i.sectors],
                "unit_kinds": [k.value for k in i.unit_kinds],
                "unit_goal": (
                    {
                        "comparison": i.unit_goal_comparison.value,
                        "value": _number_json(i.unit_goal_value),
                        **({"wording": i.unit_goal_wording} if i.unit_goal_wording else {}),
                    }
                    if i.unit_goal_comparison and i.unit_goal_value is not None
                    else None
                ),
                "levels": i.levels.value,
                "targets": [target_json(t) for t in i.targets],
            }
            for i in plan.indicators
        ],
        "awards": _awards_document(plan),
    }


def _number_json(value: Decimal) -> int | str:
    """Integers as JSON numbers, fractions as exact decimal strings."""
    if value == value.to_integral_value():
        return int(value)
    return str(value)


def plan_document(plan: domain.Plan) -> dict[str, Any]:
    """The plan as a ``thidua.plan/1`` document (what plan packages carry)."""

    def day(value: dt.date | None) -> str | None:
        return value.isoformat() if value else None

    def target_document(target: domain.Target) -> dict[str, Any]:
        data: dict[str, Any] = {
            "comparison": target.comparison.value,
            "value": str(target.value),
            "wording": target.wording,
            "scope": target.scope.value,
            "sectors": [s.value for s in target.sectors],
            "unit_kinds": [k.value for k in target.unit_kinds],
        }
        if target.unit_id:
            data["unit_id"] = target.unit_id
        if target.grade_level:
            data["grade_level"] = target.grade_level
            data["grade_direction"] = (
                target.grade_direction.value if target.grade_direction else None
            )
        if target.period:
            data["period"] = target.period
        return data

    indicators = []
    for item in plan.indicators:
        data: dict[str, Any] = {
            "code": item.code,
            "group": item.group_code,
            "title": item.title,
            "kind": item.kind.value,
            "rollup": item.rollup.value,
            "unit_of_measure": item.unit_of_measure,
            "numerator_label": item.numerator_label,
            "denominator_label": item.denominator_label,
            "sectors": [s.value for s in item.sectors],
            "unit_kinds": [k.value for k in item.unit_kinds],
            "targets": [target_document(t) for t in item.targets],
        }
        if item.levels is not Levels.EVERY_UNIT:
            data["levels"] = item.levels.value
        if item.unit_goal_comparison is not None and item.unit_goal_value is not None:
            data["unit_goal"] = {
                "comparison": item.unit_goal_comparison.value,
                "value": str(item.unit_goal_value),
            }
            if item.unit_goal_wording:
                data["unit_goal"]["wording"] = item.unit_goal_wording
        indicators.append(data)
    return {
        "format": PLAN_FORMAT,
        "id": plan.id,
        "year": plan.year,
        "parent_issuer": plan.parent_issuer,
        "issuer": plan.issuer,
        "number": plan.number,
        "issued_on": day(plan.issued_on),
        "place": plan.place,
        "title": plan.title,
        "theme": plan.theme,
        "signer": {"name": plan.signer_name, "title": plan.signer_title},
        "periods": [
            {
                "code": p.code,
                "name": p.name,
                "starts_on": day(p.starts_on),
                "ends_on": day(p.ends_on),
                "due_on": day(p.due_on),
            }
            for p in plan.periods
        ],
        "grade_scale": [{"code": g.code, "label": g.label} for g in plan.grade_levels],
        "movements": [
            {
                "code": m.code,
                "name": m.name,
                "goal": m.goal,
                "sectors": [s.value for s in m.sectors],
                "launched_on": day(m.launched_on),
                "review_on": day(m.review_on),
                **({"kind": m.kind.value} if m.kind is not MovementKind.MOVEMENT else {}),
            }
            for m in plan.movements
        ],
        "groups": [{"code": g.code, "parent": g.parent_code, "text": g.text} for g in plan.groups],
        "indicators": indicators,
        "body": plan.body,
        **({"awards": _awards_document(plan)} if plan.awards else {}),
    }


def _awards_document(plan: domain.Plan) -> list[dict[str, str]]:
    return [
        {
            "label": a.label,
            "level": a.level,
            "for": "both"
            if a.collective and a.individual
            else ("collective" if a.collective else "individual"),
        }
        for a in plan.awards
    ]
