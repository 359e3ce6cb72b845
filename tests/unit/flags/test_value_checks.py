"""Each check for suspicious values at its threshold's edge, and the thresholds' JSON
(defaults, round trip, refusal of bad values, carried in a plan's JSON without
changing its hash)."""

from __future__ import annotations

import copy
import json
from fractions import Fraction
from typing import Any

import pytest
from sqlalchemy import select

from app.core import domain
from app.core.context import AppContext
from app.core.errors import InputError
from app.exchange.value_checks import Finding, UnitSize, find_suspicious
from app.plans import (
    DEFAULT_CHECKS,
    CheckKind,
    Ratio,
    ValueChecks,
    checks_to_json,
    get_plan,
    install_builtin_plans,
    install_plan_document,
    parse_checks,
    plan_document,
    read_value_checks,
    reset_value_checks,
    save_value_checks,
)
from app.plans.document import content_hash
from db import models
from db.enums import IndicatorKind
from tests.helpers import golden_province

REG = domain.REGISTRATION_STREAM


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> domain.Plan:
    return golden_province(tmp_path_factory, "checks", units=2, streams=()).demo.plan


def _count(plan: domain.Plan, unit_of_measure: str | None = None) -> str:
    return next(
        i.code
        for i in plan.indicators
        if i.kind is IndicatorKind.COUNT
        and (unit_of_measure is None or i.unit_of_measure == unit_of_measure)
        and (unit_of_measure is not None or i.unit_of_measure not in ("người", "đoàn viên"))
    )


def _kinds(found: list[Finding]) -> list[CheckKind]:
    return [f.kind for f in found]


def _find(
    plan: domain.Plan,
    stream: str,
    amounts: dict[str, int],
    *,
    registration: dict[str, int] | None = None,
    last_year: dict[str, int] | None = None,
    size: UnitSize | None = None,
    checks: ValueChecks = DEFAULT_CHECKS,
) -> list[Finding]:
    return find_suspicious(
        plan,
        checks,
        stream,
        amounts,
        registration=registration or {},
        last_year=last_year or {},
        size=size,
    )


@pytest.mark.parametrize(
    ("registered", "result", "expected"),
    [(10, 30, []), (10, 31, [CheckKind.ABOVE_REGISTRATION]), (9, 100, [])],
)
def test_far_above_the_registration(
    plan: domain.Plan, registered: int, result: int, expected: list[CheckKind]
) -> None:
    code = _count(plan)
    found = _find(plan, "h1", {code: result}, registration={code: registered})
    assert _kinds(found) == expected
    if expected:
        assert found[0].indicator_code == code
        assert dict(found[0].values) == {"value": result, "reference": registered, "factor": 3}


@pytest.mark.parametrize(
    ("stream", "result", "expected"),
    [("year", 4, []), ("year", 3, [CheckKind.BELOW_REGISTRATION]), ("h1", 3, [])],
)
def test_far_below_the_registration_only_in_the_final_period(
    plan: domain.Plan, stream: str, result: int, expected: list[CheckKind]
) -> None:
    assert plan.final_period == "year"
    code = _count(plan)
    assert _kinds(_find(plan, stream, {code: result}, registration={code: 12})) == expected


@pytest.mark.parametrize(
    ("stream", "members", "workers", "expected"),
    [
        (REG, 100, 100, []),
        (REG, 101, 100, [CheckKind.MEMBERS_OVER_WORKERS]),
        (REG, 101, 0, []),  # workers not known
        ("h1", 101, 100, []),  # checked once, on the registration
    ],
)
def test_members_more_than_workers(
    plan: domain.Plan, stream: str, members: int, workers: int, expected: list[CheckKind]
) -> None:
    found = _find(plan, stream, {}, size=UnitSize(members, workers))
    assert _kinds(found) == expected
    assert all(f.indicator_code == "" for f in found)
    off = ValueChecks(members_over_workers=False)
    assert _find(plan, stream, {}, size=UnitSize(members, workers), checks=off) == []


