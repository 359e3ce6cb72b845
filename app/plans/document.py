"""Plans: the plan document format, built-in plans, reading plans back.

A plan document is the JSON form of a plan (``thidua.plan/1``): the built-in
plans under ``resources/plans`` use it, and plan packages will carry it. It
is validated field by field before anything is written, so a bad document
changes nothing. ``content_hash`` is the SHA-256 of its canonical JSON; the
packages refer to a plan by it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.core import domain
from app.core.errors import N_, InputError, NotFoundError
from app.core.paths import resource_dir
from app.core.strictjson import dumps_canonical
from app.core.text import nfc
from db import models
from db.enums import (
    SECTOR_GROUPS,
    Comparison,
    GradeDirection,
    IndicatorKind,
    Rollup,
    Sector,
    TargetScope,
    UnitKind,
)

PLAN_FORMAT = "thidua.plan/1"
#: The kinds a target "for each unit on its own" can judge (a yes/no or grade target is
#: already a share of units: "100% of the units").
EACH_UNIT_KINDS = (IndicatorKind.COUNT, IndicatorKind.MONEY, IndicatorKind.RATIO)
#: Who a title or commendation of the plan's ``awards`` is for.
AWARD_FOR = ("collective", "individual", "both")
BUILTIN_PLAN_IDS = ("tuyen-quang-2017",)

#: Which roll-ups make sense for which kind of value.
ALLOWED_ROLLUPS: dict[IndicatorKind, tuple[Rollup, ...]] = {
    IndicatorKind.COUNT: (Rollup.SUM, Rollup.AVERAGE_PER_UNIT),
    IndicatorKind.MONEY: (Rollup.SUM, Rollup.AVERAGE_PER_UNIT),
    IndicatorKind.RATIO: (Rollup.RATIO, Rollup.SHARE_OF_UNITS),
    IndicatorKind.YES_NO: (Rollup.SHARE_OF_UNITS,),
    IndicatorKind.GRADE: (Rollup.SHARE_OF_UNITS,),
    IndicatorKind.TEXT: (Rollup.NONE,),
}


def builtin_plan_path(plan_id: str) -> Path:
    return resource_dir() / "plans" / f"{plan_id}.json"


def load_builtin_document(plan_id: str) -> dict[str, Any]:
    path = builtin_plan_path(plan_id)
    if plan_id not in BUILTIN_PLAN_IDS or not path.exists():
        raise NotFoundError(
            N_("There is no plan with the id {plan_id}."), params={"plan_id": plan_id}
        )
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def content_hash(document: Mapping[str, Any]) -> str:
    return hashlib.sha256(dumps_canonical(document)).hexdigest()


# --- validation helpers ---------------------------------------------------------


def _bad(field: str) -> InputError:
    return InputError(N_("The plan document is invalid: {field}."), params={"field": field})


def _text(data: Mapping[str, Any], key: str, *, required: bool = True, where: str = "") -> str:
    value = data.get(key, None)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise _bad(f"{where}{key}")
    return nfc(value.strip())


def _date(data: Mapping[str, Any], key: str, where: str = "") -> dt.date | None:
    value = data.get(key)
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise _bad(f"{where}{key}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise _bad(f"{where}{key}") from exc


def _decimal(value: Any, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _bad(field)
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise _bad(field) from exc
    if not number.is_finite() or number < 0 or number > Decimal(10) ** 15:
        raise _bad(field)
    if number != number.quantize(Decimal("0.000001")):
        raise _bad(field)  # at most 6 decimals: judged exactly in 64-bit integers
    return number


def _sectors(values: Any, field: str) -> tuple[Sector, ...]:
    if values is None:
        return ()
    if not isinstance(values, list):
        raise _bad(field)
    result: list[Sector] = []
    for value in values:
        if not isinstance(value, str):
            raise _bad(field)
        if value in SECTOR_GROUPS:
            result.extend(SECTOR_GROUPS[value])
        else:
            try:
                result.append(Sector(value))
            except ValueError as exc:
                raise _bad(field) from exc
    return tuple(dict.fromkeys(result))


def _kinds(values: Any, field: str) -> tuple[UnitKind, ...]:
    if values is None:
        return ()
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise _bad(field)
    try:
        return tuple(UnitKind(v) for v in values)
    except ValueError as exc:
        raise _bad(field) from exc


def _enum_value(enum: type[Any], value: Any, field: str) -> Any:
    if not isinstance(value, str):
        raise _bad(field)
    try:
        return enum(value)
    except ValueError as exc:
        raise _bad(field) from exc


def _join(values: Iterable[str]) -> str:
    return ",".join(values)


def _split(text: str, enum: type[Any]) -> tuple[Any, ...]:
    return tuple(enum(part) for part in text.split(",") if part)


# --- install --------------------------------------------------------------------


def install_plan_document(
    session: Session,
    document: Mapping[str, Any],
    *,
    builtin: bool = False,
    known_hash: str | None = None,
) -> str:
    """Validate ``document`` and write it as a plan, replacing one with the same id.

    ``known_hash`` is the plan reference the issuing federation uses (from a
    signed plan package); by default the document's own hash is used.

    Returns the plan id. A plan that units have already registered against
    is never replaced (that would drop their values): the call raises
    :class:`InputError` instead. Runs inside the caller's transaction.
    """
    if document.get("format") != PLAN_FORMAT:
        raise InputError(N_("This is not a plan document of a format this version understands."))
    plan_id = _text(document, "id")
    year = document.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2200:
        raise _bad("year")
    signer = document.get("signer") or {}
    if not isinstance(signer, dict):
        raise _bad("signer")

    grade_scale = document.get("grade_scale") or []
    periods = document.get("periods") or []
    movements = document.get("movements") or []
    groups = document.get("groups") or []
    indicators = document.get("indicators") or []
    for name, value in (
        ("grade_scale", grade_scale),
        ("periods", periods),
        ("movements", movements),
        ("groups", groups),
        ("indicators", indicators),
    ):
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise _bad(name)
    if not periods:
        raise _bad("periods")
    if not indicators:
        raise _bad("indicators")

    grade_codes = [_text(level, "code", where="grade_scale.") for level in grade_scale]
    if len(set(grade_codes)) != len(grade_codes):
        raise _bad("grade_scale.code")
    group_codes = [_text(group, "code", where="groups.") for group in groups]
    if len(set(group_codes)) != len(group_codes):
        raise _bad("groups.code")
    period_codes = [_text(period, "code", where="periods.") for period in periods]
    if len(set(period_codes)) != len(period_codes) or "registration" in period_codes:
        raise _bad("periods.code")

    awards = document.get("awards") or []
    if not isinstance(awards, list) or len(awards) > 200:
        raise _bad("awards")
    award_rows = []
    for award in awards:
        if not isinstance(award, dict) or award.get("for") not in AWARD_FOR:
            raise _bad("awards")
        award_rows.append(
            {
                "label": _text(award, "label", where="awards."),
                "level": _text(award, "level", required=False, where="awards."),
                "for": award["for"],
            }
        )
    plan = models.Plan(
        id=plan_id,
        year=year,
        issuer=_text(document, "issuer"),
        parent_issuer=_text(document, "parent_issuer", required=False),
        number=_text(document, "number", required=False),
        issued_on=_date(document, "issued_on"),
        place=_text(document, "place", required=False),
        title=_text(document, "title"),
        theme=_text(document, "theme", required=False),
        signer_name=_text(signer, "name", required=False),
        signer_title=_text(signer, "title", required=False),
        body_json=json.dumps(document.get("body") or {}, ensure_ascii=False),
        awards_json=json.dumps(award_rows, ensure_ascii=False),
        content_hash=known_hash or content_hash(document),
        builtin=builtin,
    )
    rows: list[object] = []
    for rank, level in enumerate(grade_scale, start=1):
        rows.append(
            models.GradeLevel(
                plan_id=plan_id,
                code=_text(level, "code"),
                label=_text(level, "label", where="grade_scale."),
                rank=rank,
            )
        )
    for order, period in enumerate(periods):
        rows.append(
            models.Period(
                plan_id=plan_id,
                code=_text(period, "code"),
                name=_text(period, "name", where="periods."),
                starts_on=_date(period, "starts_on", "periods."),
                ends_on=_date(period, "ends_on", "periods."),
                due_on=_date(period, "due_on", "periods."),
                sort_order=order,
            )
        )
    seen_movements: set[str] = set()
    for order, movement in enumerate(movements):
        code = _text(movement, "code", where="movements.")
        if code in seen_movements:
            raise _bad("movements.code")
        seen_movements.add(code)
        rows.append(
            models.Movement(
                plan_id=plan_id,
                code=code,
                name=_text(movement, "name", where="movements."),
                goal=_text(movement, "goal", required=False),
                sectors=_join(_sectors(movement.get("sectors"), "movements.sectors")),
                launched_on=_date(movement, "launched_on", "movements."),
                review_on=_date(movement, "review_on", "movements."),
                sort_order=order,
            )
        )
    group_parents = {g.get("code"): g.get("parent") for g in groups}
    for order, group in enumerate(groups):
        parent = group.get("parent")
        if parent is not None and (not isinstance(parent, str) or parent not in group_codes):
            raise _bad("groups.parent")
        # A group that is its own ancestor made every reader of the plan loop for ever.
        seen, current = {group.get("code")}, parent
        while current is not None:
            if current in seen:
                raise _bad("groups.parent")
            seen.add(current)
            current = group_parents.get(current)
        rows.append(
            models.IndicatorGroup(
                plan_id=plan_id,
                code=_text(group, "code"),
                parent_code=parent,
                text=_text(group, "text", where="groups."),
                sort_order=order,
            )
        )
    seen_codes: set[str] = set()
    for order, item in enumerate(indicators):
        rows.append(
            _indicator_row(plan_id, item, order, group_codes, grade_codes, seen_codes, period_codes)
        )

    in_use = session.scalar(
        select(models.Statement.id).where(models.Statement.plan_id == plan_id).limit(1)
    )
    if in_use is not None:
        raise InputError(
            N_("Plan {plan_id} already has registrations or reports and cannot be replaced."),
            params={"plan_id": plan_id},
        )
    session.execute(delete(models.Plan).where(models.Plan.id == plan_id))
    session.flush()
    session.add(plan)
    session.flush()
    session.add_all(rows)
    session.flush()
    return plan_id


def _indicator_row(
    plan_id: str,
    item: Mapping[str, Any],
    order: int,
    group_codes: list[str],
    grade_codes: list[str],
    seen_codes: set[str],
    period_codes: list[str],
) -> models.Indicator:
    code = _text(item, "code", where="indicators.")
    where = f"indicators[{code}]."
    if code in seen_codes:
        raise _bad(f"{where}code")
    seen_codes.add(code)
    group = _text(item, "group", where=where)
    if group not in group_codes:
        raise _bad(f"{where}group")
    kind = _enum_value(IndicatorKind, item.get("kind"), f"{where}kind")
    rollup = _enum_value(Rollup, item.get("rollup"), f"{where}rollup")
    if rollup not in ALLOWED_ROLLUPS[kind]:
        raise _bad(f"{where}rollup")
    if kind is IndicatorKind.GRADE and not grade_codes:
        raise _bad("grade_scale")
    goal = item.get("unit_goal")
    goal_comparison: Comparison | None = None
    goal_value: str | None = None
    if goal is not None:
        if not isinstance(goal, dict) or kind is not IndicatorKind.RATIO:
            raise _bad(f"{where}unit_goal")
        goal_comparison = _enum_value(Comparison, goal.get("comparison"), f"{where}unit_goal")
        goal_value = str(_decimal(goal.get("value"), f"{where}unit_goal.value"))
    elif kind is IndicatorKind.RATIO and rollup is Rollup.SHARE_OF_UNITS:
        raise _bad(f"{where}unit_goal")
    indicator = models.Indicator(
        plan_id=plan_id,
        code=code,
        group_code=group,
        title=_text(item, "title", where=where),
        kind=kind,
        rollup=rollup,
        unit_of_measure=_text(item, "unit_of_measure", required=False),
        numerator_label=_text(item, "numerator_label", required=False),
        denominator_label=_text(item, "denominator_label", required=False),
        sectors=_join(_sectors(item.get("sectors"), f"{where}sectors")),
        unit_kinds=_join(_kinds(item.get("unit_kinds"), f"{where}unit_kinds")),
        unit_goal_comparison=goal_comparison,
        unit_goal_value=goal_value,
        sort_order=order,
    )
    targets = item.get("targets") or []
    if not isinstance(targets, list):
        raise _bad(f"{where}targets")
    for t_order, target in enumerate(targets):
        if not isinstance(target, dict):
            raise _bad(f"{where}targets")
        grade_level = target.get("grade_level")
        direction = target.get("grade_direction")
        if kind is IndicatorKind.GRADE:
            if grade_level not in grade_codes:
                raise _bad(f"{where}targets.grade_level")
            direction = _enum_value(GradeDirection, direction, f"{where}targets.grade_direction")
        elif grade_level is not None or direction is not None:
            raise _bad(f"{where}targets.grade_level")
        period = target.get("period")
        if period is not None and period not in period_codes:
            raise _bad(f"{where}targets.period")
        scope = _enum_value(TargetScope, target.get("scope", "aggregate"), f"{where}targets.scope")
        if scope is TargetScope.EACH_UNIT and kind not in EACH_UNIT_KINDS:
            raise _bad(f"{where}targets.scope")
        indicator.targets.append(
            models.Target(
                period=period,
                comparison=_enum_value(
                    Comparison, target.get("comparison"), f"{where}targets.comparison"
                ),
                value=str(_decimal(target.get("value"), f"{where}targets.value")),
                scope=scope,
                sectors=_join(_sectors(target.get("sectors"), f"{where}targets.sectors")),
                unit_kinds=_join(_kinds(target.get("unit_kinds"), f"{where}targets.unit_kinds")),
                unit_id=target.get("unit_id"),
                grade_level=grade_level,
                grade_direction=direction,
                wording=_text(target, "wording", required=False),
                sort_order=t_order,
            )
        )
    return indicator


def install_builtin_plans(session: Session) -> list[str]:
    """Install (or refresh) every built-in plan; returns their ids."""
    installed = []
    for plan_id in BUILTIN_PLAN_IDS:
        document = load_builtin_document(plan_id)
        existing = session.get(models.Plan, plan_id)
        if existing is not None and existing.content_hash == content_hash(document):
            installed.append(plan_id)
            continue
        in_use = session.scalar(
            select(models.Statement.id).where(models.Statement.plan_id == plan_id).limit(1)
        )
        if existing is not None and in_use is not None:
            installed.append(plan_id)  # keep the plan the units registered against
            continue
        installed.append(install_plan_document(session, document, builtin=True))
    return installed


# --- reading --------------------------------------------------------------------


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


def get_plan(session: Session, plan_id: str) -> domain.Plan:
    """The whole plan as domain values; :class:`NotFoundError` if unknown."""
    row = session.get(models.Plan, plan_id)
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
                    }
                    if i.unit_goal_comparison and i.unit_goal_value is not None
                    else None
                ),
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
        if item.unit_goal_comparison is not None and item.unit_goal_value is not None:
            data["unit_goal"] = {
                "comparison": item.unit_goal_comparison.value,
                "value": str(item.unit_goal_value),
            }
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
