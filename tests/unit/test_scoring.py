"""Year-end scoring: hand-computed scores of a small cluster, ties, vetoes, indicators
that do not apply, a change of rules re-scoring everyone, proposals and their documents.

The cluster (rules below; G1 weight 1, G2 weight 2; bands 100→100%, 90→80%,
75→60%, 50→30%; 2.1 capped at 120% with 0,1 bonus point per %). G1 is 2.1,
9a.1 (administrative only) and 9a.2 (enterprises only); G2 is 6.2 and 4.

- A (admin): 2.1 12 of 10 → 10 + 2 bonus; 9a.1 yes → 10 | 6.2 90% of 80% → 10;
  4 vững mạnh → 10. Earned 22 + 2 × 20 = 62 of 20 + 2 × 20 = 60 → 103,33.
- B (non-state): 2.1 9 of 10 → 8; 9a.2 no → 0 | 6.2 72% of 90% = 80% → 6;
  4 khá → 7. 8 + 2 × 13 = 34 of 60 → 56,67 (9a.1 does not apply).
- C (admin): 2.1 10 of 10 → 10; 9a.1 no → 0 | 6.2 100% → 10; 4 vững mạnh → 10.
  10 + 2 × 20 = 50 of 60 → 83,33.
- D (admin): 2.1 → 10; 9a.1 yes → 10 | 6.2 45% of 50% = 90% → 8; 4 khá → 7.
  20 + 2 × 15 = 50 of 60 → 83,33.
- E (admin): as C → 83,33.
- F (admin): as A but flagged (fatal accident) → 103,33, not ranked.
- G (admin): no annual report → 0, not ranked.
- H (admin): 2.1 → 10; 9a.1 yes → 10 | 6.2 → 10; 4 yếu → 0. 20 + 2 × 10 = 40 of 60
  → 66,67, not ranked (weak grade).
- U (upper): only 2.1 applies: 15 of 20 = 75% → 6 of 10 → 60,00.

(G2's points count twice: A = (12 + 10) + 2 × (10 + 10) = 62 of 20 + 2 × 20 = 60.)
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.cli import main as cli_main
from app.core.context import AppContext
from app.core.domain import UnitValue
from app.core.errors import InputError, UserError
from app.plans.reading import get_plan
from app.plans.rules import SCORING_FORMAT
from app.plans.rules_default import generic_rules_document
from app.plans.rules_parse import parse_rules
from app.scoring.board import Scoreboard
from app.scoring.decisions import clear_flag, clear_proposal, set_flag, set_proposal
from app.scoring.engine import ScoreInput, Status, UnitFacts, score_unit
from app.scoring.ranking import rank_units
from app.scoring.rules import load_rules, read_rules_file, reset_rules, save_rules, write_rules_file
from app.scoring.sources import scoreboard
from app.statements.records import StatementInput, save_statement
from db import models
from db.enums import REGISTRATION_STREAM, Sector, UnitKind

PLAN = "tuyen-quang-2017"
YEAR = 2017


def rules_document(weight_g2: int | str = 2) -> dict[str, Any]:
    return {
        "format": SCORING_FORMAT,
        "plan": PLAN,
        "example": False,
        "period": "year",
        "default_bands": [
            {"from": 100, "share": 100},
            {"from": 90, "share": 80},
            {"from": 75, "share": 60},
            {"from": 50, "share": 30},
            {"from": 0, "share": 0},
        ],
        "groups": [
            {
                "code": "G1",
                "title": "Nhóm 1",
                "weight": 1,
                "indicators": [
                    {"code": "2.1", "points": 10, "cap": 120, "bonus_per_percent": "0.1"},
                    {"code": "9a.1", "points": 10},
                    {"code": "9a.2", "points": 10},
                ],
            },
            {
                "code": "G2",
                "title": "Nhóm 2",
                "weight": weight_g2,
                "indicators": [
                    {"code": "6.2", "points": 10},
                    {
                        "code": "4",
                        "points": 10,
                        "grade_shares": {"vung_manh": 100, "kha": 70, "trung_binh": 40, "yeu": 0},
                    },
                ],
            },
        ],
        "flags": [{"code": "fatal_accident", "label": "Tai nạn lao động chết người"}],
        "vetoes": [
            {"code": "no_report", "label": "Không báo cáo", "when": "no_report"},
            {
                "code": "weak",
                "label": "Xếp loại yếu",
                "when": "grade",
                "indicator": "4",
                "at_or_below": "yeu",
                "max_grade": "yeu",
            },
            {
                "code": "accident",
                "label": "Tai nạn lao động chết người",
                "when": "flag",
                "flag": "fatal_accident",
                "max_grade": "kha",
            },
        ],
        "grades": [
            {"grade": "vung_manh", "min_score": 90},
            {"grade": "kha", "min_score": 70},
            {"grade": "trung_binh", "min_score": 50},
            {"grade": "yeu", "min_score": 0},
        ],
        "awards": [
            {"code": "co_thi_dua", "label": "Cờ thi đua", "min_score": 100, "max_cluster_rank": 1},
            {"code": "bang_khen", "label": "Bằng khen", "min_score": 80, "max_cluster_rank": 3},
            {"code": "giay_khen", "label": "Giấy khen", "min_score": 70},
        ],
        "tie_breakers": ["indicators_attained", "bonus_points"],
    }


def count(n: int) -> UnitValue:
    return UnitValue(amount=n)


def ratio(n: int, d: int) -> UnitValue:
    return UnitValue(numerator=n, denominator=d)


def grade(code: str) -> UnitValue:
    return UnitValue(grade=code)


def yes(flag: bool) -> UnitValue:
    return UnitValue(flag=flag)


ADMIN = Sector.ADMINISTRATIVE

#: code → (kind, sector, parent code, registered, achieved or None for no report)
UNITS: dict[str, tuple[UnitKind, Sector | None, str | None, dict[str, UnitValue], Any]] = {
    "A": (
        UnitKind.GRASSROOTS,
        ADMIN,
        None,
        {"2.1": count(10), "6.2": ratio(80, 100)},
        {"2.1": count(12), "9a.1": yes(True), "6.2": ratio(90, 100), "4": grade("vung_manh")},
    ),
    "B": (
        UnitKind.GRASSROOTS,
        Sector.NON_STATE_ENTERPRISE,
        None,
        {"2.1": count(10), "6.2": ratio(90, 100)},
        {"2.1": count(9), "9a.2": yes(False), "6.2": ratio(72, 100), "4": grade("kha")},
    ),
    "C": (
        UnitKind.GRASSROOTS,
        ADMIN,
        "U",
        {"2.1": count(10), "6.2": ratio(50, 100)},
        {"2.1": count(10), "9a.1": yes(False), "6.2": ratio(50, 100), "4": grade("vung_manh")},
    ),
    "D": (
        UnitKind.GRASSROOTS,
        ADMIN,
        "U",
        {"2.1": count(10), "6.2": ratio(50, 100)},
        {"2.1": count(10), "9a.1": yes(True), "6.2": ratio(45, 100), "4": grade("kha")},
    ),
    "E": (
        UnitKind.GRASSROOTS,
        ADMIN,
        "U",
        {"2.1": count(10), "6.2": ratio(50, 100)},
        {"2.1": count(10), "9a.1": yes(False), "6.2": ratio(50, 100), "4": grade("vung_manh")},
    ),
    "F": (
        UnitKind.GRASSROOTS,
        ADMIN,
        None,
        {"2.1": count(10), "6.2": ratio(80, 100)},
        {"2.1": count(12), "9a.1": yes(True), "6.2": ratio(90, 100), "4": grade("vung_manh")},
    ),
    "G": (UnitKind.GRASSROOTS, ADMIN, None, {"2.1": count(10), "6.2": ratio(80, 100)}, None),
    "H": (
        UnitKind.GRASSROOTS,
        ADMIN,
        None,
        {"2.1": count(10), "6.2": ratio(50, 100)},
        {"2.1": count(10), "9a.1": yes(True), "6.2": ratio(50, 100), "4": grade("yeu")},
    ),
    "U": (UnitKind.UPPER, None, None, {"2.1": count(20)}, {"2.1": count(15)}),
}


def make_cluster(ctx: AppContext) -> AppContext:
    """Add the cluster above, its statements, rules and F's flag to a federation database."""
    with ctx.unit_of_work() as session:
        federation = session.scalar(
            select(models.Unit).where(models.Unit.kind == UnitKind.FEDERATION)
        )
        assert federation is not None
        session.add(models.RosterEntry(year=YEAR, unit_id=federation.id, parent_id=None))
        cluster_row = models.Cluster(year=YEAR, code="A", name="Cụm A")
        session.add(cluster_row)
        session.flush()
        ids: dict[str, str] = {}
        for code, (kind, _s, _p, _r, _a) in UNITS.items():
            unit = models.Unit(code=code, name=f"Công đoàn {code}", kind=kind)
            session.add(unit)
            session.flush()
            ids[code] = unit.id
        for code, (_k, sector, parent, _r, _a) in UNITS.items():
            session.add(
                models.RosterEntry(
                    year=YEAR,
                    unit_id=ids[code],
                    parent_id=ids[parent] if parent else federation.id,
                    cluster_id=cluster_row.id,
                    sector=sector,
                )
            )
        session.flush()
        for code, (_k, _s, _p, registered, achieved) in UNITS.items():
            save_statement(
                session,
                StatementInput(PLAN, ids[code], REGISTRATION_STREAM, registered),
            )
            if achieved is not None:
                save_statement(session, StatementInput(PLAN, ids[code], "year", achieved))
    save_rules(ctx, plan_id=PLAN, document=rules_document())
    set_flag(ctx, plan_id=PLAN, unit="F", flag="fatal_accident", note="1 người chết")
    return ctx