@pytest.mark.parametrize(("value", "expected"), [(50, []), (51, [CheckKind.PER_WORKER])])
def test_too_large_for_the_units_size(
    plan: domain.Plan, value: int, expected: list[CheckKind]
) -> None:
    code = _count(plan, "đoàn viên")
    found = _find(plan, REG, {code: value}, size=UnitSize(40, 50))
    assert _kinds(found) == expected
    other = _count(plan)  # no limit for its unit of measure
    assert _find(plan, REG, {other: 10**6}, size=UnitSize(40, 50)) == []
    doubled = ValueChecks(per_worker=(("đoàn viên", Fraction(2)),))
    assert _find(plan, REG, {code: 100}, size=UnitSize(40, 50), checks=doubled) == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [(30, []), (31, [CheckKind.YEAR_JUMP]), (4, []), (3, [CheckKind.YEAR_JUMP])],
)
def test_big_jump_from_last_year(plan: domain.Plan, value: int, expected: list[CheckKind]) -> None:
    code = _count(plan)
    assert _kinds(_find(plan, "h1", {code: value}, last_year={code: 10})) == expected
    assert _find(plan, "h1", {code: value}, last_year={code: 9}) == []  # below the minimum
    off = ValueChecks(year_on_year=Ratio(None, 10))
    assert _find(plan, "h1", {code: value}, last_year={code: 10}, checks=off) == []


def test_thresholds_round_trip_through_json() -> None:
    assert parse_checks({}) == DEFAULT_CHECKS
    data: dict[str, Any] = {
        "registration": {"factor": "2.5", "minimum": 0},
        "members_over_workers": False,
        "per_worker": {"Người": 1, "lượt": "1.5"},
        "year_on_year": {"factor": None, "minimum": 5},
    }
    checks = parse_checks(data)
    assert checks.registration == Ratio(Fraction(5, 2), 0)
    assert checks.per_worker_limit("người ") == 1
    assert checks.per_worker_limit("Lượt") == Fraction(3, 2)
    assert checks.year_on_year == Ratio(None, 5)
    assert parse_checks(json.loads(json.dumps(checks_to_json(checks)))) == checks


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"unknown": 1},
        {"registration": {"factor": 1}},
        {"registration": {"factor": "abc"}},
        {"registration": {"factor": 3, "minimum": -1}},
        {"registration": {"factor": True}},
        {"registration": {"factor": 3, "other": 1}},
        {"members_over_workers": "yes"},
        {"per_worker": {"người": 0}},
        {"per_worker": {"": 1}},
        {"per_worker": ["người"]},
        {"year_on_year": {"minimum": 1.5}},
    ],
)
def test_bad_thresholds_are_refused(data: Any) -> None:
    with pytest.raises(InputError) as caught:
        parse_checks(data)
    assert caught.value.message == "The checks for suspicious values are invalid: {field}."


def test_thresholds_saved_audited_reset_and_carried_in_the_plan_json(ctx: AppContext) -> None:
    with ctx.unit_of_work() as session:
        (plan_id,) = install_builtin_plans(session)[:1]
        plan = get_plan(session, plan_id)
    assert read_value_checks(ctx, plan_id=plan_id) == DEFAULT_CHECKS
    saved = save_value_checks(ctx, plan_id=plan_id, data={"registration": {"factor": 4}})
    assert saved.registration == Ratio(Fraction(4), 10)
    assert read_value_checks(ctx, plan_id=plan_id) == saved
    with pytest.raises(InputError):
        save_value_checks(ctx, plan_id=plan_id, data={"registration": {"factor": 0}})
    assert read_value_checks(ctx, plan_id=plan_id) == saved
    with ctx.reading() as session:
        actions = list(session.scalars(select(models.AuditEntry.action)))
    assert actions.count("value_checks.save") == 1

    # A plan document carrying checks installs them, and its hash is that of the
    # document without them (what units quote).
    document = plan_document(plan)
    with_checks = copy.deepcopy(document)
    with_checks["checks"] = {"year_on_year": {"factor": 5, "minimum": 1}}
    with ctx.unit_of_work() as session:
        install_plan_document(session, with_checks)
        assert get_plan(session, plan_id).content_hash == content_hash(document)
    assert read_value_checks(ctx, plan_id=plan_id).year_on_year == Ratio(Fraction(5), 1)
    # Rewriting the plan without them keeps the tuned thresholds.
    with ctx.unit_of_work() as session:
        install_plan_document(session, document)
    assert read_value_checks(ctx, plan_id=plan_id).year_on_year == Ratio(Fraction(5), 1)
    bad = dict(document, checks={"registration": {"factor": "x"}})
    with pytest.raises(InputError), ctx.unit_of_work() as session:
        install_plan_document(session, bad)
    assert reset_value_checks(ctx, plan_id=plan_id) == DEFAULT_CHECKS
    assert read_value_checks(ctx, plan_id=plan_id) == DEFAULT_CHECKS
