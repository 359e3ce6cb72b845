"""Upper-level unions in clusters of their own, graded on their own scale.

The seed's clusters group upper-level unions (công đoàn cấp trên trực tiếp
cơ sở); the demo builds them so, and the shipped rules grade an upper-level
union "Hoàn thành xuất sắc nhiệm vụ" … where a CĐCS is "Vững mạnh" ….
A real demo province, its real signed packages merged, a real PDF read back.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import pytest
from sqlalchemy import select

from app.core import domain
from app.core.context import AppContext, open_context
from app.core.errors import InputError
from app.demo.province import Demo, make_demo
from app.exchange import import_packages
from app.plans import Rules, get_plan, own_grade, parse_rules, scale_of
from app.scoring import print_ranking, scoreboard
from app.scoring.rules import get_rules
from db import models
from db.enums import UnitKind

PLAN = "tuyen-quang-2017"
UPPER_SCALE = [
    "Hoàn thành xuất sắc nhiệm vụ",
    "Hoàn thành tốt nhiệm vụ",
    "Hoàn thành nhiệm vụ",
    "Không hoàn thành nhiệm vụ",
]


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Demo, AppContext]]:
    demo = make_demo(out_dir=tmp_path_factory.mktemp("upper") / "province", units=160, seed=5)
    ctx = open_context(demo.database)
    import_packages(ctx, paths=[demo.packages_dir], dry_run=False)
    yield demo, ctx
    ctx.close()


def test_the_demo_clusters_hold_one_level_each(province: tuple[Demo, AppContext]) -> None:
    demo, _ctx = province
    uppers = [u for u in demo.units if u.kind is UnitKind.UPPER]
    grassroots = [u for u in demo.units if u.kind is UnitKind.GRASSROOTS]
    assert len(uppers) == 6
    assert {u.cluster_code for u in uppers} == {"Cụm 1", "Cụm 2"}
    assert {u.cluster_code for u in grassroots} == {"Cụm CĐCS 1", "Cụm CĐCS 2"}


def test_an_upper_level_cluster_is_ranked_on_the_upper_scale(
    province: tuple[Demo, AppContext], tmp_path: Path
) -> None:
    demo, ctx = province
    board = scoreboard(ctx, plan_id=PLAN)
    upper_cluster = next(c for c, name in board.cluster_names.items() if name == "Cụm 1")
    placings = board.by_cluster[upper_cluster]
    assert [p.code for p in placings] and all(p.code.startswith("CT-") for p in placings)
    scores = [board.score_of(p.unit_id) for p in placings]
    assert all(s.grade is not None for s in scores)
    assert {board.grade_label(s.grade) for s in scores} <= set(UPPER_SCALE)
    # The same scores on the grassroots scale would read "Vững mạnh" …: never for a CT.
    grassroots = [s for s in board.scores if s.unit.kind is UnitKind.GRASSROOTS and s.grade]
    assert grassroots
    assert {board.grade_label(s.grade) for s in grassroots} <= {
        "Vững mạnh",
        "Khá",
        "Trung bình",
        "Yếu",
    }
    # Their leader is one of them; the paper says the upper-level scale.
    with ctx.reading() as session:
        plan = get_plan(session, PLAN)
        rules = get_rules(session, plan).rules
        rows = session.execute(select(models.Cluster.name, models.Cluster.leader_unit_id))
        leaders = {name: leader or "" for name, leader in rows}
    kinds = {u.id: u.kind for u in demo.units}
    assert kinds[leaders["Cụm 1"]] is UnitKind.UPPER
    assert kinds[leaders["Cụm CĐCS 1"]] is UnitKind.GRASSROOTS
    assert [label for _code, label in scale_of(plan, rules, UnitKind.UPPER)] == UPPER_SCALE
    pdf = print_ranking(ctx, plan_id=PLAN, cluster="Cụm 1", out=tmp_path / "cum1.pdf")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "CT-0" in text and "CS-0" not in text
    assert any(label in " ".join(text.split()) for label in UPPER_SCALE)
    assert "Vững mạnh" not in text


def _plan_and_rules(ctx: AppContext) -> tuple[domain.Plan, Rules]:
    with ctx.reading() as session:
        plan = get_plan(session, PLAN)
        return plan, get_rules(session, plan).rules


def test_a_veto_caps_an_upper_level_union_on_its_own_scale(
    province: tuple[Demo, AppContext],
) -> None:
    plan, rules = _plan_and_rules(province[1])
    assert own_grade(plan, rules, UnitKind.UPPER, "kha") == "hoan_thanh_tot"
    assert own_grade(plan, rules, UnitKind.GRASSROOTS, "kha") == "kha"


def test_an_upper_scale_of_the_wrong_length_is_refused(
    province: tuple[Demo, AppContext],
) -> None:
    plan, rules = _plan_and_rules(province[1])
    document = rules.to_document()
    assert parse_rules(document, plan).upper_grades[0].min_score == Fraction(85)
    document["upper_grades"] = document["upper_grades"][:3]
    with pytest.raises(InputError, match="needs 4 levels"):
        parse_rules(document, plan)
    document["upper_grades"] = [
        {"grade": "vung_manh", "label": "x", "min_score": 90 - 10 * i} for i in range(4)
    ]
    with pytest.raises(InputError, match=r"upper_grades\.grade"):
        parse_rules(document, plan)