@pytest.fixture
def cluster(ctx: AppContext) -> AppContext:
    """The federation database with the cluster above, its statements and rules."""
    return make_cluster(ctx)


def board_of(ctx: AppContext) -> Scoreboard:
    return scoreboard(ctx, plan_id=PLAN)


def cluster_ranking(board: Scoreboard) -> list[tuple[str, int | None]]:
    (placings,) = [p for cid, p in board.by_cluster.items() if cid is not None]
    return [(p.code, p.rank) for p in placings]


# --- hand-computed scores --------------------------------------------------------------------


def test_scores_match_the_hand_computation(cluster: AppContext) -> None:
    board = board_of(cluster)
    expected = {
        "A": (Fraction(62), Fraction(60), Decimal("103.33")),
        "B": (Fraction(34), Fraction(60), Decimal("56.67")),
        "C": (Fraction(50), Fraction(60), Decimal("83.33")),
        "D": (Fraction(50), Fraction(60), Decimal("83.33")),
        "E": (Fraction(50), Fraction(60), Decimal("83.33")),
        "F": (Fraction(62), Fraction(60), Decimal("103.33")),
        "G": (Fraction(0), Fraction(60), Decimal("0.00")),
        "H": (Fraction(40), Fraction(60), Decimal("66.67")),
        "U": (Fraction(6), Fraction(10), Decimal("60.00")),
    }
    for code, (earned, possible, score) in expected.items():
        unit = board.by_code(code)
        assert (unit.earned, unit.possible, unit.score) == (earned, possible, score), code


