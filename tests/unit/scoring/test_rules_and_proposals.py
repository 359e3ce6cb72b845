"""Scoring rules (defaults, validation, storage), flags and proposals with their
documents, and the command line.

The cluster, its rules and hand-computed scores are described in ``cluster.py``; the
``cluster`` fixture of this folder's conftest builds it."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.cli import main as cli_main
from app.core.context import AppContext
from app.core.errors import InputError, UserError
from app.plans.reading import get_plan
from app.plans.rules_default import generic_rules_document
from app.plans.rules_parse import parse_rules
from app.scoring.decisions import clear_flag, clear_proposal, set_flag, set_proposal
from app.scoring.rules import load_rules, read_rules_file, reset_rules, save_rules, write_rules_file
from app.scoring.sources import scoreboard
from db import models
from tests.unit.scoring.cluster import (
    PLAN,
    UNITS,
    board_of,
    cluster_ranking,
    rules_document,
    run_cli,
)

# --- rules: defaults, validation, storage ------------------------------------------------------


def test_the_2017_plan_ships_example_rules_that_fit_it(ctx: AppContext) -> None:
    info = load_rules(ctx, plan_id=PLAN)
    assert not info.stored and info.rules.example
    assert "VÍ DỤ" in info.rules.note
    with ctx.reading() as session:
        plan = get_plan(session, PLAN)
    scored = {r.code for g in info.rules.groups for r in g.indicators}
    assert scored == {i.code for i in plan.indicators}
    assert [a.label for a in info.rules.awards] == ["Cờ thi đua", "Bằng khen", "Giấy khen"]
    # The stored form reads back to the same rules.
    assert parse_rules(info.rules.to_document(), plan) == info.rules


def test_generic_rules_for_a_plan_without_shipped_ones_are_valid(ctx: AppContext) -> None:
    with ctx.reading() as session:
        plan = get_plan(session, PLAN)
    rules = parse_rules(generic_rules_document(plan), plan)
    assert rules.example
    assert sum(len(g.indicators) for g in rules.groups) == len(plan.indicators)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["groups"][0]["indicators"].append({"code": "99", "points": 1}), "99"),
        (lambda d: d["groups"][1]["indicators"].append({"code": "2.1", "points": 1}), "twice"),
        (lambda d: d["groups"][0].update(weight=-1), "groups[G1].weight"),
        (lambda d: d["grades"][1].update(min_score=95), "higher score"),
        (lambda d: d["vetoes"][2].update(flag="nope"), "vetoes[accident].flag"),
        (lambda d: d["groups"][0]["indicators"][0].update(cap=90), "cap"),
        (lambda d: d["groups"][0]["indicators"][0].update(method="grade"), "method"),
        (lambda d: d.update(plan="other-plan"), "other-plan"),
        (lambda d: d.update(tie_breakers=["luck"]), "tie_breakers"),
    ],
)
def test_bad_rules_are_refused_and_change_nothing(
    cluster: AppContext, change: Any, message: str
) -> None:
    before = load_rules(cluster, plan_id=PLAN)
    document = rules_document()
    change(document)
    with pytest.raises(InputError) as caught:
        save_rules(cluster, plan_id=PLAN, document=document)
    assert message in caught.value.translated()
    assert load_rules(cluster, plan_id=PLAN) == before


def test_saving_and_resetting_rules_is_audited(cluster: AppContext) -> None:
    reset_rules(cluster, plan_id=PLAN)
    assert load_rules(cluster, plan_id=PLAN).rules.example
    with cluster.reading() as session:
        actions = list(
            session.scalars(
                select(models.AuditEntry.action)
                .where(models.AuditEntry.action.like("scoring.rules.%"))
                .order_by(models.AuditEntry.id)
            )
        )
    assert actions == ["scoring.rules.save", "scoring.rules.reset"]


def test_rules_round_trip_through_a_file(cluster: AppContext, tmp_path: Path) -> None:
    info = load_rules(cluster, plan_id=PLAN)
    path = write_rules_file(info.rules, tmp_path / "rules.json")
    assert read_rules_file(path) == info.rules.to_document()


# --- flags and proposals ------------------------------------------------------------------------


def test_proposals_keep_their_score_and_are_audited(cluster: AppContext) -> None:
    proposal = set_proposal(cluster, plan_id=PLAN, unit="A", award="co_thi_dua", grade="vung_manh")
    assert (proposal.award_label, proposal.score, proposal.cluster_rank) == (
        "Cờ thi đua",
        "103,33",
        1,
    )
    # Above 100 on the 100 scale: said in words beside the score.
    assert proposal.summary.startswith(
        "Đạt 103,33 điểm (thang 100, cộng điểm thưởng cho chỉ tiêu vượt mức), xếp thứ 1/6 Cụm A"
    )
    set_proposal(cluster, plan_id=PLAN, unit="B", grade="trung_binh")
    board = board_of(cluster)
    assert set(board.proposals) == {board.by_code("A").unit.id, board.by_code("B").unit.id}
    assert clear_proposal(cluster, plan_id=PLAN, unit="B")
    with cluster.reading() as session:
        entries = session.execute(
            select(
                models.AuditEntry.action, models.AuditEntry.subject, models.AuditEntry.detail_json
            )
            .where(models.AuditEntry.action.like("proposal.%"))
            .order_by(models.AuditEntry.id)
        ).all()
    assert [(action, subject) for action, subject, _d in entries] == [
        ("proposal.set", "A"),
        ("proposal.set", "B"),
        ("proposal.clear", "B"),
    ]
    assert json.loads(entries[0][2])["score"] == "103,33"


def test_a_vetoed_unit_cannot_be_proposed_for_an_award(cluster: AppContext) -> None:
    with pytest.raises(InputError, match="cannot be proposed"):
        set_proposal(cluster, plan_id=PLAN, unit="F", award="bang_khen")
    # Grading it is still possible (its grade is capped by the veto).
    set_proposal(cluster, plan_id=PLAN, unit="F", grade="kha")
    with pytest.raises(InputError, match="no award"):
        set_proposal(cluster, plan_id=PLAN, unit="A", award="huan_chuong")
    with pytest.raises(InputError, match="no flag"):
        set_flag(cluster, plan_id=PLAN, unit="A", flag="unknown")


def test_clearing_a_flag_lifts_the_veto(cluster: AppContext) -> None:
    assert clear_flag(cluster, plan_id=PLAN, unit="F", flag="fatal_accident")
    board = board_of(cluster)
    assert board.by_code("F").eligible
    assert cluster_ranking(board)[:2] == [("A", 1), ("F", 1)]


def test_proposal_pdf_and_workbook(cluster: AppContext, tmp_path: Path) -> None:
    import pypdfium2 as pdfium
    from openpyxl import load_workbook

    from app.scoring.documents import export_scoring_workbook, print_proposals

    set_proposal(cluster, plan_id=PLAN, unit="A", award="co_thi_dua", grade="vung_manh")
    set_proposal(cluster, plan_id=PLAN, unit="C", award="bang_khen")
    set_proposal(cluster, plan_id=PLAN, unit="B", grade="trung_binh")
    path = print_proposals(cluster, plan_id=PLAN, out=tmp_path / "de-nghi.pdf")
    pdf = pdfium.PdfDocument(path)
    content = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    for words in (
        "DANH SÁCH",
        # each award with the level that issues it (the plan's wording)
        "I. Cờ thi đua của LĐLĐ tỉnh Tuyên Quang (1 tập thể)",
        "II. Bằng khen của LĐLĐ tỉnh Tuyên Quang (1 tập thể)",
        # 103,33 points: the scale is said with its bonus, never a bare "thang 100"
        "cộng điểm thưởng cho các chỉ tiêu vượt mức, nên có đơn vị trên 100 điểm",
        "Danh sách gồm 3 tập thể./.",
        "III. Đề nghị công nhận xếp loại (1 tập thể)",
        "TÓM TẮT THÀNH TÍCH",
        "Đạt 103,33 điểm (thang 100, cộng điểm thưởng cho chỉ tiêu vượt mức)",
        "TM. BAN THƯỜNG VỤ",
    ):
        assert words in content.replace("\r\n", " ").replace("\n", " "), words
    assert "quy tắc chấm điểm mẫu" not in content  # these rules are the federation's own
    workbook = load_workbook(
        export_scoring_workbook(cluster, plan_id=PLAN, out=tmp_path / "diem.xlsx")
    )
    assert workbook.sheetnames == ["Đề nghị khen thưởng", "Điểm và xếp hạng", "Chi tiết điểm"]
    rows = list(workbook["Đề nghị khen thưởng"].iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[4], r[6]) for r in rows] == [
        ("A", "Cờ thi đua", 103.33),
        ("C", "Bằng khen", 83.33),
        ("B", "Đề nghị công nhận xếp loại", 56.67),
    ]
    details = list(workbook["Chi tiết điểm"].iter_rows(min_row=2, values_only=True))
    assert len(details) == len(UNITS) * 5
    # For people: the time in the PC's zone (not ISO UTC), scores to two decimals
    # (regression: "2026-12-04T03:15:00+00:00" and 82.96540849512171).
    import re

    assert all(re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", str(r[10])) for r in rows)
    numbers = [
        cell
        for sheet in ("Điểm và xếp hạng", "Chi tiết điểm")
        for row in workbook[sheet].iter_rows(min_row=2, values_only=True)
        for cell in row
        if isinstance(cell, float)
    ]
    assert numbers and all(round(n, 2) == n for n in numbers)


# --- the command line ---------------------------------------------------------------------------


def test_cli_score_and_rank_json(cluster: AppContext, db_path: Path) -> None:
    data = run_cli(db_path, "score", "--plan", PLAN, "--json")
    by_code = {u["unit"]["code"]: u for u in data["units"]}
    assert by_code["A"]["score"] == "103.33"
    b_indicators = {i["code"]: i for i in by_code["B"]["indicators"]}
    assert b_indicators["9a.1"]["status"] == "not_applicable"
    assert by_code["F"]["vetoes"][0]["code"] == "accident"
    ranking = run_cli(db_path, "rank", "--cluster", "Cụm A", "--json")
    units = ranking["rankings"][0]["units"]
    assert [(u["code"], u["rank"]) for u in units][:4] == [("A", 1), ("C", 2), ("E", 2), ("D", 4)]
    assert units[1]["shared_with"] == ["E"]
    upper = run_cli(db_path, "rank", "--upper", "U", "--json")
    assert [u["code"] for u in upper["rankings"][0]["units"]] == ["C", "E", "D"]


def test_cli_refuses_an_unknown_cluster(cluster: AppContext, db_path: Path) -> None:
    out = io.StringIO()
    assert cli_main(["--db", str(db_path), "rank", "--cluster", "Cụm Z"], out=out) == 1


def test_scoring_needs_a_plan(ctx: AppContext) -> None:
    with pytest.raises(UserError):
        scoreboard(ctx, plan_id="no-such-plan")
