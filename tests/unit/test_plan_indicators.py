"""Editing a plan's indicators through the core, on a real federation database.

A copy of the 2017 plan (same year, so the demo's roster is the plan's
roster) gets new indicators with per-sector targets and targets given down
to one upper-level union; every bad input is refused with its own message
and leaves the plan as it was; a published plan (plan packages written) is
locked, and so is its header.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from app.audit.view import list_audit
from app.core import i18n
from app.core.context import AppContext, open_context
from app.core.errors import InputError, NotFoundError
from app.demo.province import Demo, make_demo
from app.exchange import federation
from app.plans.copy import clone_plan, edit_plan_header
from app.plans.indicator_input import (
    IndicatorInput,
    TargetInput,
    TargetInputError,
    input_of,
    parse_decimal,
)
from app.plans.indicators import remove_indicator, save_indicator
from app.plans.lock import plan_lock
from app.plans.reading import get_plan
from db.enums import (
    Comparison,
    GradeDirection,
    IndicatorKind,
    Rollup,
    Sector,
    UnitKind,
)

PLAN = "tuyen-quang-2017"
DRAFT = "tq-2017-ban-sua"


@pytest.fixture
def draft(tmp_path: Path) -> Iterator[tuple[Demo, AppContext]]:
    demo = make_demo(out_dir=tmp_path / "demo", units=8, streams=())
    ctx = open_context(demo.database)
    clone_plan(ctx, plan_id=PLAN, year=2017, new_id=DRAFT)
    i18n.set_language("en")
    yield demo, ctx
    ctx.close()
    i18n.set_language("vi")


def union_dues() -> IndicatorInput:
    return IndicatorInput(
        code="10",
        title="Thu kinh phí công đoàn",
        kind=IndicatorKind.MONEY,
        rollup=Rollup.SUM,
        unit_of_measure="đồng",
        sectors=(Sector.STATE_ENTERPRISE, Sector.NON_STATE_ENTERPRISE),
        targets=(
            TargetInput(Comparison.AT_LEAST, "1.500.000.000", sectors=(Sector.STATE_ENTERPRISE,)),
            TargetInput(
                Comparison.MORE_THAN, "700.000.000", sectors=(Sector.NON_STATE_ENTERPRISE,)
            ),
        ),
    )


def test_parse_decimal_reads_vietnamese_and_plain_numbers() -> None:
    assert parse_decimal("2.000") == Decimal(2000)
    assert parse_decimal("1.500.000.000 đ") == Decimal(1_500_000_000)
    assert parse_decimal("85,5") == Decimal("85.5")
    assert parse_decimal("85.5") == Decimal("85.5")
    assert parse_decimal("90 %") == Decimal(90)
    assert parse_decimal("  ") is None
    for bad in ("abc", "1,2,3", "1.2.3", "--5"):
        with pytest.raises(ValueError):
            parse_decimal(bad)


def test_add_edit_and_remove_an_indicator(draft: tuple[Demo, AppContext]) -> None:
    demo, ctx = draft
    upper = next(u for u in demo.units if u.kind is UnitKind.UPPER)
    before = get_plan(ctx.sessions(), DRAFT)

    plan = save_indicator(ctx, plan_id=DRAFT, indicator=union_dues())
    added = plan.indicator("10")
    assert [i.code for i in plan.indicators] == [*(i.code for i in before.indicators), "10"]
    assert (added.kind, added.rollup, added.unit_of_measure) == (
        IndicatorKind.MONEY,
        Rollup.SUM,
        "đồng",
    )
    assert [(t.comparison, t.value, t.sectors) for t in added.targets] == [
        (Comparison.AT_LEAST, Decimal(1_500_000_000), (Sector.STATE_ENTERPRISE,)),
        (Comparison.MORE_THAN, Decimal(700_000_000), (Sector.NON_STATE_ENTERPRISE,)),
    ]
    assert any(g.code == "10" and g.text == "Thu kinh phí công đoàn" for g in plan.groups)
    assert plan.content_hash != before.content_hash

    # Edit: a new code, a ratio counted per unit with a goal, a target given to one union.
    ratio = IndicatorInput(
        code="10a",
        title="Tỷ lệ đoàn viên đóng đoàn phí đầy đủ",
        group_code="10",
        kind=IndicatorKind.RATIO,
        rollup=Rollup.SHARE_OF_UNITS,
        unit_of_measure="%",
        numerator_label="Số đoàn viên đóng đủ",
        denominator_label="Tổng số đoàn viên",
        unit_kinds=(UnitKind.GRASSROOTS, UnitKind.UPPER),
        unit_goal_comparison=Comparison.AT_LEAST,
        unit_goal_value="90",
        targets=(
            TargetInput(Comparison.REACH, "80", unit_kinds=(UnitKind.GRASSROOTS,)),
            TargetInput(Comparison.AT_LEAST, "95,5", unit_code=upper.code),
        ),
    )
    plan = save_indicator(ctx, plan_id=DRAFT, indicator=ratio, replaces="10")
    codes = [i.code for i in plan.indicators]
    assert "10" not in codes and codes[-1] == "10a"
    edited = plan.indicator("10a")
    assert edited.unit_goal_value == Decimal(90) and edited.group_code == "10"
    assert edited.targets[1].unit_id == upper.id and edited.targets[1].value == Decimal("95.5")
    again = input_of(edited, {upper.id: upper.code})
    assert again.targets[1].unit_code == upper.code and again.targets[1].value == "95,5"
    assert again.unit_goal_value == "90"

    # A grade target counts units at or below a level.
    grade = plan.indicator("4")
    changed = input_of(grade, {})
    changed = IndicatorInput(
        **{
            **changed.__dict__,
            "targets": (
                *changed.targets[:1],
                TargetInput(
                    Comparison.AT_MOST,
                    "5",
                    grade_level="yeu",
                    grade_direction=GradeDirection.AT_OR_BELOW,
                ),
            ),
        }
    )
    plan = save_indicator(ctx, plan_id=DRAFT, indicator=changed, replaces="4")
    assert plan.indicator("4").targets[1].comparison is Comparison.AT_MOST

    plan = remove_indicator(ctx, plan_id=DRAFT, code="10a")
    assert "10a" not in [i.code for i in plan.indicators]
    assert all(g.code != "10" for g in plan.groups), "the item left empty goes too"
    with ctx.reading() as session:
        actions = [r.action for r in list_audit(session, text=DRAFT)]
    assert actions[:4] == [
        "plan.indicator.remove",
        "plan.indicator.edit",
        "plan.indicator.edit",
        "plan.indicator.add",
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"code": " "}, "Type the indicator's code."),
        ({"code": "2.1"}, "Another indicator already has the code 2.1."),
        ({"code": "a b"}, "An indicator code is up to 32 letters"),
        ({"title": ""}, "Type the indicator's title."),
        ({"rollup": Rollup.RATIO}, "This roll-up does not fit the kind of the indicator."),
        ({"group_code": "99"}, "The plan has no item 99 to put the indicator under."),
        (
            {"targets": (TargetInput(Comparison.AT_LEAST, "mười"),)},
            "Target 1: Type a number, e.g. 1.500 or 85,5.",
        ),
        (
            {
                "targets": (
                    TargetInput(Comparison.AT_LEAST, "10"),
                    TargetInput(Comparison.REACH, ""),
                )
            },
            "Target 2: Type the target's value.",
        ),
        (
            {"targets": (TargetInput(Comparison.AT_LEAST, "-5"),)},
            "Target 1: The value cannot be negative.",
        ),
        (
            {"targets": (TargetInput(Comparison.AT_LEAST, "10.000.000.000.000.000"),)},
            "Target 1: The value is too large.",
        ),
        (
            {"targets": (TargetInput(Comparison.AT_LEAST, "1,5"),)},
            "Target 1: Type a whole number, e.g. 1.500.",
        ),
        (
            {"targets": (TargetInput(Comparison.NONE, "3"),)},
            "Target 1: “None” means the value must be zero.",
        ),
        (
            {"targets": (TargetInput(Comparison.AT_LEAST, "5", sectors=(Sector.FDI,)),)},
            "Target 1: It names a sector the indicator does not apply to.",
        ),
        (
            {"targets": (TargetInput(Comparison.AT_LEAST, "5", unit_code="KHONG-CO"),)},
            "Target 1: No unit with code KHONG-CO in the 2017 roster.",
        ),
        (
            {
                "targets": (
                    TargetInput(Comparison.AT_LEAST, "5", sectors=(Sector.STATE_ENTERPRISE,)),
                    TargetInput(Comparison.REACH, "6", sectors=(Sector.STATE_ENTERPRISE,)),
                )
            },
            "Target 2: It is for the same units as target 1.",
        ),
        (
            {"targets": (TargetInput(Comparison.AT_LEAST, "5", grade_level="yeu"),)},
            "Target 1: Only a grade indicator counts grades.",
        ),
        (
            {
                "kind": IndicatorKind.YES_NO,
                "rollup": Rollup.SHARE_OF_UNITS,
                "targets": (TargetInput(Comparison.REACH, "120"),),
            },
            "Target 1: A percentage is at most 100.",
        ),
        (
            {"kind": IndicatorKind.RATIO, "rollup": Rollup.RATIO, "targets": ()},
            "A ratio indicator needs the names of its number achieved and of its total.",
        ),
        (
            {
                "kind": IndicatorKind.RATIO,
                "rollup": Rollup.SHARE_OF_UNITS,
                "numerator_label": "a",
                "denominator_label": "b",
                "targets": (),
            },
            "Counting the units that meet a goal needs the goal each unit must reach",
        ),
        (
            {"kind": IndicatorKind.TEXT, "rollup": Rollup.NONE},
            "A text indicator has no figure to aim at: remove its targets.",
        ),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    draft: tuple[Demo, AppContext], change: dict[str, object], message: str
) -> None:
    _demo, ctx = draft
    with ctx.reading() as session:
        before = get_plan(session, DRAFT)
    bad = IndicatorInput(**{**union_dues().__dict__, **change})
    with pytest.raises(InputError) as raised:
        save_indicator(ctx, plan_id=DRAFT, indicator=bad)
    assert str(raised.value).startswith(message), str(raised.value)
    with ctx.reading() as session:
        assert get_plan(session, DRAFT) == before


def test_target_messages_are_translated(draft: tuple[Demo, AppContext]) -> None:
    _demo, ctx = draft
    i18n.set_language("vi")
    bad = IndicatorInput(
        **{**union_dues().__dict__, "targets": (TargetInput(Comparison.AT_LEAST, "-1"),)}
    )
    with pytest.raises(TargetInputError) as raised:
        save_indicator(ctx, plan_id=DRAFT, indicator=bad)
    assert str(raised.value) == "Chỉ tiêu giao thứ 1: Giá trị không được âm."


def test_a_published_plan_is_locked(draft: tuple[Demo, AppContext], tmp_path: Path) -> None:
    _demo, ctx = draft
    assert plan_lock(ctx, plan_id=DRAFT) is None
    assert plan_lock(ctx, plan_id=PLAN) is not None, "built-in"
    save_indicator(ctx, plan_id=DRAFT, indicator=union_dues())
    federation.export_plan_packages(ctx, plan_id=DRAFT, out_dir=tmp_path / "plans")
    reason = plan_lock(ctx, plan_id=DRAFT)
    assert reason is not None and "already written" in str(reason)
    with ctx.reading() as session:
        before = get_plan(session, DRAFT)
    for attempt in (
        lambda: save_indicator(ctx, plan_id=DRAFT, indicator=union_dues(), replaces="10"),
        lambda: remove_indicator(ctx, plan_id=DRAFT, code="10"),
        lambda: edit_plan_header(
            ctx, plan_id=DRAFT, number="9", issued_on=dt.date(2017, 3, 1), title="x", theme=""
        ),
    ):
        with pytest.raises(InputError) as raised:
            attempt()
        assert str(raised.value) == str(reason)
    with ctx.reading() as session:
        assert get_plan(session, DRAFT) == before
    with pytest.raises(NotFoundError):
        remove_indicator(ctx, plan_id=PLAN + "-x", code="10")


def test_an_indicator_the_saved_scoring_rules_use_cannot_be_taken_away(
    draft: tuple[Demo, AppContext],
) -> None:
    from app.plans.rules_default import default_rules_document
    from app.scoring.rules import load_rules, save_rules

    _demo, ctx = draft
    plan = get_plan(ctx.sessions(), DRAFT)
    document = default_rules_document(plan)
    used = document["groups"][0]["indicators"][0]["code"]
    save_rules(ctx, plan_id=DRAFT, document=document)
    before = get_plan(ctx.sessions(), DRAFT)

    with pytest.raises(InputError) as removed:
        remove_indicator(ctx, plan_id=DRAFT, code=used)
    assert removed.value.params == {"code": used}
    assert "scoring rules saved for this plan use indicator" in removed.value.translated()
    renamed = replace(input_of(before.indicator(used), {}), code=used + "x")
    with pytest.raises(InputError):
        save_indicator(ctx, plan_id=DRAFT, indicator=renamed, replaces=used)
    after = get_plan(ctx.sessions(), DRAFT)
    assert after.content_hash == before.content_hash
    assert load_rules(ctx, plan_id=DRAFT).rules.content_hash
    # Without saved rules (the example applies) the same removal goes through.
    from app.scoring.rules import reset_rules

    reset_rules(ctx, plan_id=DRAFT)
    assert used not in {i.code for i in remove_indicator(ctx, plan_id=DRAFT, code=used).indicators}


def test_a_target_can_be_set_for_a_period_before_the_year(
    draft: tuple[Demo, AppContext],
) -> None:
    """The first half may get its own target; it travels in the plan document, and a
    target "for the year" is stored as the default (no period)."""
    _demo, ctx = draft
    item = IndicatorInput(
        **{
            **union_dues().__dict__,
            "targets": (
                TargetInput(Comparison.AT_LEAST, "700.000.000", period="h1"),
                TargetInput(Comparison.AT_LEAST, "1.500.000.000", period="year"),
            ),
        }
    )
    plan = save_indicator(ctx, plan_id=DRAFT, indicator=item)
    assert [t.period for t in plan.indicator("10").targets] == ["h1", None]
    assert [t.period for t in input_of(plan.indicator("10"), {}).targets] == ["h1", None]
    from app.plans.json_forms import plan_document

    document = next(i for i in plan_document(plan)["indicators"] if i["code"] == "10")
    assert [t.get("period") for t in document["targets"]] == ["h1", None]
    with ctx.reading() as session:
        before = get_plan(session, DRAFT)
    bad = IndicatorInput(
        **{
            **union_dues().__dict__,
            "code": "11",
            "targets": (TargetInput(Comparison.AT_LEAST, "5", period="q3"),),
        }
    )
    with pytest.raises(TargetInputError) as raised:
        save_indicator(ctx, plan_id=DRAFT, indicator=bad)
    assert str(raised.value) == "Target 1: Choose one of the plan's reporting periods."
    with ctx.reading() as session:
        assert get_plan(session, DRAFT) == before
