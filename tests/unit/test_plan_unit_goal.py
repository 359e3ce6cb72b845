"""The goal each unit must reach, in the plan's words: stored, read, written back,
shown by ``plan show``; a document without the words (older plans) still loads."""

from __future__ import annotations

import copy
import io
from pathlib import Path

import pytest

from app.cli.program import main
from app.core.context import AppContext, open_context
from app.core.errors import InputError, NotFoundError
from app.plans import get_plan
from app.plans.builtin import load_builtin_document
from app.plans.document import install_plan_document
from app.plans.json_forms import plan_document
from app.setup.first_run import initialize
from db.enums import Levels, Role

PLAN = "tuyen-quang-2017"
WORDING = "80% trở lên công nhân, lao động"


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "f.db"


@pytest.fixture
def ctx(database: Path) -> AppContext:
    context = open_context(database)
    with context.unit_of_work() as session:
        initialize(session, role=Role.FEDERATION, name="LĐLĐ tỉnh Tuyên Quang")
    return context


def test_builtin_plan_keeps_the_9c_wording_and_writes_it_back(ctx: AppContext) -> None:
    with ctx.reading() as session:
        plan = get_plan(session, PLAN)
    goal = next(i for i in plan.indicators if i.code == "9c")
    assert goal.unit_goal_wording == WORDING
    document = plan_document(plan)
    written = next(i for i in document["indicators"] if i["code"] == "9c")
    assert written["unit_goal"]["wording"] == WORDING
    others = [i for i in document["indicators"] if i["code"] != "9c"]
    assert all("unit_goal" not in i for i in others)
    # the document written back installs as the same plan
    copy_document = {**document, "id": "copy-2017"}
    with ctx.unit_of_work() as session:
        install_plan_document(session, copy_document)
    with ctx.reading() as session:
        again = get_plan(session, "copy-2017")
    assert next(i for i in again.indicators if i.code == "9c").unit_goal_wording == WORDING


def test_a_plan_without_the_wording_still_loads(ctx: AppContext) -> None:
    document = copy.deepcopy(load_builtin_document(PLAN))
    document["id"] = "old-2017"
    for item in document["indicators"]:
        if "unit_goal" in item:
            del item["unit_goal"]["wording"]
    with ctx.unit_of_work() as session:
        install_plan_document(session, document)
    with ctx.reading() as session:
        plan = get_plan(session, "old-2017")
    goal = next(i for i in plan.indicators if i.code == "9c")
    assert goal.unit_goal_wording == ""
    assert str(goal.unit_goal_value) == "80"


def test_a_wording_that_is_not_text_is_refused(ctx: AppContext) -> None:
    document = copy.deepcopy(load_builtin_document(PLAN))
    document["id"] = "bad-2017"
    next(i for i in document["indicators"] if i["code"] == "9c")["unit_goal"]["wording"] = 80
    with pytest.raises(InputError, match="unit_goal"), ctx.unit_of_work() as session:
        install_plan_document(session, document)
    with ctx.reading() as session, pytest.raises(NotFoundError):
        get_plan(session, "bad-2017")


def test_plan_show_says_the_goal_each_unit_must_reach(ctx: AppContext, database: Path) -> None:
    out = io.StringIO()
    assert main(["--db", str(database), "--lang", "vi", "plan", "show", PLAN], out=out) == 0
    text = out.getvalue()
    assert f"Mức mỗi đơn vị phải đạt: {WORDING}" in text
    assert text.count("Mức mỗi đơn vị phải đạt") == 1


def test_levels_counted_once_round_trip_and_old_plans_count_every_unit(ctx: AppContext) -> None:
    with ctx.reading() as session:
        plan = get_plan(session, PLAN)
    levels = {i.code: i.levels for i in plan.indicators}
    assert {c for c, v in levels.items() if v is Levels.AREA_TOTAL} == {"2.1", "7.1", "7.2"}
    written = {i["code"]: i for i in plan_document(plan)["indicators"]}
    assert written["7.1"]["levels"] == "area_total" and "levels" not in written["1"]
    old = copy.deepcopy(load_builtin_document(PLAN))
    old["id"] = "old-levels"
    for item in old["indicators"]:
        item.pop("levels", None)
    with ctx.unit_of_work() as session:
        install_plan_document(session, old)
    with ctx.reading() as session:
        assert {i.levels for i in get_plan(session, "old-levels").indicators} == {Levels.EVERY_UNIT}
    bad = copy.deepcopy(load_builtin_document(PLAN))
    bad["id"] = "bad-levels"
    next(i for i in bad["indicators"] if i["code"] == "1")["levels"] = "area_total"  # a ratio
    with pytest.raises(InputError, match=r"indicators\[1\]\.levels"), ctx.unit_of_work() as s:
        install_plan_document(s, bad)