def test_each_indicator_is_explained_with_its_arithmetic(cluster: AppContext) -> None:
    a = board_of(cluster).by_code("A")
    bonus = a.indicator("2.1")
    assert (bonus.attainment, bonus.base, bonus.bonus) == (Fraction(120), Fraction(10), Fraction(2))
    assert bonus.explain() == (
        "Registered 10, achieved 12: 120,0% of the registered. "
        "Band from 100%: 100% of 10 points = 10. "
        "Bonus: (120 − 100) × 0,1 = 2 points (counted up to 120%)."
    )
    assert a.indicator("6.2").attainment == Fraction(90 * 100, 80)
    assert a.indicator("4").explain() == "Grade Vững mạnh: 100% of 10 points = 10."
    assert a.indicator("9a.1").explain() == "Achieved Yes: counted as 100,0%. " + (
        "Band from 100%: 100% of 10 points = 10."
    )
    b = board_of(cluster).by_code("B")
    assert b.indicator("6.2").explain() == (
        "Registered 90/100 (90,0%), achieved 72/100 (72,0%): 80,0% of the registered. "
        "Band from 75%: 60% of 10 points = 6."
    )
    assert a.explain() == [
        "Nhóm 1: 22 of 20 points × weight 1 = 22.",
        "Nhóm 2: 20 of 20 points × weight 2 = 40.",
        "Score = 100 × 62 / 60 = 103,33.",
    ]


