"""Plans read back from the database as domain values."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.core import domain
from app.core.errors import N_, NotFoundError, UserError
from db import models
from db.enums import Levels, MovementKind, Sector, UnitKind


def list_plans(session: Session) -> list[domain.PlanSummary]:
    rows = session.scalars(select(models.Plan).order_by(models.Plan.year.desc(), models.Plan.id))
    return [
        domain.PlanSummary(
            id=row.id,
            year=row.year,
            issuer=row.issuer,
            number=row.number,
            issued_on=row.issued_on,
            title=row.title,
            builtin=row.builtin,
        )
        for row in rows
    ]


def newest_plan_id(session: Session) -> str | None:
    """The newest plan's id (the latest year, then the first id), or None when there is none."""
    return session.scalar(
        select(models.Plan.id).order_by(models.Plan.year.desc(), models.Plan.id).limit(1)
    )


def plan_or_newest(session: Session, plan_id: str | None) -> str:
    """``plan_id`` when given, else the newest plan's; :class:`UserError` when there is none."""
    chosen = plan_id or newest_plan_id(session)
    if chosen is None:
        raise UserError(N_("There is no plan yet."))
    return chosen


def get_plan(session: Session, plan_id: str) -> domain.Plan:
    """The whole plan as domain values; :class:`NotFoundError` if unknown."""
    # The indicators and their targets in two queries, not one per indicator.
    every_target = selectinload(models.Plan.indicators).selectinload(models.Indicator.targets)
    row = session.get(models.Plan, plan_id, options=[every_target])
    if row is None:
        raise NotFoundError(
            N_("There is no plan with the id {plan_id}."), params={"plan_id": plan_id}
        )
    levels = session.scalars(
        select(models.GradeLevel)
        .where(models.GradeLevel.plan_id == plan_id)
        .order_by(models.GradeLevel.rank)
    )
    periods = session.scalars(
        select(models.Period)
        .where(models.Period.plan_id == plan_id)
        .order_by(models.Period.sort_order)
    )
    movements = session.scalars(
        select(models.Movement)
        .where(models.Movement.plan_id == plan_id)
        .order_by(models.Movement.sort_order)
    )
    groups = session.scalars(
        select(models.IndicatorGroup)
        .where(models.IndicatorGroup.plan_id == plan_id)
        .order_by(models.IndicatorGroup.sort_order)
    )
    return domain.Plan(
        id=row.id,
        year=row.year,
        issuer=row.issuer,
        parent_issuer=row.parent_issuer,
        number=row.number,
        issued_on=row.issued_on,
        place=row.place,
        title=row.title,
        theme=row.theme,
        signer_name=row.signer_name,
        signer_title=row.signer_title,
        content_hash=row.content_hash,
        builtin=row.builtin,
        periods=tuple(
            domain.Period(p.code, p.name, p.starts_on, p.ends_on, p.due_on) for p in periods
        ),
        grade_levels=tuple(domain.GradeLevel(g.code, g.label, g.rank) for g in levels),
        movements=tuple(
            domain.Movement(
                id=m.id,
                code=m.code,
                name=m.name,
                goal=m.goal,
                sectors=_split(m.sectors, Sector),
                kind=MovementKind(m.kind or MovementKind.MOVEMENT),
                launched_on=m.launched_on,
                review_on=m.review_on,
            )
            for m in movements
        ),
        groups=tuple(domain.IndicatorGroup(g.code, g.parent_code, g.text) for g in groups),
        indicators=tuple(_indicator_value(i) for i in row.indicators),
        body=json.loads(row.body_json or "{}"),
        awards=tuple(
            domain.Award(
                label=a["label"],
                level=a.get("level", ""),
                collective=a["for"] in ("collective", "both"),
                individual=a["for"] in ("individual", "both"),
            )
            for a in json.loads(row.awards_json or "[]")
        ),
    )


def _indicator_value(row: models.Indicator) -> domain.Indicator:
    return domain.Indicator(
        id=row.id,
        code=row.code,
        group_code=row.group_code,
        title=row.title,
        kind=row.kind,
        rollup=row.rollup,
        unit_of_measure=row.unit_of_measure,
        numerator_label=row.numerator_label,
        denominator_label=row.denominator_label,
        sectors=_split(row.sectors, Sector),
        unit_kinds=_split(row.unit_kinds, UnitKind),
        unit_goal_comparison=row.unit_goal_comparison,
        unit_goal_value=Decimal(row.unit_goal_value) if row.unit_goal_value else None,
        unit_goal_wording=row.unit_goal_wording or "",
        levels=Levels(row.levels or Levels.EVERY_UNIT),
        targets=tuple(
            domain.Target(
                comparison=t.comparison,
                value=Decimal(t.value),
                wording=t.wording,
                scope=t.scope,
                sectors=_split(t.sectors, Sector),
                unit_kinds=_split(t.unit_kinds, UnitKind),
                unit_id=t.unit_id,
                grade_level=t.grade_level,
                grade_direction=t.grade_direction,
                period=t.period,
            )
            for t in row.targets
        ),
    )


def _split(text: str, enum: type[Any]) -> tuple[Any, ...]:
    return tuple(enum(part) for part in text.split(",") if part)
