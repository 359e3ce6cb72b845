"""Year-end scoring: hand-computed scores, indicators that do not apply, ranking, ties,
vetoes, grades and award suggestions, a change of rules re-scoring everyone.

The cluster, its rules and hand-computed scores are described in ``cluster.py``; the
``cluster`` fixture of this folder's conftest builds it."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

from app.core.context import AppContext
from app.plans import TieBreaker
from app.plans.reading import get_plan
from app.plans.rules_parse import parse_rules
from app.scoring.engine import ScoreInput, UnitFacts, score_unit
from app.scoring.indicator_score import Status
from app.scoring.ranking import rank_units
from app.scoring.rules import save_rules
from db.enums import UnitKind
from tests.unit.scoring.cluster import (
    ADMIN,
    PLAN,
    board_of,
    cluster_ranking,
    count,
    grade,
    plan_with_rules,
    ratio,
    rules_document,
)

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
        "Above 100 on the 100 scale: bonus points for indicators exceeded are added to it.",
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
    plan, rules = plan_with_rules(ctx)
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


def test_a_units_indicators_are_listed_in_the_plans_order(ctx: AppContext) -> None:
    with ctx.reading() as session:
        plan = get_plan(session, PLAN)
    document = rules_document()
    document["groups"].reverse()  # the rules' groups in another order than the plan's
    rules = parse_rules(document, plan)
    ruled = [r.code for g in rules.groups for r in g.indicators]
    unit = UnitFacts("x", "X", "X", UnitKind.GRASSROOTS, ADMIN)
    score = score_unit(plan, rules, ScoreInput(unit, {}, {}, reported=True))
    in_plan = [i.code for i in plan.indicators if i.code in ruled]
    assert ruled != in_plan
    assert [i.code for i in score.indicators] == in_plan


def test_a_registered_zero_counts_as_the_cap_when_exceeded(ctx: AppContext) -> None:
    plan, rules = plan_with_rules(ctx)
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


def test_a_large_tie_is_listed_once_for_all_its_units(cluster: AppContext) -> None:
    """300 units equal on everything share rank 1; their codes are one tuple, not one copy
    per unit (copying them per unit was quadratic in the tie's size)."""
    board = board_of(cluster)
    c = board.by_code("C")
    tied = [
        replace(c, unit=replace(c.unit, id=f"id-{n}", code=f"T{n}", code_order=None))
        for n in reversed(range(300))
    ]
    placings = rank_units(tied, board.rules.rules)
    assert [p.code for p in placings] == [f"T{n}" for n in range(300)]  # T2 before T10
    assert {(p.rank, p.ranked_units) for p in placings} == {(1, 300)}
    assert all(p.same_score is placings[0].same_score for p in placings)
    assert all(p.same_rank is placings[0].same_rank for p in placings)
    others = tuple(f"T{n}" for n in range(300) if n != 10)
    assert placings[10].tied_with == others and placings[10].shared_with == others
    assert placings[10].breaker_values == (
        (TieBreaker.INDICATORS_ATTAINED, Fraction(3)),
        (TieBreaker.BONUS_POINTS, Fraction(0)),
    )


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
    # The explanation names the grade as the plan does, never by its code.
    assert "Veto: Xếp loại yếu (not ranked, no commendation; grade at most Yếu)." in h.explain()
    assert (
        "Veto: Tai nạn lao động chết người (not ranked, no commendation; grade at most Khá)."
        in (f.explain())
    )


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