def test_indicators_that_do_not_apply_are_left_out_of_the_possible_points(
    cluster: AppContext,
) -> None:
    board = board_of(cluster)
    b = board.by_code("B")  # a non-state enterprise: 9a.1 (administrative) does not apply
    assert b.indicator("9a.1").status is Status.NOT_APPLICABLE
    assert not b.indicator("9a.1").counts
    assert b.indicator("9a.2").status is Status.SCORED
    assert b.indicator("9a.1").explain() == (
        "Does not apply to this unit's kind or sector: not counted."
    )
    u = board.by_code("U")  # an upper-level union: only 2.1 applies of these
    assert [i.code for i in u.indicators if i.counts] == ["2.1"]
    assert u.possible == 10
    assert u.score == Decimal("60.00")
    assert u.groups[1].possible == 0  # G2 does not count at all


def test_not_registered_not_reported_and_nothing_to_measure(ctx: AppContext) -> None:
    with ctx.reading() as session:
        plan = get_plan(session, PLAN)
    rules = parse_rules(rules_document(), plan)
    unit = UnitFacts("x", "X", "X", UnitKind.GRASSROOTS, ADMIN)
    score = score_unit(
        plan,
        rules,
        ScoreInput(
            unit,
            registered={"6.2": ratio(5, 10)},
            achieved={"2.1": count(4), "6.2": ratio(0, 0), "4": grade("kha")},
            reported=True,
        ),
    )
    assert score.indicator("2.1").status is Status.NOT_REGISTERED
    assert score.indicator("2.1").explain() == "Nothing registered: 0 of 10 points."
    assert score.indicator("9a.1").status is Status.NOT_REPORTED
    assert score.indicator("6.2").status is Status.NO_BASE  # 0 of 0: left out
    # G1: 2.1 0/10, 9a.1 0/10; G2: 4 khá 7/10 (6.2 left out) → (0 + 2 × 7) / (20 + 2 × 10)
    assert score.exact == Fraction(100 * 14, 40)
    assert score.score == Decimal("35.00")


def test_a_registered_zero_counts_as_the_cap_when_exceeded(ctx: AppContext) -> None:
    with ctx.reading() as session:
        plan = get_plan(session, PLAN)
    rules = parse_rules(rules_document(), plan)
    unit = UnitFacts("x", "X", "X", UnitKind.UPPER, None)
    score = score_unit(
        plan,
        rules,
        ScoreInput(unit, {"2.1": count(0)}, {"2.1": count(3)}, reported=True),
    )
    item = score.indicator("2.1")
    assert (item.attainment, item.points) == (Fraction(120), Fraction(12))
    assert "more than a registered 0 counts as 120,0%" in item.explain()


# --- ranking, ties, vetoes ---------------------------------------------------------------------


def test_cluster_ranking_with_a_broken_tie_a_shared_rank_and_vetoes(cluster: AppContext) -> None:
    board = board_of(cluster)
    # C, D and E all score 83,33; C and E attained 3 indicators in full, D only 2
    # (9a.1 answered no for C/E; 6.2 at 90% and a "khá" grade for D), so D comes
    # after them; C and E are equal on every tie-breaker and share rank 2.
    assert cluster_ranking(board) == [
        ("A", 1),
        ("C", 2),
        ("E", 2),
        ("D", 4),
        ("U", 5),
        ("B", 6),
        ("F", None),
        ("G", None),
        ("H", None),
    ]
    c = board.cluster_placing(board.by_code("C").unit.id)
    assert c is not None
    assert c.tied_with == ("E", "D") and c.shared_with == ("E",)
    assert c.explain() == (
        "Rank 2 of 6 with 83,33 points. Same score as E, D. The tie-breakers are equal too "
        "(indicators attained in full: 3; bonus points: 0): the rank is shared, listed by code."
    )
    d = board.cluster_placing(board.by_code("D").unit.id)
    assert d is not None
    assert d.explain() == (
        "Rank 4 of 6 with 83,33 points. Same score as C, E. Order decided by the "
        "tie-breakers: indicators attained in full: 2; bonus points: 0."
    )


def test_the_ranking_is_the_same_whatever_the_input_order(cluster: AppContext) -> None:
    board = board_of(cluster)
    scores = list(board.scores)
    first = rank_units(scores, board.rules.rules)
    again = rank_units(list(reversed(scores)), board.rules.rules)
    assert first == again


