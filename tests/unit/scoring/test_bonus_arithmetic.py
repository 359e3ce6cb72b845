"""The unit's bonus points added up in integers over the least common denominator of the
indicators' bonuses (and rounded for ranking in integers) equal the same sums made in
exact fractions from each indicator's explained figures.

Several indicators with bonus points in groups of different weights, counts and ratios
with any figures: the denominators the engine meets are those of real plans."""

from __future__ import annotations

import copy
from fractions import Fraction
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core import domain
from app.core.context import AppContext
from app.core.domain import UnitValue
from app.core.format import half_up_units
from app.plans import Rules, get_plan, parse_rules
from app.scoring.engine import ScoreInput, UnitFacts, score_unit
from db.enums import UnitKind
from tests.unit.scoring.cluster import ADMIN, PLAN, rules_document


def _rules_with_bonuses(plan: domain.Plan) -> Rules:
    document: dict[str, Any] = copy.deepcopy(rules_document(weight_g2="1.5"))
    first, second = document["groups"]
    first["indicators"] += [
        {"code": "2.2", "points": 10, "cap": 150, "bonus_per_percent": "0.05"},
        {"code": "5", "points": 7, "cap": 200, "bonus_per_percent": "0.3"},
    ]
    second["indicators"][0].update(cap=130, bonus_per_percent="0.07")
    second["indicators"].append(
        {"code": "6.1", "points": 10, "cap": 125, "bonus_per_percent": "0.11"}
    )
    return parse_rules(document, plan)


_COUNTS = ("2.1", "2.2", "5")
_RATIOS = ("6.1", "6.2")
_count = st.integers(min_value=0, max_value=5_000)


@st.composite
def _ratio(draw: st.DrawFn) -> UnitValue:
    denominator = draw(st.integers(min_value=0, max_value=997))
    return UnitValue(
        numerator=draw(st.integers(min_value=0, max_value=denominator)), denominator=denominator
    )


_figures = st.fixed_dictionaries(
    {
        "registered": st.fixed_dictionaries(
            {c: _count.map(lambda n: UnitValue(amount=n)) for c in _COUNTS}
            | {c: _ratio() for c in _RATIOS}
        ),
        "achieved": st.fixed_dictionaries(
            {c: _count.map(lambda n: UnitValue(amount=n)) for c in _COUNTS}
            | {c: _ratio() for c in _RATIOS}
        ),
    }
)


def test_bonus_points_in_integers_equal_the_exact_sums(ctx: AppContext) -> None:
    with ctx.reading() as session:
        plan = get_plan(session, PLAN)
    rules = _rules_with_bonuses(plan)
    unit = UnitFacts("x", "X", "X", UnitKind.GRASSROOTS, ADMIN)
    seen_bonus = []

    @settings(max_examples=300, deadline=None)
    @given(_figures)
    def check(figures: dict[str, dict[str, UnitValue]]) -> None:
        score = score_unit(
            plan,
            rules,
            ScoreInput(unit, figures["registered"], figures["achieved"], reported=True),
        )
        bonus = sum((i.bonus * i.weight for i in score.indicators), Fraction(0))
        assert score.bonus == bonus
        assert score.bonus_parts[1] > 0
        assert score.bonus_cents == half_up_units(bonus, 2)
        assert score.shown_bonus == Fraction(score.bonus_cents, 100)
        earned = sum((g.weighted_earned for g in score.groups), Fraction(0))
        possible = sum((g.weighted_possible for g in score.groups), Fraction(0))
        assert possible > 0 and score.exact == 100 * earned / possible
        seen_bonus.append(bool(bonus))

    check()
    assert any(seen_bonus)  # bonuses were met, not only units without any
