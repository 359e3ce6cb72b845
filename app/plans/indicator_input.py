"""An indicator of a plan as typed in the plan editor, checked and made a plan document's.

The federation builds its plan in the editor before sending it down: each
indicator's code, title, kind, unit of measure, roll-up and who it applies
to (kinds of unit, sectors), and its targets — a figure per sector or for
all sectors, worded "reach", "at least", "more than", "at most" or "none",
for the aggregate or for each unit, or given down to one named upper-level
union or unit of the plan year's roster.

Everything typed is checked here, before anything is written, and a
problem is a translated :class:`InputError` naming the target it is about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import domain
from app.core.errors import N_, InputError
from app.core.format import format_number
from app.core.text import nfc
from app.core.values import MAX_AMOUNT, MAX_COUNT, check_value
from app.plans.document import ALLOWED_ROLLUPS, EACH_UNIT_KINDS
from db import models
from db.enums import (
    Comparison,
    GradeDirection,
    IndicatorKind,
    Levels,
    Rollup,
    Sector,
    TargetScope,
    UnitKind,
)

#: Kinds whose targets are percentages (of people, or of units).
PERCENT_KINDS = frozenset({IndicatorKind.RATIO, IndicatorKind.YES_NO, IndicatorKind.GRADE})
MAX_CODE = 32
MAX_UNIT_OF_MEASURE = 64
MAX_LABEL = 300

MSG_TARGET = N_("Target {number}: {problem}")


@dataclass(frozen=True)
class TargetInput:
    """One target as typed; ``value`` is text ("2.000", "85", "1,5")."""

    comparison: Comparison
    value: str
    sectors: tuple[Sector, ...] = ()
    unit_kinds: tuple[UnitKind, ...] = ()
    #: Given down to this unit (an upper-level union or a grassroots union), by code.
    unit_code: str = ""
    scope: TargetScope = TargetScope.AGGREGATE
    grade_level: str | None = None
    grade_direction: GradeDirection | None = None
    wording: str = ""
    #: The reporting period it is set for (a period code); None: the year.
    period: str | None = None


@dataclass(frozen=True)
class IndicatorInput:
    """One indicator as typed in the plan editor."""

    code: str
    title: str
    kind: IndicatorKind
    rollup: Rollup
    #: The plan item it sits under; "" makes it an item of its own.
    group_code: str = ""
    unit_of_measure: str = ""
    numerator_label: str = ""
    denominator_label: str = ""
    sectors: tuple[Sector, ...] = ()
    unit_kinds: tuple[UnitKind, ...] = ()
    #: Ratio indicators counted as a share of units: what each unit must reach (a percentage).
    unit_goal_comparison: Comparison | None = None
    unit_goal_value: str = ""
    targets: tuple[TargetInput, ...] = ()
    #: The plan's words for the goal each unit must reach (kept as typed).
    unit_goal_wording: str = ""
    #: How a sum counts the levels (kept when the indicator is edited).
    levels: Levels = Levels.EVERY_UNIT


class TargetInputError(InputError):
    """A problem with one target; the message names the target by its number (from 1)."""

    def __init__(
        self, number: int, message: str, *, params: dict[str, object] | None = None
    ) -> None:
        super().__init__(message, params=params)
        self.number = number

    def translated(self) -> str:
        from app.core.i18n import gettext

        return gettext(MSG_TARGET).format(number=self.number, problem=super().translated())


# --- values -------------------------------------------------------------------------------


_THOUSANDS = re.compile(r"-?\d{1,3}(\.\d{3})+")


def parse_decimal(text: str) -> Decimal | None:
    """``"2.000"`` → 2000, ``"85,5"`` → 85.5, ``"85.5"`` → 85.5; None when empty.

    Dots grouping three digits are thousands (Vietnamese), a comma is the
    decimal mark; a lone dot not followed by three digits is read as a
    decimal point. Raises :class:`ValueError` for anything else.
    """
    cleaned = re.sub(r"[\s%đĐ]", "", text)
    if not cleaned:
        return None
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif _THOUSANDS.fullmatch(cleaned):
        cleaned = cleaned.replace(".", "")
    if re.fullmatch(r"-?\d{1,18}(\.\d{1,6})?", cleaned) is None:
        raise ValueError(text)
    try:
        return Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the pattern above rules it out
        raise ValueError(text) from exc


def is_percent(kind: IndicatorKind) -> bool:
    return kind in PERCENT_KINDS


def _target_value(number: int, item: IndicatorInput, target: TargetInput) -> Decimal:
    """The target's figure, checked for the indicator's kind and roll-up."""
    try:
        value = parse_decimal(target.value)
    except ValueError:
        raise TargetInputError(number, N_("Type a number, e.g. 1.500 or 85,5.")) from None
    if target.comparison is Comparison.NONE:
        if value not in (None, Decimal(0)):
            raise TargetInputError(number, N_("“None” means the value must be zero."))
        return Decimal(0)
    if value is None:
        raise TargetInputError(number, N_("Type the target's value."))
    if value < 0:
        raise TargetInputError(number, N_("The value cannot be negative."))
    if is_percent(item.kind):
        if value > 100:
            raise TargetInputError(number, N_("A percentage is at most 100."))
        return value
    whole = item.rollup is Rollup.SUM and target.scope is TargetScope.AGGREGATE
    if whole:
        if value != value.to_integral_value():
            raise TargetInputError(number, N_("Type a whole number, e.g. 1.500."))
        # The same checks as a unit's own value of this kind (negative, too large).
        probe = domain.Indicator(
            id="",
            code=item.code,
            group_code="",
            title="",
            kind=item.kind,
            rollup=item.rollup,
            unit_of_measure="",
            numerator_label="",
            denominator_label="",
            sectors=(),
            unit_kinds=(),
            unit_goal_comparison=None,
            unit_goal_value=None,
            targets=(),
        )
        problems = check_value(probe, domain.UnitValue(amount=int(value)))
        if problems:
            raise TargetInputError(number, problems[0].message)
        return value
    limit = MAX_AMOUNT if item.kind is IndicatorKind.MONEY else MAX_COUNT
    if value > limit:
        raise TargetInputError(number, N_("The value is too large."))
    return value


def _goal_value(item: IndicatorInput) -> Decimal:
    try:
        value = parse_decimal(item.unit_goal_value)
    except ValueError:
        raise InputError(N_("The goal each unit must reach is not a number.")) from None
    if value is None:
        raise InputError(
            N_(
                "Counting the units that meet a goal needs the goal each unit must reach "
                "(a percentage)."
            )
        )
    if not 0 <= value <= 100:
        raise InputError(N_("The goal each unit must reach is a percentage from 0 to 100."))
    return value


# --- checking and building ----------------------------------------------------------------


@dataclass(frozen=True)
class RosterRef:
    """A unit of the plan year's roster a target can be given to."""

    id: str
    code: str
    name: str
    kind: UnitKind


