"""The plan document format (``thidua.plan/1``), checked field by field and installed.

A plan document is the JSON form of a plan: the built-in plans under
``resources/plans`` use it, and plan packages carry it. It is validated
field by field before anything is written, so a bad document changes
nothing. ``content_hash`` is the SHA-256 of its canonical JSON (without the
optional ``checks``, :mod:`app.plans.checks`, which are kept beside the
plan); the packages refer to a plan by it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.core.errors import N_, InputError
from app.core.strictjson import dumps_canonical
from app.core.text import nfc
from app.plans.check_store import store_checks
from app.plans.checks import parse_checks
from db import models
from db.enums import (
    SECTOR_GROUPS,
    Comparison,
    GradeDirection,
    IndicatorKind,
    Levels,
    MovementKind,
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

#: Which roll-ups make sense for which kind of value.
ALLOWED_ROLLUPS: dict[IndicatorKind, tuple[Rollup, ...]] = {
    IndicatorKind.COUNT: (Rollup.SUM, Rollup.AVERAGE_PER_UNIT),
    IndicatorKind.MONEY: (Rollup.SUM, Rollup.AVERAGE_PER_UNIT),
    IndicatorKind.RATIO: (Rollup.RATIO, Rollup.SHARE_OF_UNITS),
    IndicatorKind.YES_NO: (Rollup.SHARE_OF_UNITS,),
    IndicatorKind.GRADE: (Rollup.SHARE_OF_UNITS,),
    IndicatorKind.TEXT: (Rollup.NONE,),
}


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

    checks = parse_checks(document["checks"]) if "checks" in document else None
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
        content_hash=known_hash or content_hash(_hashed_part(document)),
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
                kind=_enum_value(
                    MovementKind, movement.get("kind", "movement"), "movements.kind"
                ).value,
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
    if checks is not None:
        store_checks(session, plan_id, checks)
    return plan_id


def _hashed_part(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """The document without its ``checks``: thresholds the federation tunes later do
    not change what the plan is (packages quote its hash)."""
    return {key: value for key, value in document.items() if key != "checks"}


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
    goal_wording = ""
    if goal is not None:
        if not isinstance(goal, dict) or kind is not IndicatorKind.RATIO:
            raise _bad(f"{where}unit_goal")
        goal_comparison = _enum_value(Comparison, goal.get("comparison"), f"{where}unit_goal")
        goal_value = str(_decimal(goal.get("value"), f"{where}unit_goal.value"))
        goal_wording = _text(goal, "wording", required=False, where=f"{where}unit_goal.")
        if len(goal_wording) > 300:
            raise _bad(f"{where}unit_goal.wording")
    elif kind is IndicatorKind.RATIO and rollup is Rollup.SHARE_OF_UNITS:
        raise _bad(f"{where}unit_goal")
    levels = _enum_value(Levels, item.get("levels", "every_unit"), f"{where}levels")
    if levels is Levels.AREA_TOTAL and rollup is not Rollup.SUM:
        raise _bad(f"{where}levels")  # only a sum adds the levels up
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
        unit_goal_wording=goal_wording,
        levels=levels.value,
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