def test_vetoes_bar_ranking_and_cap_the_grade(cluster: AppContext) -> None:
    board = board_of(cluster)
    f = board.by_code("F")  # the same results as A, but a fatal accident
    assert f.score == Decimal("103.33") and f.grade_by_score == "vung_manh"
    assert [v.code for v in f.vetoes] == ["accident"]
    assert f.grade == "kha" and not f.eligible
    placing = board.cluster_placing(f.unit.id)
    assert placing is not None and placing.rank is None
    assert placing.explain() == "Not ranked: Tai nạn lao động chết người."
    g = board.by_code("G")  # no annual report
    assert [v.code for v in g.vetoes] == ["no_report"] and not g.reported
    h = board.by_code("H")  # graded weak
    assert [v.code for v in h.vetoes] == ["weak"]
    assert (h.grade_by_score, h.grade) == ("trung_binh", "yeu")
    assert board.suggestion(f.unit.id) is None


def test_ranking_within_an_upper_level_union(cluster: AppContext) -> None:
    board = board_of(cluster)
    parent = board.find_parent("U")
    assert [(p.code, p.rank) for p in board.by_parent[parent]] == [("C", 1), ("E", 1), ("D", 3)]


def test_grades_and_award_suggestions(cluster: AppContext) -> None:
    board = board_of(cluster)
    grades = {s.unit.code: s.grade for s in board.scores}
    assert grades == {
        "A": "vung_manh",
        "B": "trung_binh",
        "C": "kha",
        "D": "kha",
        "E": "kha",
        "F": "kha",
        "G": "yeu",
        "H": "yeu",
        "U": "trung_binh",
    }

    def suggested(code: str) -> str | None:
        award = board.suggestion(board.by_code(code).unit.id)
        return award.code if award else None

    assert suggested("A") == "co_thi_dua"  # ≥ 100 and first in the cluster
    assert suggested("C") == "bang_khen"  # ≥ 80 and rank 2 ≤ 3
    assert suggested("D") == "giay_khen"  # ≥ 80 but rank 4 > 3
    assert suggested("B") is None


def test_a_change_of_rules_rescores_everyone(cluster: AppContext) -> None:
    before = {s.unit.code: s.score for s in board_of(cluster).scores}
    save_rules(cluster, plan_id=PLAN, document=rules_document(weight_g2=1))
    board = board_of(cluster)
    after = {s.unit.code: s.score for s in board.scores}
    # With G2 weighted 1: A (22 + 20) / 40, B (8 + 13) / 40, C/E (10 + 20) / 40,
    # D (20 + 15) / 40, H (20 + 10) / 40; U has no G2 indicator and keeps 60.
    assert after == {
        "A": Decimal("105.00"),
        "B": Decimal("52.50"),
        "C": Decimal("75.00"),
        "D": Decimal("87.50"),
        "E": Decimal("75.00"),
        "F": Decimal("105.00"),
        "G": Decimal("0.00"),
        "H": Decimal("75.00"),
        "U": Decimal("60.00"),
    }
    assert {c for c in before if before[c] != after[c]} == set("ABCDEFH")
    assert cluster_ranking(board)[:5] == [("A", 1), ("D", 2), ("C", 3), ("E", 3), ("U", 5)]
    assert board.rules.revision == 2


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
    assert proposal.summary.startswith("Đạt 103,33 điểm, xếp thứ 1/6 Cụm A")
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
        "I. Cờ thi đua (1 tập thể)",
        "II. Bằng khen (1 tập thể)",
        "III. Đề nghị công nhận xếp loại (1 tập thể)",
        "TÓM TẮT THÀNH TÍCH",
        "Đạt 103,33 điểm, xếp thứ 1/6 Cụm A",
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


def run_cli(db: Path, *args: str) -> Any:
    out = io.StringIO()
    assert cli_main(["--db", str(db), "--lang", "en", *args], out=out) == 0
    return json.loads(out.getvalue())


def test_cli_score_and_rank_json(cluster: AppContext, db_path: Path) -> None:
    data = run_cli(db_path, "score", "--plan", PLAN, "--json")
    by_code = {u["unit"]["code"]: u for u in data["units"]}
    assert by_code["A"]["score"] == "103.33"
    assert by_code["B"]["indicators"][1]["status"] == "not_applicable"
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


# --- the cluster leader (unit mode) -------------------------------------------------------------