def roster_refs(session: Session, *, year: int) -> dict[str, RosterRef]:
    """Units of the ``year`` roster by code (the federation itself left out)."""
    from app.core.installation import get_installation

    installation = get_installation(session)
    own = installation.own_unit_id if installation is not None else ""
    rows = session.execute(
        select(models.Unit.id, models.Unit.code, models.Unit.name, models.Unit.kind)
        .join(models.RosterEntry, models.RosterEntry.unit_id == models.Unit.id)
        .where(models.RosterEntry.year == year, models.Unit.code.is_not(None))
        .order_by(models.Unit.code)
    )
    return {
        code: RosterRef(unit_id, code, name, kind)
        for unit_id, code, name, kind in rows
        if unit_id != own and code
    }


def indicator_document(
    plan: domain.Plan, item: IndicatorInput, units: dict[str, RosterRef]
) -> dict[str, Any]:
    """Check ``item`` against ``plan`` and return its ``thidua.plan/1`` form.

    Raises :class:`InputError` (or :class:`TargetInputError`) for the first
    problem found; nothing is written here.
    """
    code = nfc(item.code.strip())
    title = nfc(item.title.strip())
    if not code:
        raise InputError(N_("Type the indicator's code."))
    if len(code) > MAX_CODE or not re.fullmatch(r"[\w.\-]+", code):
        raise InputError(
            N_("An indicator code is up to 32 letters, digits, dots or dashes, like 2.1 or 9đ.")
        )
    if not title:
        raise InputError(N_("Type the indicator's title."))
    if item.rollup not in ALLOWED_ROLLUPS[item.kind]:
        raise InputError(N_("This roll-up does not fit the kind of the indicator."))
    unit_of_measure = nfc(item.unit_of_measure.strip())
    if len(unit_of_measure) > MAX_UNIT_OF_MEASURE:
        raise InputError(N_("The unit of measure is too long (at most 64 characters)."))
    numerator = nfc(item.numerator_label.strip())
    denominator = nfc(item.denominator_label.strip())
    if item.kind is IndicatorKind.RATIO:
        if not numerator or not denominator:
            raise InputError(
                N_("A ratio indicator needs the names of its number achieved and of its total.")
            )
        if len(numerator) > MAX_LABEL or len(denominator) > MAX_LABEL:
            raise InputError(N_("A name is too long (at most 300 characters)."))
    else:
        numerator = denominator = ""
    if item.kind is IndicatorKind.GRADE and not plan.grade_levels:
        raise InputError(N_("The plan has no grade scale for a grade indicator."))
    if len(set(item.sectors)) != len(item.sectors) or len(set(item.unit_kinds)) != len(
        item.unit_kinds
    ):
        raise InputError(N_("A sector or kind of unit is chosen twice."))
    document: dict[str, Any] = {
        "code": code,
        "group": item.group_code or code,
        "title": title,
        "kind": item.kind.value,
        "rollup": item.rollup.value,
        "unit_of_measure": unit_of_measure,
        "numerator_label": numerator,
        "denominator_label": denominator,
        "sectors": [s.value for s in item.sectors],
        "unit_kinds": [k.value for k in item.unit_kinds],
        "targets": [],
    }
    if item.levels is not Levels.EVERY_UNIT and item.rollup is Rollup.SUM:
        document["levels"] = item.levels.value
    if item.kind is IndicatorKind.RATIO and (
        item.rollup is Rollup.SHARE_OF_UNITS or item.unit_goal_value.strip()
    ):
        goal = _goal_value(item)
        document["unit_goal"] = {
            "comparison": (item.unit_goal_comparison or Comparison.AT_LEAST).value,
            "value": str(goal),
        }
        if item.unit_goal_wording.strip():
            document["unit_goal"]["wording"] = item.unit_goal_wording.strip()
    if item.kind is IndicatorKind.TEXT and item.targets:
        raise InputError(
            N_("A text indicator has no figure to aim at: remove its targets."),
        )
    grade_codes = {g.code for g in plan.grade_levels}
    seen: dict[tuple[object, ...], int] = {}
    for number, target in enumerate(item.targets, start=1):
        value = _target_value(number, item, target)
        unit_id: str | None = None
        unit_code = target.unit_code.strip()
        if unit_code:
            ref = units.get(unit_code)
            if ref is None:
                raise TargetInputError(
                    number,
                    N_("No unit with code {code} in the {year} roster."),
                    params={"code": unit_code, "year": plan.year},
                )
            if target.sectors or target.unit_kinds:
                raise TargetInputError(
                    number,
                    N_("A target given to one unit cannot also name sectors or kinds of unit."),
                )
            unit_id = ref.id
        if item.sectors and any(s not in item.sectors for s in target.sectors):
            raise TargetInputError(number, N_("It names a sector the indicator does not apply to."))
        if item.unit_kinds and any(k not in item.unit_kinds for k in target.unit_kinds):
            raise TargetInputError(
                number, N_("It names a kind of unit the indicator does not apply to.")
            )
        if item.kind is IndicatorKind.GRADE:
            if target.grade_level not in grade_codes:
                raise TargetInputError(number, N_("Choose the grade the target counts."))
            direction = target.grade_direction or GradeDirection.AT_OR_ABOVE
        elif target.grade_level is not None:
            raise TargetInputError(number, N_("Only a grade indicator counts grades."))
        else:
            direction = None
        if target.scope is TargetScope.EACH_UNIT and item.kind not in EACH_UNIT_KINDS:
            raise TargetInputError(
                number,
                N_(
                    "A yes/no or grade indicator counts a share of the units: give its target "
                    "as a percentage of the units (100% for every unit), counted of the total."
                ),
            )
        period = target.period or None
        if period is not None and period not in {p.code for p in plan.periods}:
            raise TargetInputError(number, N_("Choose one of the plan's reporting periods."))
        if period == plan.final_period:
            period = None  # the year's period is the default
        key = (
            tuple(sorted(target.sectors)),
            tuple(sorted(target.unit_kinds)),
            unit_id,
            target.grade_level,
            direction,
            target.scope,
            period,
        )
        if key in seen:
            raise TargetInputError(
                number,
                N_("It is for the same units as target {other}."),
                params={"other": seen[key]},
            )
        seen[key] = number
        data: dict[str, Any] = {
            "comparison": target.comparison.value,
            "value": str(value),
            "wording": nfc(target.wording.strip()),
            "scope": target.scope.value,
            "sectors": [s.value for s in target.sectors],
            "unit_kinds": [k.value for k in target.unit_kinds],
        }
        if unit_id is not None:
            data["unit_id"] = unit_id
        if item.kind is IndicatorKind.GRADE:
            data["grade_level"] = target.grade_level
            data["grade_direction"] = direction.value if direction else None
        if period is not None:
            data["period"] = period
        document["targets"].append(data)
    return document


def input_of(indicator: domain.Indicator, codes_by_id: dict[str, str]) -> IndicatorInput:
    """An existing indicator as the editor shows it (values as typed text)."""
    return IndicatorInput(
        code=indicator.code,
        title=indicator.title,
        kind=indicator.kind,
        rollup=indicator.rollup,
        group_code=indicator.group_code,
        unit_of_measure=indicator.unit_of_measure,
        numerator_label=indicator.numerator_label,
        denominator_label=indicator.denominator_label,
        sectors=indicator.sectors,
        unit_kinds=indicator.unit_kinds,
        unit_goal_comparison=indicator.unit_goal_comparison,
        unit_goal_value=(
            format_number(indicator.unit_goal_value)
            if indicator.unit_goal_value is not None
            else ""
        ),
        unit_goal_wording=indicator.unit_goal_wording,
        levels=indicator.levels,
        targets=tuple(
            TargetInput(
                comparison=t.comparison,
                value=format_number(t.value),
                sectors=t.sectors,
                unit_kinds=t.unit_kinds,
                unit_code=codes_by_id.get(t.unit_id or "", ""),
                scope=t.scope,
                grade_level=t.grade_level,
                grade_direction=t.grade_direction,
                wording=t.wording,
                period=t.period,
            )
            for t in indicator.targets
        ),
    )


__all__ = [
    "IndicatorInput",
    "RosterRef",
    "TargetInput",
    "TargetInputError",
    "indicator_document",
    "input_of",
    "is_percent",
    "parse_decimal",
    "roster_refs",
]