def write_enrolment(unit: Any, federation_id: str, folder: Path) -> Path:
    import base64

    from app.exchange.bodies import enrolment_to_json
    from app.exchange.format import Header, Kind, new_package_id, seal

    header = Header(
        package_id=new_package_id(),
        kind=Kind.ENROLMENT,
        audience=federation_id,
        unit_id=unit.id,
        unit_code=unit.code,
        signer=unit.keypair.key_id,
        epoch=1,
        plan_id="",
        stream="enrolment",
        revision=1,
        supersedes=None,
        plan_ref="",
        created_at="2017-03-01T08:00:00+07:00",
    )
    body = enrolment_to_json(
        base64.b64encode(unit.keypair.public_raw).decode("ascii"),
        name=unit.name,
        code=unit.code,
        chair="",
        phone="",
        email="",
        replaces=None,
    )
    data, _digest = seal(header, body, [unit.keypair.private_key])
    path = folder / f"{unit.code}_enrolment.thidua"
    path.write_bytes(data)
    return path


def test_cluster_leader_reads_members_packages_read_only(tmp_path: Path) -> None:
    from app.core.context import open_context
    from app.demo.province import make_demo
    from app.exchange.merge import import_packages
    from app.exchange.signing import fingerprint_groups
    from app.scoring.cluster_leader import (
        import_member_packages,
        list_members,
        print_member_covenant,
        trust_member,
    )
    from app.setup.first_run import initialize
    from db.enums import Role

    demo = make_demo(out_dir=tmp_path / "province", units=12, seed=8)
    members = [u for u in demo.units if u.kind is UnitKind.GRASSROOTS][:3]
    enrolments = tmp_path / "enrolments"
    enrolments.mkdir()
    leader = open_context(tmp_path / "leader.db")
    with leader.unit_of_work() as session:
        initialize(session, role=Role.UNIT, name="Công đoàn cụm trưởng", code="LEAD", sector=ADMIN)
    paths = {m.code: write_enrolment(m, demo.federation_id, enrolments) for m in members}

    # A typed fingerprint that does not match stores nothing.
    with pytest.raises(InputError, match="does not match"):
        trust_member(
            leader,
            path=paths[members[0].code],
            fingerprint=fingerprint_groups(members[1].keypair.public_raw),
            kind=UnitKind.GRASSROOTS,
            sector=members[0].sector,
        )
    assert list_members(leader) == []
    for member in members:
        trust_member(
            leader,
            path=paths[member.code],
            fingerprint=fingerprint_groups(member.keypair.public_raw),
            kind=member.kind,
            sector=member.sector,
        )
    results = import_member_packages(leader, paths=[demo.packages_dir])
    outcomes = {(r.unit_code, r.stream): r.outcome for r in results if r.outcome == "new"}
    assert outcomes == {(m.code, s): "new" for m in members for s in ("registration", "h1", "year")}
    rejected = [r for r in results if r.outcome == "rejected"]
    assert len(rejected) == len(demo.files) - 9  # every other unit's key is unknown here
    assert "has not confirmed" in rejected[0].reason_text()
    again = import_member_packages(leader, paths=[demo.packages_dir])
    assert {r.outcome for r in again if r.unit_code} == {"duplicate"}
    with leader.reading() as session:
        assert session.scalar(select(models.Statement.id).limit(1)) is None  # read-only

    # The leader's ranking scores the members exactly as the federation will.
    board = scoreboard(leader, plan_id=PLAN)
    assert board.source == "cluster_leader"
    assert {s.unit.code for s in board.scores} == {"LEAD", *(m.code for m in members)}
    federation = open_context(demo.database)
    import_packages(federation, paths=[demo.packages_dir], dry_run=False)
    at_federation = scoreboard(federation, plan_id=PLAN)
    for member in members:
        assert board.by_code(member.code).exact == at_federation.by_code(member.code).exact
    federation.close()
    ranking = board.by_cluster["cluster"]
    assert ranking[-1].code == "LEAD" and ranking[-1].rank is None  # the leader has no report

    # The same from the command line.
    listed = run_cli(tmp_path / "leader.db", "members", "list", "--json")
    assert [m["code"] for m in listed] == [m.code for m in members]
    assert all(m["streams"] == ["h1", "registration", "year"] for m in listed)
    ranked = run_cli(tmp_path / "leader.db", "rank", "--json")
    assert {u["code"] for u in ranked["rankings"][0]["units"]} == {
        "LEAD",
        *(m.code for m in members),
    }

    pdf = print_member_covenant(leader, plan_id=PLAN, out=tmp_path / "covenant.pdf")
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    assert "GIAO ƯỚC THI ĐUA" in text
    for member in members:
        assert member.name.upper() in text.replace("\r\n", " ").upper()
    leader.close()
